"""The pre-commit hooks as pre-commit runs them: the entry, then the staged file names."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from nbaudit.cli import EXIT_CLEAN, EXIT_FOUND

REPO = Path(__file__).resolve().parent.parent
HOOKS = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
EMAIL = "quentin.marlowe@fenwick-harbor.net"


def notebook(path: Path, text: str) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(contact)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    nb.cells = [cell]
    nbformat.write(nb, path)
    return path


def run_hook(hook_id: str, *files: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("nbaudit")
    if not script.exists():
        pytest.skip("the nbaudit console script is not installed in this environment")
    entry = HOOKS[hook_id]["entry"].split()
    assert entry[0] == "nbaudit"
    return subprocess.run([str(script), *entry[1:], *map(str, files)], capture_output=True,
                          text=True, timeout=180)


def test_hooks_are_declared_for_pre_commit():
    assert set(HOOKS) == {"nbaudit-check-notebook", "nbaudit-scan"}
    for hook in HOOKS.values():
        assert hook["language"] == "python" and hook["entry"].startswith("nbaudit ")
    assert HOOKS["nbaudit-check-notebook"]["types"] == ["jupyter"]
    files = re.compile(HOOKS["nbaudit-scan"]["files"])
    assert files.search("data/people.csv") and files.search("parts/p-0.parquet")
    assert not files.search("src/app.py") and not files.search("notes.ipynb")


def test_check_notebook_hook(tmp_path):
    leaky = notebook(tmp_path / "leaky.ipynb", f"write to {EMAIL}\n")
    clean = notebook(tmp_path / "clean.ipynb", "42 rows\n")
    proc = run_hook("nbaudit-check-notebook", clean, leaky)
    assert proc.returncode == EXIT_FOUND, proc.stderr
    assert "leaky.ipynb" in proc.stdout and "EMAIL_ADDRESS" in proc.stdout
    assert EMAIL not in proc.stdout + proc.stderr
    assert run_hook("nbaudit-check-notebook", clean).returncode == EXIT_CLEAN


def test_scan_hook(tmp_path):
    emails = [f"user{i}.marlowe@fenwick-harbor.net" for i in range(30)]
    pd.DataFrame({"email": emails, "n": range(30)}).to_csv(tmp_path / "people.csv",
                                                            index=False)
    pd.DataFrame({"region": ["north", "south"] * 15, "total": range(30)}).to_csv(
        tmp_path / "totals.csv", index=False)
    proc = run_hook("nbaudit-scan", tmp_path / "totals.csv", tmp_path / "people.csv")
    assert proc.returncode == EXIT_FOUND, proc.stderr
    assert "fenwick" not in proc.stdout + proc.stderr
    assert run_hook("nbaudit-scan", tmp_path / "totals.csv").returncode == EXIT_CLEAN
