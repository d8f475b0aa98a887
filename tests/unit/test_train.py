"""`make train` retrains exactly when a training input changed."""

from __future__ import annotations

from pathlib import Path

from scripts.train import training_digest

INPUTS = ("config.yml", "data", "bot/nlp")


def _project(root: Path) -> Path:
    (root / "data" / "nlu").mkdir(parents=True)
    (root / "bot" / "nlp").mkdir(parents=True)
    (root / "config.yml").write_text("pipeline: []\n")
    (root / "data" / "nlu" / "greet.yml").write_text("- hello\n")
    (root / "bot" / "nlp" / "lexicon.yml").write_text("numb: numbness\n")
    return root


def test_the_same_inputs_give_the_same_model(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert training_digest(root, INPUTS) == training_digest(root, INPUTS)


def test_changed_training_data_needs_a_new_model(tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = training_digest(root, INPUTS)
    (root / "data" / "nlu" / "greet.yml").write_text("- hello\n- hi there\n")
    assert training_digest(root, INPUTS) != before


def test_a_new_lexicon_file_or_a_renamed_one_needs_a_new_model(tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = training_digest(root, INPUTS)
    (root / "bot" / "nlp" / "lexicon.yml").rename(root / "bot" / "nlp" / "lexicon2.yml")
    renamed = training_digest(root, INPUTS)
    (root / "data" / "nlu" / "extra.yml").write_text("- bye\n")
    assert len({before, renamed, training_digest(root, INPUTS)}) == 3


def test_compiled_python_and_other_files_do_not_count(tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = training_digest(root, INPUTS)
    (root / "bot" / "nlp" / "__pycache__").mkdir()
    (root / "bot" / "nlp" / "__pycache__" / "lexicon.cpython-310.pyc").write_bytes(b"\x00")
    (root / "README.md").write_text("docs change\n")
    assert training_digest(root, INPUTS) == before
