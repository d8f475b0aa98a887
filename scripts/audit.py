"""`make audit`: known vulnerabilities in the pinned packages, Python and npm.

pip-audit checks requirements/lock.txt against PyPI's advisory service and
`npm audit` checks web/package-lock.json against the npm registry's. Both
tools pass silently when their service cannot be asked (pip-audit reports
every package as "not found on PyPI" and then "No known vulnerabilities
found"), so each service is asked once first, and an unreachable one fails
the audit with a line naming it. A finding fails the audit unless its id is
in the README's "Accepted audit findings" table, with the reason.

Runs in the audit tool's own venv (.venv-audit, requirements/audit.txt), with
the standard library only besides pip-audit: it imports nothing of the project.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Set, Tuple

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
WEB = ROOT / "web"
README = ROOT / "README.md"
PYPI_ADVISORIES = "https://pypi.org/pypi/{name}/{version}/json"  # what `pip-audit -s pypi` asks
NPM_ADVISORIES = "https://registry.npmjs.org/-/npm/v1/security/advisories/bulk"  # what `npm audit` asks
TIMEOUT = 30
ACCEPTED_SECTION = "## Accepted audit findings"
ADVISORY_ID = re.compile(r"^\|\s*`([A-Za-z]+-[\w.:-]+)`\s*\|")


def accepted_ids(readme: str) -> Set[str]:
    """Advisory ids in the first column of the README's accepted-findings table."""
    section = readme.split(ACCEPTED_SECTION, 1)[1] if ACCEPTED_SECTION in readme else ""
    section = section.split("\n## ", 1)[0]
    return {match.group(1) for line in section.splitlines() if (match := ADVISORY_ID.match(line.strip()))}


def first_pin(lock: str) -> Tuple[str, str]:
    for line in lock.splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split(";")[0].strip().split("==")
            return name, version
    raise SystemExit(f"error: no pinned package in {LOCK}")


def pypi_unreachable(name: str, version: str) -> str | None:
    """Why PyPI's advisory service cannot be asked, or None when it answers."""
    url = PYPI_ADVISORIES.format(name=name, version=version)
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            if "vulnerabilities" in json.loads(response.read() or b"{}"):
                return None
            return f"{url} answered without a vulnerabilities field"
    except urllib.error.HTTPError as error:
        return f"{url} answered HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return f"{url} could not be read: {getattr(error, 'reason', error)}"


def audit_python(accepted: Set[str]) -> List[str]:
    """Problems found, one line each (an empty list: no unaccepted finding)."""
    name, version = first_pin(LOCK.read_text())
    unreachable = pypi_unreachable(name, version)
    if unreachable:
        return [
            "PyPI's advisory service could not be reached, so no Python package was audited: "
            f"{unreachable} (asked for {name} {version} from requirements/lock.txt)"
        ]
    command = [
        str(Path(sys.executable).parent / "pip-audit"),
        *("-r", str(LOCK), "--no-deps", "--disable-pip", "-s", "pypi", "--strict"),
        *("--progress-spinner", "off", "--format", "json"),
    ]
    for advisory in sorted(accepted):
        command += ["--ignore-vuln", advisory]
    result = subprocess.run(command, capture_output=True, text=True)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        error = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return [f"pip-audit failed on requirements/lock.txt: {error}"]
    problems = [
        f"Python: {dep['name']} {dep['version']}: {vuln['id']} (fixed in {_fixes(vuln)})"
        for dep in report.get("dependencies", [])
        for vuln in dep.get("vulns", [])
    ]
    problems += [
        f"Python: {dep['name']} could not be audited: {dep['skip_reason']}"
        for dep in report.get("dependencies", [])
        if dep.get("skip_reason")
    ]
    if result.returncode != 0 and not problems:
        problems.append(f"pip-audit exited with {result.returncode}: {result.stderr.strip()[-300:]}")
    return problems


def _fixes(vuln: Dict) -> str:
    return ", ".join(vuln.get("fix_versions") or []) or "no release"


def audit_npm(accepted: Set[str]) -> List[str]:
    result = subprocess.run(
        ["npm", "audit", "--package-lock-only", "--json"], cwd=WEB, capture_output=True, text=True
    )
    try:
        report: Dict = json.loads(result.stdout or "{}")
    except ValueError:
        report = {}
    if "vulnerabilities" not in report:
        reason = report.get("message") or (result.stderr.strip().splitlines() or ["no answer"])[-1]
        return [
            "the npm registry's advisory service could not be reached, so no npm package was audited: "
            f"{NPM_ADVISORIES}: {reason}"
        ]
    return npm_findings(report, accepted)


def npm_findings(report: Dict, accepted: Set[str]) -> List[str]:
    """One line per advisory in `npm audit --json` (format 2) that is not accepted."""
    found: Dict[str, str] = {}
    for package, entry in report["vulnerabilities"].items():
        for via in entry.get("via", []):
            if not isinstance(via, dict):
                continue  # a package affected through another one: that one's advisory is listed
            advisory = str(via.get("url", "")).rstrip("/").rsplit("/", 1)[-1] or str(via.get("source"))
            if advisory not in accepted:
                name, versions = via.get("name", package), via.get("range", "")
                found[advisory] = f"npm: {name} {versions}: {advisory} ({via.get('title', '')})"
    return [found[key] for key in sorted(found)]


def main() -> int:
    accepted = accepted_ids(README.read_text(encoding="utf-8"))
    problems = audit_python(accepted) + audit_npm(accepted)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        print(
            f"audit: {len(problems)} problem(s); accept a finding only with its reason in README.md, "
            f'"{ACCEPTED_SECTION[3:]}"',
            file=sys.stderr,
        )
        return 1
    print(
        f"audit: no known vulnerability in requirements/lock.txt or web/package-lock.json "
        f"beyond the {len(accepted)} accepted in README.md"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
