"""The chat page in headless Chromium: each scenario of test_webchat.js, run
with node against the page, Rasa and action servers of the `channels` fixture.
Screenshots go to reports/."""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e

SCRIPT = Path(__file__).with_suffix(".js")
CHROMIUM = Path("/usr/bin/chromium")
REPORTS = PROJECT_ROOT / "reports"
SCENARIOS = [
    "conversation_survives_a_reload",
    "clearing_the_chat_leaves_no_copy",
    "emergency_is_a_red_notice",
    "html_is_shown_as_text",
    "keyboard_screen_reader_and_contrast",
    "accessibility_with_axe",
    "summary_download_and_print",
]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_webchat(channels, scenario: str) -> None:
    node = shutil.which("node")
    assert node, "node is not installed"
    assert CHROMIUM.exists(), "Debian's chromium is missing: `make setup` installs it"
    for package in ("playwright-core", "axe-core"):
        assert (PROJECT_ROOT / "web" / "node_modules" / package).is_dir(), "run `make setup` (npm ci in web/)"
    REPORTS.mkdir(exist_ok=True)
    env = dict(
        os.environ,
        PAGE_URL=channels.page_url,
        RASA_URL=channels.rasa_url,
        REPORT_DIR=str(REPORTS),
        CHROMIUM=str(CHROMIUM),
    )
    result = subprocess.run(
        [node, str(SCRIPT), scenario], env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"


def test_the_page_server_serves_its_own_files_only(channels) -> None:
    with urllib.request.urlopen(channels.page_url) as response:
        policy = response.headers["Content-Security-Policy"]
        assert b"rasa-webchat.js" in response.read()
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    for path in ("vendor/rasa-webchat.js", "config.js"):
        with urllib.request.urlopen(channels.page_url + path) as response:
            assert response.status == 200
    for path in ("server.py", "../web/server.py", "node_modules/react/package.json", "public/app.js"):
        try:
            urllib.request.urlopen(channels.page_url + path)
        except urllib.error.HTTPError as error:
            assert error.code == 404
        else:
            raise AssertionError(f"{path} was served")
