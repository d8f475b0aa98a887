"""The shared folder beside the project clone (../shared: the source article and the public
vocabulary), as on CI. `SHARED_DIR` points elsewhere; the tests that read it skip without it."""

from __future__ import annotations

import os
from pathlib import Path

from bot.settings import PROJECT_ROOT

SHARED_DIR = Path(os.environ.get("SHARED_DIR") or PROJECT_ROOT.parent / "shared")
ARTICLE = SHARED_DIR / "source" / "foot-numbness-article.txt"
SHARED_SPEC = SHARED_DIR / "spec" / "vocabulary.yml"
