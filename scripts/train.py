"""Trains the model only when what it is trained from has changed.

`rasa train` (Rasa 3.6) always writes a new model file: its fingerprint cache
(`.rasa/cache`) only makes unchanged components quick to reuse, and its dry
run misses changed responses. So the model is named after a digest of every
training input (config, domain, data, the clinical NLP the component builds
from, the pinned packages); when that file exists nothing is trained, and a
new training replaces the older ones instead of piling them up.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List

from bot.settings import PROJECT_ROOT, Settings

#: Files and folders the trained model depends on, relative to the project.
TRAINING_INPUTS = (
    "config.yml",
    "domain.yml",
    "data",
    "bot/nlp",
    "bot/graph",
    "bot/vocabulary.yml",
    "bot/knowledge/data/red_flags.yml",
    "requirements/lock.txt",
)
PREFIX = "model-"


def _files(root: Path, inputs: Iterable[str]) -> List[Path]:
    files: List[Path] = []
    for name in inputs:
        path = root / name
        if path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            files.append(path)
    return sorted(files)


def training_digest(root: Path = PROJECT_ROOT, inputs: Iterable[str] = TRAINING_INPUTS) -> str:
    """A digest of the names and contents of every training input."""
    digest = hashlib.sha256()
    for path in _files(root, inputs):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_file(model_dir: Path, digest: str) -> Path:
    return model_dir / f"{PREFIX}{digest}.tar.gz"


def main() -> int:
    model_dir = Settings.from_env().model_dir
    target = model_file(model_dir, training_digest())
    if target.exists():
        print(f"==> train: the model is up to date ({target.name})", flush=True)
        return 0
    print("==> train: training inputs changed: rasa train (reuses unchanged components)", flush=True)
    rasa = Path(sys.executable).parent / "rasa"
    command = [str(rasa), "train", "--out", str(model_dir), "--fixed-model-name", target.name, "--quiet"]
    result = subprocess.run(command, cwd=PROJECT_ROOT)
    if result.returncode != 0 or not target.exists():
        print("error: rasa train failed (see above)", file=sys.stderr)
        return result.returncode or 1
    for old in model_dir.glob(f"{PREFIX}*.tar.gz"):
        if old != target:
            old.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
