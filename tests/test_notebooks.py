"""The demo notebooks run headless (nbclient) and leak no personal data when saved."""

from __future__ import annotations

import json
import pathlib

import nbclient
import nbformat
import pytest

from nbaudit import datasets

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"


def run(name: str, tmp_path: pathlib.Path) -> tuple[nbformat.NotebookNode, str]:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     store_widget_state=True)
    client.execute(cwd=str(NOTEBOOKS))
    out = tmp_path / name
    nbformat.write(nb, out)
    return nb, out.read_text()


def test_notebooks_are_committed_without_outputs():
    for path in NOTEBOOKS.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name
        assert "widgets" not in nb.metadata, path.name


def test_01_pii_scan_runs_and_saves_no_raw_pii(tmp_path):
    nb, saved = run("01_pii_scan.ipynb", tmp_path)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert views, "the %pii_scan widget was not displayed"
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    models = [m for m in state.values() if m["state"].get("_anywidget_id", "").endswith(
        "PiiScanWidget")]
    assert models and models[0]["state"]["summary"]["n_rows"] == 2_000
    # Every value planted in the data that is personal must be absent from the saved file.
    df = datasets.ecommerce(n=2_000, seed=7)
    planted = set()
    for col in ["customer_name", "email", "phone", "street_address", "payment_card"]:
        planted |= set(df[col].astype(str))
    leaks = sorted(v for v in planted if v in saved or json.dumps(v)[1:-1] in saved)
    assert leaks == [], f"{len(leaks)} values leaked, e.g. {leaks[:3]}"


OTHERS = sorted(p for p in NOTEBOOKS.glob("*.ipynb") if p.name != "01_pii_scan.ipynb")


def planted_values(name: str) -> set[str]:
    """Personal values in each notebook's data that must never reach the saved file."""
    if name == "02_reidentification_risk.ipynb":
        df = datasets.ecommerce(n=5_000, seed=11)
        return set(df.customer_name) | set(df.email) | set(df.phone) | set(df.date_of_birth)
    if name == "03_fairness_audit.ipynb":
        compas = NOTEBOOKS.parent.parent / "shared" / "data" / "compas-scores-two-years.csv"
        if compas.exists():  # real names: none may appear
            import pandas as pd

            return {n for n in pd.read_csv(compas, usecols=["name"])["name"] if len(n) > 6}
    return set()


@pytest.mark.parametrize("path", OTHERS, ids=lambda p: p.name)
def test_every_other_notebook_runs_and_saves_no_raw_pii(path, tmp_path):
    nb, saved = run(path.name, tmp_path)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
    views = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert views
    leaks = sorted(v for v in planted_values(path.name) if v in saved)
    assert leaks == [], f"{len(leaks)} values leaked, e.g. {leaks[:3]}"
