"""`nbaudit check-notebook` and `nbaudit scan`: findings, formats, exit codes, nothing raw."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from nbaudit.cli import EXIT_CLEAN, EXIT_FOUND, EXIT_USAGE, main
from nbaudit.notebook_check import NotebookError, check_notebook

REPO = Path(__file__).resolve().parent.parent
NAMES = ["miguel hernandez", "kevon dixon", "ed philo", "marsha miles", "edward riddle",
         "steven stewart", "elizabeth thieme", "bo bradac", "benjamin franc", "ellyaher lanza"]
EMAIL = "quentin.marlowe@fenwick-harbor.net"
PHONE = "+44 20 7946 0958"
SECRET = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
RAW = [*NAMES, EMAIL, PHONE, SECRET, "7946 0958", "quentin.marlowe"]


def leaky_notebook(path: Path) -> Path:
    """Every place a notebook carries data: a DataFrame output, a stream, an error, Markdown,
    widget state, a text attachment, an image, and a secret in code."""
    frame = pd.DataFrame({"name": NAMES, "age": range(30, 40)})
    nb = nbformat.v4.new_notebook()
    table = nbformat.v4.new_code_cell("df.head(10)")
    table.outputs = [nbformat.v4.new_output("execute_result", data={
        "text/html": frame.to_html(), "text/plain": frame.to_string()}, execution_count=1)]
    stream = nbformat.v4.new_code_cell("print(contact)")
    stream.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                             text=f"write to {EMAIL}\n")]
    error = nbformat.v4.new_code_cell("call()")
    error.outputs = [nbformat.v4.new_output("error", ename="ValueError",
                                            evalue=f"bad phone {PHONE}", traceback=["..."])]
    secret = nbformat.v4.new_code_cell(f'API_KEY = "{SECRET}"')
    note = nbformat.v4.new_markdown_cell("See the attached contact card.")
    note.attachments = {"card.txt": {"text/plain": base64.b64encode(
        f"Call {PHONE}".encode()).decode()}, "logo.png": {"image/png": "iVBORw0KGgo="}}
    widget = nbformat.v4.new_code_cell("w")
    widget.outputs = [nbformat.v4.new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {"model_id": "m1", "version_major": 2,
                                                     "version_minor": 0}})]
    nb.cells = [table, stream, error, secret, note, widget]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "version_major": 2, "version_minor": 0,
        "state": {"m1": {"model_name": "GridModel", "state": {"rows": [{"email": EMAIL}]}}}}}
    nbformat.write(nb, path)
    return path


def clean_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"},
                                           execution_count=1)]
    nb.cells = [cell, nbformat.v4.new_markdown_cell("# Totals by region")]
    nbformat.write(nb, path)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_nothing_raw(text: str) -> None:
    for value in RAW:
        assert value.lower() not in text.lower(), value
        assert json.dumps(value)[1:-1].lower() not in text.lower(), value


def test_every_place_is_found_and_masked(tmp_path):
    check = check_notebook(leaky_notebook(tmp_path / "leaky.ipynb"))
    places = {(f.cell, f.entity) for f in check.findings}
    assert (1, "PERSON") in places  # the DataFrame's name column, by lexicon and header
    assert (2, "EMAIL_ADDRESS") in places  # stdout
    assert (3, "PHONE_NUMBER") in places  # the error message
    assert (4, "SECRET") in places  # the code
    assert (5, "PHONE_NUMBER") in places  # the text attachment
    assert (6, "EMAIL_ADDRESS") in places  # the widget's saved state, under its output cell
    person = next(f for f in check.findings if f.entity == "PERSON")
    assert person.count == len(NAMES) and "column 'name'" in person.where
    assert any("image/png" in n for n in check.not_read)
    assert check.failed("high")
    assert_nothing_raw(json.dumps(check.to_dict()) + check.to_text() + check.to_markdown())


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_check_notebook_exit_codes_and_formats(tmp_path, capsys, fmt):
    leaky, clean = leaky_notebook(tmp_path / "a.ipynb"), clean_notebook(tmp_path / "b.ipynb")
    code, out, _ = run(capsys, "check-notebook", "--format", fmt, str(leaky), str(clean))
    assert code == EXIT_FOUND
    assert_nothing_raw(out)
    if fmt == "json":
        data = json.loads(out)
        assert [len(d["findings"]) > 0 for d in data] == [True, False]
    code, out, _ = run(capsys, "check-notebook", "--format", fmt, str(clean))
    assert code == EXIT_CLEAN


def test_fail_on_level_and_entities(tmp_path, capsys):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("df.age.head()")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                           text="she is 34 years old\n")]
    nb.cells = [cell]
    path = tmp_path / "age.ipynb"
    nbformat.write(nb, path)
    assert run(capsys, "check-notebook", str(path))[0] == EXIT_CLEAN  # AGE is medium
    assert run(capsys, "check-notebook", "--fail-on", "medium", str(path))[0] == EXIT_FOUND
    leaky = leaky_notebook(tmp_path / "leaky.ipynb")
    code, out, _ = run(capsys, "check-notebook", "--entities", "SECRET", str(leaky))
    assert code == EXIT_FOUND and "SECRET" in out and "PERSON" not in out


def test_masked_values_and_tokens_are_not_findings(tmp_path):
    """A pseudonymized frame shown in a notebook is what nbaudit recommends: no alarm."""
    frame = pd.DataFrame({"customer_name": [f"tok_{i:016x}" for i in range(10)],
                          "email": [f"tok_{i:016x}@example.invalid" for i in range(10)],
                          "phone": ["+* ***-***-7382"] * 10, "card": ["**** **** **** 4542"] * 10})
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("result.frame")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={
        "text/html": frame.to_html()}, execution_count=1)]
    nb.cells = [cell]
    path = tmp_path / "pseudo.ipynb"
    nbformat.write(nb, path)
    assert check_notebook(path).findings == ()


@pytest.mark.parametrize("content", ["not json", '{"cells": 3}', "[]"])
def test_unreadable_notebooks_say_what_to_do(tmp_path, capsys, content):
    path = tmp_path / "bad.ipynb"
    path.write_text(content)
    with pytest.raises(NotebookError, match="notebook"):
        check_notebook(path)
    code, _, err = run(capsys, "check-notebook", str(path))
    assert code == EXIT_USAGE and "bad.ipynb" in err
    code, _, err = run(capsys, "check-notebook", str(tmp_path / "missing.ipynb"))
    assert code == EXIT_USAGE and "missing.ipynb" in err


def test_scan_tables(tmp_path, capsys):
    people = pd.DataFrame({"name": NAMES, "email": [f"user{i}@fenwick-harbor.net"
                                                    for i in range(10)]})
    people.to_csv(tmp_path / "people.csv", index=False)
    totals = pd.DataFrame({"region": ["north", "south"] * 5, "total": range(10)})
    (tmp_path / "parts").mkdir()
    totals.to_parquet(tmp_path / "parts" / "part-0.parquet")
    code, out, _ = run(capsys, "scan", str(tmp_path / "people.csv"))
    assert code == EXIT_FOUND and "EMAIL_ADDRESS" in out and "PERSON" in out
    assert_nothing_raw(out)
    code, out, _ = run(capsys, "scan", "--format", "json", str(tmp_path / "parts"))
    assert code == EXIT_CLEAN and json.loads(out)[0]["path"].endswith("parts")
    code, out, _ = run(capsys, "scan", "--format", "markdown", str(tmp_path / "people.csv"))
    assert code == EXIT_FOUND and "|" in out
    assert_nothing_raw(out)
    code, _, err = run(capsys, "scan", str(tmp_path / "people.xlsx"))
    assert code == EXIT_USAGE and "unknown file type" in err


def test_console_script_and_pre_commit_hook(tmp_path):
    leaky = leaky_notebook(tmp_path / "leaky.ipynb")
    proc = subprocess.run([sys.executable, "-m", "nbaudit.cli", "check-notebook", str(leaky)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == EXIT_FOUND, proc.stderr
    assert_nothing_raw(proc.stdout + proc.stderr)
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "nbaudit-check-notebook")
    assert hook["entry"].split() == ["nbaudit", "check-notebook"] and hook["types"] == ["jupyter"]
    pyproject = (REPO / "pyproject.toml").read_text()
    assert 'nbaudit = "nbaudit.cli:main"' in pyproject
