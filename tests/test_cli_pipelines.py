"""`nbaudit risk`, `nbaudit fairness` and the readers: exit codes, formats, bad input,
Parquet folders, progress, and nothing raw from personal-data columns."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nbaudit.cli import EXIT_CLEAN, EXIT_FAIL, EXIT_USAGE, FORMAT_VERSION, _common, _read, main

N = 400
EMAILS = [f"person{i:03d}.rowe@harbor-mail.net" for i in range(N)]


def people(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["female", "male"], N)
    score = np.clip(rng.normal(0.5, 0.2, N) + np.where(sex == "male", 0.25, 0.0), 0, 1)
    label = (rng.random(N) < score).astype(int)
    return pd.DataFrame({
        "age": rng.integers(18, 90, N), "zip_code": [f"{z:05d}" for z in
                                                    rng.integers(2100, 2200, N)],
        "sex": sex, "diagnosis": rng.choice(["flu", "asthma", "diabetes"], N, p=[.8, .15, .05]),
        "email": EMAILS, "score": score.round(4), "label": label,
        "approved": np.where(score >= 0.5, "yes", "no"),
        "outcome": np.where(label == 1, "yes", "no"),
        "contact": [EMAILS[i % 20] for i in range(N)],  # 20 groups of emails
    })


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    people().to_csv(path, index=False)
    return path


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """A Parquet folder: parts, one in a Hive-style subfolder."""
    frame = people()
    (tmp_path / "parts" / "batch=2").mkdir(parents=True)
    frame.iloc[:150].to_parquet(tmp_path / "parts" / "part-0.parquet", index=False)
    frame.iloc[150:300].to_parquet(tmp_path / "parts" / "part-1.parquet", index=False)
    frame.iloc[300:].to_parquet(tmp_path / "parts" / "batch=2" / "part-2.parquet", index=False)
    return tmp_path / "parts"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_no_emails(text: str) -> None:
    for value in (EMAILS[0], EMAILS[7], "harbor-mail", "person000"):
        assert value not in text, value


# --- risk ---------------------------------------------------------------------------------
def test_risk_pass_marks_decide_the_exit_code(data, capsys):
    code, out, err = run(capsys, "risk", data, "--qi", "age,zip_code,sex", "--k", "5")
    assert code == EXIT_FAIL, err
    assert "k = 1" in out and "FAIL" in out and "exit 1" in out
    assert run(capsys, "risk", data, "--qi", "sex", "--k", "5")[0] == EXIT_CLEAN
    code, out, _ = run(capsys, "risk", data, "--qi", "age,zip_code", "--fail-on", "never")
    assert code == EXIT_CLEAN and "FAILED" in out  # reported, not failed


def test_risk_l_and_t(data, capsys):
    code, out, _ = run(capsys, "risk", data, "--qi", "sex", "--k", "2", "--sensitive",
                       "diagnosis", "--l", "3")
    assert code == EXIT_CLEAN and "l (diagnosis) = 3" in out
    code, out, _ = run(capsys, "risk", data, "--qi", "age", "--k", "1", "--sensitive",
                       "diagnosis", "--l", "2", "--t", "0.2", "--format", "json")
    doc = json.loads(out)
    assert code == EXIT_FAIL and not doc["passed"]
    marks = {(c["mark"], c["column"]): c for c in doc["checks"]}
    assert marks[("k", None)]["passes"] and not marks[("l", "diagnosis")]["passes"]
    assert ("t", "diagnosis") in marks
    code, _, err = run(capsys, "risk", data, "--qi", "age", "--l", "2")
    assert code == EXIT_USAGE and "--sensitive" in err


def test_risk_search_in_words(data, capsys):
    code, out, _ = run(capsys, "risk", data, "--qi", "age,zip_code,sex", "--k", "5",
                       "--search")
    assert code == EXIT_FAIL  # the data as it is still fails; the search says what to do
    line = next(x for x in out.splitlines() if x.startswith("Best generalization"))
    assert "age:" in line and "zip_code:" in line and "sex:" in line
    assert "records suppressed" in out and "information loss" in out
    code, out, _ = run(capsys, "risk", data, "--qi", "age,zip_code,sex", "--search",
                       "--format", "json")
    search = json.loads(out)["search"]
    assert search["found"] and search["k"] >= 5 and set(search["descriptions"]) == {
        "age", "zip_code", "sex"}


def test_risk_json_is_stable(data, capsys):
    code, out, _ = run(capsys, "risk", data, "--qi", "age,sex", "--k", "3", "--format",
                       "json")
    doc = json.loads(out)
    assert list(doc) == ["format_version", "command", "path", "n_records",
                         "quasi_identifiers", "sensitive", "pass_marks", "figures", "checks",
                         "passed", "search", "exit_code"]
    assert doc["format_version"] == FORMAT_VERSION and doc["command"] == "risk"
    assert list(doc["figures"]) == ["k", "n_classes", "sample_uniques", "records_below_k",
                                    "average_risk", "highest_risk", "journalist_risk",
                                    "marketer_risk", "l_diversity", "entropy_l_diversity",
                                    "t_closeness", "n_records"]
    assert doc["exit_code"] == code and doc["n_records"] == N and doc["search"] is None
    assert doc["pass_marks"] == {"k": 3, "l": None, "t": None}


def test_risk_markdown(data, capsys):
    code, out, _ = run(capsys, "risk", data, "--qi", "age,sex", "--format", "markdown")
    assert code == EXIT_FAIL and "|" in out and "**Pass marks: failed** (exit 1)" in out


def test_risk_on_emails_prints_no_email(data, capsys):
    for fmt in ("table", "json", "markdown"):
        code, out, err = run(capsys, "risk", data, "--qi", "email,age", "--sensitive",
                             "contact", "--l", "2", "--search", "--format", fmt)
        assert code == EXIT_FAIL
        assert_no_emails(out + err)


def test_risk_bad_columns_and_options(data, capsys):
    code, out, err = run(capsys, "risk", data, "--qi", "age,postcode")
    assert code == EXIT_USAGE and out == ""
    assert "'postcode'" in err and "zip_code" in err and "people.csv" in err
    assert_no_emails(err)
    assert run(capsys, "risk", data, "--qi", ",")[0] == EXIT_USAGE
    assert run(capsys, "risk", data)[0] == EXIT_USAGE  # --qi is required
    code, _, err = run(capsys, "risk", data, "--qi", "age", "--k", "0")
    assert code == EXIT_USAGE and "k" in err
    code, _, err = run(capsys, "risk", data, "--qi", "age", "--sensitive", "age")
    assert code == EXIT_USAGE and "both" in err


# --- fairness -----------------------------------------------------------------------------
def test_fairness_fails_on_a_biased_score(data, capsys):
    code, out, err = run(capsys, "fairness", data, "--y-true", "label", "--score", "score",
                         "--sensitive", "sex")
    assert code == EXIT_FAIL, err
    assert "female" in out and "male" in out  # group labels of a non-identifier column
    assert "demographic_parity_difference" in out and "FAIL" in out
    code, out, _ = run(capsys, "fairness", data, "--y-true", "label", "--score", "score",
                       "--sensitive", "sex", "--difference", "0.9", "--ratio", "0.05")
    assert code == EXIT_CLEAN and "passed (exit 0)" in out


def test_fairness_json_is_stable_and_uses_the_audits_verdict(data, capsys):
    from nbaudit import audit_fairness

    code, out, _ = run(capsys, "fairness", data, "--y-true", "label", "--score", "score",
                       "--sensitive", "sex", "--format", "json")
    doc = json.loads(out)
    assert list(doc) == ["format_version", "command", "path", "y_true", "decisions",
                         "sensitive", "n", "dropped", "min_group_size", "pass_marks",
                         "groups", "overall", "disparities", "notes", "failed", "passed",
                         "exit_code"]
    assert doc["command"] == "fairness" and doc["exit_code"] == code == EXIT_FAIL
    assert doc["decisions"] == {"score": "score", "threshold": 0.5}
    assert [g["group"] for g in doc["groups"]] == ["female", "male"]
    assert set(doc["groups"][0]) == {"group", "count", "small", "selection_rate",
                                     "true_positive_rate", "false_positive_rate",
                                     "false_negative_rate", "precision", "accuracy",
                                     "base_rate"}
    frame = people()
    audit = audit_fairness(frame["label"], y_score=frame["score"],
                           sensitive_features=frame[["sex"]])
    expected = [d.name for d in audit.disparity_list if d.passes is False]
    assert doc["failed"] == expected and expected


def test_fairness_y_pred_pos_label_and_fail_on(data, capsys):
    base = ["fairness", data, "--y-true", "outcome", "--y-pred", "approved", "--sensitive",
            "sex", "--pos-label", "yes"]
    code, out, _ = run(capsys, *base, "--format", "json")
    assert code == EXIT_FAIL and json.loads(out)["decisions"] == {"y_pred": "approved"}
    assert run(capsys, *base, "--fail-on", "never")[0] == EXIT_CLEAN
    doc = json.loads(run(capsys, *base, "--format", "json")[1])
    passing = [d["name"] for d in doc["disparities"] if d["passes"]]
    if passing:
        assert run(capsys, *base, "--fail-on", passing[0])[0] == EXIT_CLEAN
    code, _, err = run(capsys, *base, "--fail-on", "parity")
    assert code == EXIT_USAGE and "'parity'" in err and "disparate_impact_ratio" in err
    ones = json.loads(run(capsys, "fairness", data, "--y-true", "label", "--score", "score",
                          "--sensitive", "sex", "--pos-label", "1", "--format", "json")[1])
    zeros = json.loads(run(capsys, "fairness", data, "--y-true", "label", "--score", "score",
                           "--sensitive", "sex", "--pos-label", "0", "--format", "json")[1])
    assert ones["groups"][0]["base_rate"] + zeros["groups"][0]["base_rate"] == \
        pytest.approx(1.0)  # --pos-label 1 is the number 1, not the text "1"
    code, _, err = run(capsys, "fairness", data, "--y-true", "label", "--score", "score",
                       "--sensitive", "sex", "--pos-label", "yes")
    assert code == EXIT_USAGE and "numbers" in err


def test_fairness_masks_identifier_groups(data, capsys):
    for fmt in ("table", "json", "markdown"):
        code, out, err = run(capsys, "fairness", data, "--y-true", "label", "--score",
                             "score", "--sensitive", "contact", "--min-group-size", "5",
                             "--format", fmt)
        assert code in (EXIT_CLEAN, EXIT_FAIL), err
        assert_no_emails(out + err)
        assert "EMAIL_ADDRESS group 1" in out.replace("\\_", "_")
    doc = json.loads(run(capsys, "fairness", data, "--y-true", "label", "--score", "score",
                         "--sensitive", "contact,sex", "--format", "json")[1])
    assert any("numbered" in n for n in doc["notes"])
    code, _, err = run(capsys, "fairness", data, "--y-true", "label", "--score", "score",
                       "--sensitive", "email")  # 400 groups: the audit refuses
    assert code == EXIT_USAGE and "'email'" in err
    assert_no_emails(err)


def test_fairness_bad_usage(data, capsys):
    assert run(capsys, "fairness", data, "--y-true", "label", "--sensitive", "sex")[0] \
        == EXIT_USAGE  # neither --score nor --y-pred
    assert run(capsys, "fairness", data, "--y-true", "label", "--score", "score",
               "--y-pred", "approved", "--sensitive", "sex")[0] == EXIT_USAGE
    code, _, err = run(capsys, "fairness", data, "--y-true", "truth", "--score", "score",
                       "--sensitive", "sex,race")
    assert code == EXIT_USAGE and "'truth'" in err
    code, _, err = run(capsys, "fairness", data, "--y-true", "label", "--score", "score",
                       "--sensitive", "label")
    assert code == EXIT_USAGE and "both" in err


# --- reading ------------------------------------------------------------------------------
@pytest.mark.parametrize("reader", ["auto", "pandas"])
def test_parquet_folder_for_every_subcommand(folder, data, capsys, reader):
    code, out, err = run(capsys, "scan", folder, "--reader", reader, "--format", "json")
    assert code == EXIT_FAIL, err
    assert json.loads(out)[0]["n_rows"] == N
    risk = json.loads(run(capsys, "risk", folder, "--qi", "age,sex", "--reader", reader,
                          "--format", "json")[1])
    same = json.loads(run(capsys, "risk", data, "--qi", "age,sex", "--format", "json")[1])
    assert risk["figures"] == same["figures"]
    fair = json.loads(run(capsys, "fairness", folder, "--y-true", "label", "--score",
                          "score", "--sensitive", "sex", "--reader", reader,
                          "--format", "json")[1])
    assert fair["n"] == N and fair["exit_code"] == EXIT_FAIL


def test_duckdb_and_pandas_read_the_same_figures(data, capsys):
    pytest.importorskip("duckdb")
    docs = [json.loads(run(capsys, "risk", data, "--qi", "age,zip_code,sex", "--sensitive",
                           "diagnosis", "--reader", r, "--format", "json")[1])
            for r in ("duckdb", "pandas")]
    # pandas reads zip codes as numbers (02139 -> 2139), DuckDB as text: the same classes.
    assert docs[0]["figures"] == docs[1]["figures"]


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "empty"),
    (b"name,email\n", "no rows"),
    (b"name,email\nann,ann.doe@harbor-mail.net\nbo,x,bo.rowe@harbor-mail.net\n",
     "fields"),
    (b"name,email\n\xe9l\xe9onore,person000.rowe@harbor-mail.net\n", "UTF-8"),
])
@pytest.mark.parametrize("reader", ["auto", "pandas"])
def test_bad_csv_files(tmp_path, capsys, content, expected, reader):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    for argv in (["scan", path], ["risk", path, "--qi", "name"],
                 ["fairness", path, "--y-true", "a", "--score", "b", "--sensitive", "c"]):
        code, out, err = run(capsys, *argv, "--reader", reader)
        assert code == EXIT_USAGE and out == "", (argv, err)
        assert "bad.csv" in err and expected in err, err
        assert "harbor" not in err and "ann" not in err and "onore" not in err


def test_unreadable_and_missing_inputs(tmp_path, capsys):
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"PAR1 this is not parquet, name: ann.doe@harbor-mail.net")
    code, _, err = run(capsys, "risk", junk, "--qi", "a")
    assert code == EXIT_USAGE and "not readable as a Parquet file" in err
    assert "harbor" not in err
    code, _, err = run(capsys, "scan", tmp_path / "missing.csv")
    assert code == EXIT_USAGE and "no such file" in err
    (tmp_path / "empty_dir").mkdir()
    code, _, err = run(capsys, "scan", tmp_path / "empty_dir")
    assert code == EXIT_USAGE and "without .parquet files" in err
    code, _, err = run(capsys, "fairness", tmp_path / "t.xlsx", "--y-true", "a", "--score",
                       "b", "--sensitive", "c")
    assert code == EXIT_USAGE and "unknown file type" in err


def test_reader_duckdb_when_missing(data, capsys, monkeypatch):
    monkeypatch.setattr(_read, "have_duckdb", lambda: False)
    code, _, err = run(capsys, "scan", data, "--reader", "duckdb")
    assert code == EXIT_USAGE and "nbaudit[duckdb]" in err
    assert run(capsys, "scan", data, "--format", "json")[0] == EXIT_FAIL  # auto: pandas


# --- help, progress, the console script ---------------------------------------------------
@pytest.mark.parametrize("command", [None, "scan", "risk", "fairness", "check-notebook"])
def test_help_documents_exit_codes(capsys, command):
    code, out, _ = run(capsys, *([command] if command else []), "--help")
    assert code == EXIT_CLEAN
    assert "exit codes:" in out and "  1 " in out and "  2 " in out


def test_progress_goes_to_stderr_only(data, capsys, monkeypatch):
    monkeypatch.setattr(_common, "_stderr_is_tty", lambda: True)
    code, out, _ = run(capsys, "risk", data, "--qi", "age,zip_code", "--search", "--format",
                       "json")
    assert code == EXIT_FAIL and json.loads(out)["command"] == "risk"  # stdout stays JSON
    code, out, err = run(capsys, "scan", data, "--quiet", "--format", "json")
    assert json.loads(out) and err == ""
    shown = []
    with _common.progress("work [b]x[/b]", quiet=False) as update:
        update(0.5, "column [red]")
        shown.append(True)
    assert shown


def test_installed_console_script(data):
    script = Path(sys.executable).with_name("nbaudit")
    if not script.exists():
        pytest.skip("the nbaudit console script is not installed in this environment")
    proc = subprocess.run([str(script), "risk", str(data), "--qi", "age,zip_code", "--format",
                           "json"], capture_output=True, text=True, timeout=180)
    assert proc.returncode == EXIT_FAIL, proc.stderr
    assert json.loads(proc.stdout)["exit_code"] == EXIT_FAIL
    proc = subprocess.run([str(script), "fairness", str(data), "--y-true", "label", "--score",
                           "score", "--sensitive", "contact", "--min-group-size", "5"],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode in (EXIT_CLEAN, EXIT_FAIL), proc.stderr
    assert_no_emails(proc.stdout + proc.stderr)
    proc = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "exit codes:" in proc.stdout
