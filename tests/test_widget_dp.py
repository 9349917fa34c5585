"""The %dp widget's model: no true aggregate in its state or messages, slider, release, export."""

from __future__ import annotations

import contextlib
import json
import math

import numpy as np
import pandas as pd
import pytest
from conftest import recording

from nbaudit import dp
from nbaudit.widgets import DPWidget

SIZES = {"DE": 1237, "FR": 2311, "ES": 3779}


@pytest.fixture()
def frame():
    rng = np.random.default_rng(5)
    country = np.repeat(list(SIZES), list(SIZES.values()))
    return pd.DataFrame({"user": np.arange(len(country)), "country": country,
                         "spend": np.round(rng.uniform(0, 400, len(country)), 3),
                         "age": rng.integers(18, 90, len(country))})


def truths(df: pd.DataFrame) -> list[float]:
    g = df.groupby("country")
    out = [float(v) for v in SIZES.values()]
    out += [float(v) for v in g["spend"].sum()] + [float(v) for v in g["age"].sum()]
    out += [float(v) for v in g["spend"].mean()] + [float(v) for v in g["age"].mean()]
    out += [float(len(df)), float(df["spend"].sum()), float(df["age"].mean())]
    return out


def numbers(obj, out=None):
    out = [] if out is None else out
    if isinstance(obj, bool):
        return out
    if isinstance(obj, (int, float)):
        out.append(float(obj))
    elif isinstance(obj, str):
        for token in obj.replace(",", "").replace("±", " ").split():
            with contextlib.suppress(ValueError):
                out.append(float(token.strip("().;:")))
    elif isinstance(obj, dict):
        for v in obj.values():
            numbers(v, out)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            numbers(v, out)
    return out


def leaked(obj, df) -> list[float]:
    found = numbers(obj)
    return [t for t in truths(df) for v in found
            if math.isclose(v, t, rel_tol=1e-6) or (t > 100 and round(v) == round(t)
                                                    and float(v).is_integer())]


def make(df, **query):
    session = dp.Session(df, epsilon_total=2.0, delta=1e-6, unit="user", contributions=1)
    q = session.query(by=["country"], **({"count": True, "sums": {"spend": (0, 400)},
                                          "means": {"age": (18, 90)}} | query))
    return recording(DPWidget(q, epsilon=0.5))


def state(widget):
    return {k: v for k, v in widget.get_state().items() if k not in ("_esm", "_css")}


@pytest.mark.parametrize("keys", [None, {"country": ["DE", "FR", "ES", "IT"]}])
def test_no_true_aggregate_before_release(frame, keys):
    widget = make(frame, keys=keys)
    widget.group_size = 1500
    widget.epsilon = 1.3
    widget.targets = {"count": 40, "sum(spend)": "5%"}
    widget.sizes = {"sum(spend)": 500_000}
    widget._handle_export({})
    text = json.dumps(state(widget))
    assert leaked({"n": 1237, "t": "mean ± 2311"}, frame)  # the search finds a leak
    assert leaked(state(widget), frame) == []
    assert leaked(widget.sent, frame) == []
    assert widget.session.spent == 0
    if keys is None:
        assert '"DE"' not in text  # private keys: none shown before a release
    else:
        assert '"IT"' in text


def test_slider_rescales_and_recomputes(frame):
    widget = make(frame, keys={"country": list(SIZES)})
    rows = {r["aggregate"]: r for r in widget.plan["rows"]}
    widget.epsilon = 1.0
    after = {r["aggregate"]: r for r in widget.plan["rows"]}
    assert after["sum(spend)"]["half_width_95"] == pytest.approx(
        rows["sum(spend)"]["half_width_95"] / 2)
    unit = widget.plan["unit"]["sum(spend)"]["half_width"]
    assert unit == pytest.approx(after["sum(spend)"]["half_width_95"], rel=1e-9)  # eps 1
    assert after["mean(age)"]["half_width_95"] is None  # no group size yet
    widget.group_size = 1000
    assert widget.plan["rows"][2]["half_width_95"] > 0
    widget.epsilon = -3  # from the browser: refused, the last value kept
    assert widget.epsilon == 1.0
    widget.targets = {"count": 1}
    assert widget.plan["rows"][0]["meets_target"] is False


def test_release_spends_once_stores_and_says_repeats(frame, shell):
    widget = make(frame, keys={"country": list(SIZES)})
    widget.output_name = "dp_released"
    widget._on_custom(widget, {"type": "release", "epsilon": 0.5}, [])
    assert widget.session.spent == pytest.approx(0.5)
    assert widget.ledger["spent"] == pytest.approx(0.5)
    assert shell.user_ns["dp_released"].attrs["nbaudit_dp"]["release"] == 1
    rel = widget.releases[-1]
    counts = [r for r in rel["rows"] if r["aggregate"] == "count"]
    assert [r["country"] for r in counts] == list(SIZES)
    assert all(r["lower"] < r["value"] < r["upper"] for r in counts)
    assert any(m["type"] == "released" for m in widget.sent)
    widget._on_custom(widget, {"type": "release", "epsilon": 0.5}, [])
    assert widget.session.spent == pytest.approx(1.0)
    assert "repeats the query of release 1" in widget.releases[-1]["note"]
    widget._on_custom(widget, {"type": "release", "epsilon": 1.5}, [])
    refused = [m for m in widget.sent if m["type"] == "refused"]
    assert refused and "only 1 of the session's 2 remains" in refused[-1]["message"]
    assert len(widget.session.releases) == 2


def test_export_markdown_states_the_guarantee(frame):
    widget = make(frame)
    md = widget.report_markdown()
    assert "Preview (nothing released)" in md and "Unit of privacy" in md
    widget.release(0.4)
    md = widget.report_markdown()
    for words in ("Release 1", "epsilon 0.4", "make_laplace_threshold", "OpenDP", "\\[0, 400\\]",
                  "at most 1 row(s) per unit"):
        assert words in md, words
    assert "<table>" in widget.report_html()


def test_state_is_json_and_bounded(frame):
    widget = make(frame)
    assert len(json.dumps(state(widget))) < 20_000
