"""The contract between the kernel and the widgets' TypeScript, checked on what is really sent.

The TypeScript types are the declared contract; `js/types/contracts.json` maps each Python
widget to the types that read its traits and its custom messages. `scripts/contract_schema.cjs`
derives a JSON Schema from those types (ts-json-schema-generator: closed interfaces get
``additionalProperties: false``), and these tests build every widget on varied data, drive it
as the browser does, record every trait value and message the kernel sends (ipywidgets' lowest
layer, behind the egress gate) and validate each against the schema of the type that reads it.
A field Python sends that no type declares fails, and so does a required field it omits.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ipywidgets
import jsonschema
import numpy as np
import pandas as pd
import pytest

import nbaudit
from nbaudit import datasets, dp
from nbaudit.widgets import DPWidget, PiiScanWidget, ReidRiskWidget
from nbaudit.widgets.fairness import FairnessWidget

ROOT = Path(__file__).resolve().parent.parent
MAP = json.loads((ROOT / "js" / "types" / "contracts.json").read_text())["widgets"]
#: ipywidgets' own traits (layout, tooltip, ...), not nbaudit's contract; names starting with
#: "_" (the bundle, the CSS, ids) carry no data either (AuditWidget.get_state).
FRAMEWORK = frozenset(ipywidgets.DOMWidget.class_trait_names(sync=True))
QIS = ["age", "zip_code", "sex", "date_of_birth"]


# --- the schema -------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def schemas() -> dict[str, Any]:
    """file#Name -> JSON Schema, derived from the TypeScript sources now (never a stale copy)."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "ts-json-schema-generator").is_dir():
        pytest.fail("The contract check needs Node and the npm devDependencies: run `npm ci`.")
    done = subprocess.run([node, "scripts/contract_schema.cjs"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, f"scripts/contract_schema.cjs failed:\n{done.stderr}"
    return json.loads(done.stdout)["types"]


def widget_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__name__}"


def definition(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    name = ref.removeprefix("#/definitions/")
    return schema["definitions"][name]


def resolved(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = definition(schema, node["$ref"])
    return node


def subschema(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """`node` of `schema`, standing alone (its definitions beside it)."""
    return {"$schema": schema.get("$schema"), "definitions": schema["definitions"], "allOf": [node]}


@dataclass
class Contract:
    """What the TypeScript of one widget declares: per trait, the schemas that read it."""

    widget: str
    traits: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)
    required: dict[str, set[str]] = field(default_factory=dict)
    not_read: frozenset[str] = frozenset()
    messages: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def of(cls, widget: str, schemas: dict[str, Any]) -> Contract:
        entry = MAP[widget]
        out = cls(widget, not_read=frozenset(entry["not_read"]))
        for name in entry["traits"]:
            schema = schemas[name]
            root = resolved(schema, schema)
            out.required[name] = set(root.get("required", []))
            for trait, node in root["properties"].items():
                out.traits.setdefault(trait, []).append((name, subschema(schema, node)))
        name = entry["messages"]
        schema = schemas[name]
        root = resolved(schema, schema)
        for branch in root.get("anyOf", [root]):
            kind = resolved(schema, branch)["properties"]["type"]["const"]
            out.messages[kind] = (name, subschema(schema, branch))
        return out


# --- checking what was sent -------------------------------------------------------------------
def json_type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null",
            int: "number", float: "number"}.get(type(value), type(value).__name__)


def leaves(error: jsonschema.ValidationError,
           root: dict[str, Any]) -> list[jsonschema.ValidationError]:
    """The failures that explain `error`: under an anyOf (``Summary | Empty``), those of the
    branch that fits the value best (declares most of its keys, then matched furthest)."""
    if not error.context:
        return [error]
    branches: dict[Any, list[jsonschema.ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0], []).extend(leaves(sub, root))

    def fit(index: Any) -> tuple[int, int]:
        node = resolved(root, error.validator_value[index])
        keys = set(error.instance) if isinstance(error.instance, dict) else set()
        depth = max(len(e.absolute_path) for e in branches[index])
        return len(keys & set(node.get("properties", {}))), depth

    return branches[max(branches, key=fit)]


def explain(error: jsonschema.ValidationError) -> str:
    """Where and why, without the value itself (it may be data): its JSON type only."""
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in known)
        return f"{where}: sent but not declared: {', '.join(extra)}"
    if error.validator == "required":
        return f"{where}: {error.message.split(' is a required')[0]} is required, not sent"
    if error.validator == "type":
        return f"{where}: declared {error.validator_value}, sent {json_type(error.instance)}"
    return f"{where}: {error.validator} {error.validator_value!r} failed"


def problems_of(value: Any, schema: dict[str, Any], most: int = 5) -> list[str]:
    """What is wrong with `value`, one line per place (list items as ``[*]``), at most
    `most` lines and then how many more."""
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(value),
                    key=lambda e: list(map(str, e.absolute_path)))
    if errors and value == {}:
        return [": sent {} (nothing yet), which the type does not allow (add `| Empty`)"]
    found = list(dict.fromkeys(re.sub(r"\[\d+\]", "[*]", explain(leaf))
                               for e in errors for leaf in leaves(e, schema)))
    return found[:most] + ([f": and {len(found) - most} more"] if len(found) > most else [])


def wire(value: Any) -> Any:
    """The value as the browser gets it: JSON, and NaN or infinity is not JSON."""
    return json.loads(json.dumps(value, allow_nan=False))


@dataclass
class Sent:
    """What a widget sent, recorded below the egress gate."""

    states: list[dict[str, Any]] = field(default_factory=list)  # whole: what a view opens on
    updates: list[dict[str, Any]] = field(default_factory=list)  # one per trait change
    messages: list[Any] = field(default_factory=list)


def record(widget: Any) -> Sent:
    sent = Sent()

    def _send(msg: dict[str, Any], buffers: Any = None) -> None:
        if msg.get("method") == "update":
            sent.updates.append(msg["state"])
        elif msg.get("method") == "custom":
            sent.messages.append(msg["content"])

    widget._send = _send
    widget._contract_sent = sent
    sent.states.append(widget.get_state())
    return sent


def snapshot(widget: Any) -> None:
    """Keep the whole state now (what a view rendered at this point reads)."""
    widget._contract_sent.states.append(widget.get_state())


def check(widget: Any, contract: Contract) -> list[str]:
    """Every problem of what `widget` sent, against `contract`."""
    sent: Sent = widget._contract_sent
    name = type(widget).__name__
    out: list[str] = []
    for i, state in enumerate(sent.states + sent.updates):
        whole = i < len(sent.states)
        for trait, value in state.items():
            if trait.startswith("_") or trait in FRAMEWORK or trait in contract.not_read:
                continue
            try:
                value = wire(value)
            except ValueError as exc:
                out.append(f"{name}.{trait}: not JSON ({exc})")
                continue
            readers = contract.traits.get(trait)
            if not readers:
                out.append(f"{name}.{trait}: a synced trait no TypeScript type declares "
                           f"({' / '.join(MAP[contract.widget]['traits'])})")
            for ts_type, schema in readers or []:
                out += [f"{name}.{trait}{p} ({ts_type})" for p in problems_of(value, schema)]
        if whole:
            for ts_type, needed in contract.required.items():
                missing = sorted(needed - set(state))
                if missing:
                    out.append(f"{name}: {ts_type} requires trait(s) never sent: "
                               f"{', '.join(missing)}")
    for message in sent.messages:
        kind = message.get("type") if isinstance(message, dict) else None
        if kind not in contract.messages:
            out.append(f"{name}: message type {kind!r} declared by no branch of "
                       f"{MAP[contract.widget]['messages']}")
            continue
        ts_type, schema = contract.messages[kind]
        try:
            value = wire(message)
        except ValueError as exc:
            out.append(f"{name}: message {kind!r} is not JSON ({exc})")
            continue
        out += [f"{name}: message {kind!r}{p} ({ts_type})" for p in problems_of(value, schema)]
    return sorted(set(out))


# --- the inputs ---------------------------------------------------------------------------------
def browser(widget: Any, message: dict[str, Any]) -> None:
    """A custom message from the front end, as the comm delivers it."""
    widget._on_custom(widget, message, [])


def with_gaps(df: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """`df` with a tenth of each column missing and one column entirely empty."""
    rng = np.random.default_rng(seed)
    out = df.copy()
    for col in out.columns:
        out[col] = out[col].astype(object).where(rng.random(len(out)) > 0.1, None)
    out["empty"] = None
    return out


def pii_demo(shop_df: pd.DataFrame, shell: Any) -> Iterator[Any]:
    widget = PiiScanWidget()
    record(widget)
    yield widget
    widget.scan_frame(shop_df)  # the magic: shown first, then scanned, with progress
    snapshot(widget)
    widget.page = 3
    widget.page_size = 50
    widget.cell_columns = ["email", "customer_name"]
    widget.flagged_rows_only = True
    for row in (5, "12", -1, "abc", 10**9):
        browser(widget, {"type": "find_row", "row": row})
    browser(widget, {"type": "reveal"})
    browser(widget, {"type": "export"})
    browser(widget, {"type": "apply_handling", "name": "contract_pseudonymized"})
    browser(widget, {"type": "apply_handling", "name": "not a name"})  # refused: error
    browser(widget, {"type": "open_reid"})
    snapshot(widget)
    child = widget.reid
    assert child is not None
    record(child)
    yield child
    child.levels = {q: 1 for q in child.quasi_identifiers}
    browser(widget, {"type": "export"})  # the scan report, with the tab's analysis


def pii_gaps(shop_df: pd.DataFrame, shell: Any) -> Iterator[Any]:
    widget = PiiScanWidget(nbaudit.scan_pii(with_gaps(shop_df)))
    record(widget)
    yield widget
    widget.page = 2
    browser(widget, {"type": "reveal"})
    browser(widget, {"type": "find_row", "row": 3})


def pii_text_and_numbers(shop_df: pd.DataFrame, shell: Any) -> Iterator[Any]:
    posts = datasets.social_posts(300)
    widget = PiiScanWidget(nbaudit.scan_pii(posts))
    record(widget)
    yield widget
    browser(widget, {"type": "reveal"})
    credit = datasets.credit(600)
    other = PiiScanWidget(nbaudit.scan_pii(credit))
    record(other)
    yield other
    browser(other, {"type": "open_reid"})  # its own quasi-identifiers, or a message saying none
    snapshot(other)
    if other.reid is not None:
        record(other.reid)
        yield other.reid


def pii_stale(shop_df: pd.DataFrame, shell: Any) -> Iterator[Any]:
    frame = shop_df.head(200).copy()
    scan = nbaudit.scan_pii(frame)
    widget = PiiScanWidget(scan)
    record(widget)
    yield widget
    object.__setattr__(scan, "_fingerprint", "stale")  # the frame changed since the scan
    widget.page = 1  # the labels no longer fit: an error, and no page
    snapshot(widget)


def risk_demo(shop_df: pd.DataFrame, shell: Any) -> Iterator[Any]:
    widget = ReidRiskWidget.from_frame(shop_df, QIS, ["health_condition"], k=5,
                                       max_suppression=0.04, frame_name="shop")
    record(widget)
    yield widget
    widget.levels = {"age": 3, "zip_code": 4, "sex": 1, "date_of_birth": 4}
    widget.max_suppression = 0.3
    widget.target_k = 3
    browser(widget, {"type": "search", "metric": "entropy"})
    assert widget.wait_search(120)
    snapshot(widget)
    browser(widget, {"type": "apply_point", "levels": {"age": 1}})
    browser(widget, {"type": "apply_point", "levels": "nope"})  # an error message
    browser(widget, {"type": "to_frame", "name": "contract_anonymized"})
    browser(widget, {"type": "export"})
    widget.quasi_identifiers = ["age", "sex"]
    snapshot(widget)


def risk_population_and_gaps(shop_df: pd.DataFrame, shell: Any) -> Iterator[Any]:
    gaps = with_gaps(shop_df[QIS + ["health_condition"]], seed=4)
    widget = ReidRiskWidget.from_frame(gaps, ["age", "zip_code", "sex"], ["health_condition"],
                                       population_size=1_000_000)
    record(widget)
    yield widget
    widget.levels = {"age": 2, "zip_code": 2, "sex": 0}
    browser(widget, {"type": "search", "metric": "loss"})
    assert widget.wait_search(120)
    snapshot(widget)


def risk_numeric_sensitive(shop_df: pd.DataFrame, shell: Any) -> Iterator[Any]:
    credit = datasets.credit(1_500)
    widget = ReidRiskWidget.from_frame(credit, ["age", "sex", "zip_code"], ["income"], k=3)
    record(widget)
    yield widget
    widget.levels = {"age": 2, "sex": 0, "zip_code": 3}
    snapshot(widget)


def scores(n: int = 4_000, seed: int = 0) -> tuple[Any, Any, Any]:
    rng = np.random.default_rng(seed)
    g = rng.choice(["a", "b", "tiny"], n, p=[0.6, 0.395, 0.005])
    y = rng.integers(0, 2, n)
    score = np.clip(0.35 * y + 0.5 * rng.random(n) + np.where(g == "b", -0.1, 0), 0, 1)
    return y, score, g


def fairness_scores(shop_df: pd.DataFrame, shell: Any) -> Iterator[Any]:
    y, score, g = scores()
    widget = FairnessWidget(nbaudit.audit_fairness(y, y_score=score, sensitive_features=g))
    record(widget)
    yield widget
    widget.threshold = 0.3
    widget.metric = "true_positive_rate"
    widget.group_thresholds = {"a": 0.2, "b": 0.7, "nope": 0.5}
    widget.limits = {"ratio": 0.9, "difference": 0.05}
    browser(widget, {"type": "mitigate", "constraints": "demographic_parity"})
    browser(widget, {"type": "mitigate", "constraints": "bogus"})  # an error message
    browser(widget, {"type": "export"})
    snapshot(widget)


def fairness_numeric_and_gaps(shop_df: pd.DataFrame, shell: Any) -> Iterator[Any]:
    rng = np.random.default_rng(2)
    n = 3_000
    age = rng.integers(19, 76, n).astype(float)
    age[rng.random(n) < 0.05] = np.nan  # missing sensitive values
    y = rng.integers(0, 2, n)
    score = np.clip(0.3 * y + 0.7 * rng.random(n), 0, 1)
    widget = FairnessWidget(nbaudit.audit_fairness(y, y_score=score, sensitive_features=age,
                                                   positive_name="high risk"))
    record(widget)
    yield widget
    widget.threshold = 0.6
    browser(widget, {"type": "mitigate", "constraints": "equalized_odds"})
    snapshot(widget)


def fairness_decisions_and_model(shop_df: pd.DataFrame, shell: Any) -> Iterator[Any]:
    from sklearn.linear_model import LogisticRegression

    credit = datasets.credit(2_000)
    features = credit[["age", "income", "debt_ratio", "late_payments"]]
    model = LogisticRegression(max_iter=500).fit(features, credit["repaid"])
    audit = nbaudit.audit_fairness(credit["repaid"], model.predict(features),
                                   sensitive_features=credit["sex"])
    widget = FairnessWidget(audit)
    widget.estimator, widget.features = model, features
    record(widget)
    yield widget
    widget.limits = {"ratio": 0.7, "difference": 0.2}
    browser(widget, {"type": "mitigate", "constraints": "true_positive_rate_parity"})
    browser(widget, {"type": "export"})
    snapshot(widget)


def fairness_too_many_groups(shop_df: pd.DataFrame, shell: Any) -> Iterator[Any]:
    n = 2_000
    rng = np.random.default_rng(3)
    ids = np.arange(n).astype(str)
    audit = nbaudit.audit_fairness(rng.integers(0, 2, n), rng.integers(0, 2, n),
                                   sensitive_features=ids, max_groups=None)
    widget = FairnessWidget(audit)
    record(widget)
    yield widget


def dp_frame() -> pd.DataFrame:
    sizes = {"DE": 1237, "FR": 2311, "ES": 3779}
    rng = np.random.default_rng(5)
    country = np.repeat(list(sizes), list(sizes.values()))
    return pd.DataFrame({"user": np.arange(len(country)), "country": country,
                         "spend": np.round(rng.uniform(0, 400, len(country)), 3),
                         "age": rng.integers(18, 90, len(country))})


def dp_query(keys: Any = None, by: Any = ("country",)) -> Any:
    session = dp.Session(dp_frame(), epsilon_total=2.0, delta=1e-6, unit="user",
                         contributions=1)
    return session.query(by=list(by) or None, count=True, sums={"spend": (0, 400)},
                         means={"age": (18, 90)}, keys=keys)


def dp_private_keys(shop_df: pd.DataFrame, shell: Any) -> Iterator[Any]:
    bare = DPWidget()
    record(bare)
    yield bare
    widget = DPWidget(dp_query(), epsilon=0.5)
    record(widget)
    yield widget
    widget.group_size = 1500
    widget.epsilon = 1.3
    widget.targets = {"count": 40, "sum(spend)": "5%", "mean(age)": ""}
    widget.sizes = {"sum(spend)": 500_000}
    browser(widget, {"type": "export"})
    widget.output_name = "contract_released"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        browser(widget, {"type": "release", "epsilon": 0.5})
        browser(widget, {"type": "release", "epsilon": 0.5})  # a repeat: a note
        browser(widget, {"type": "release", "epsilon": 1.5})  # over budget: refused
    browser(widget, {"type": "export"})
    snapshot(widget)


def dp_public_keys(shop_df: pd.DataFrame, shell: Any) -> Iterator[Any]:
    widget = DPWidget(dp_query(keys={"country": ["DE", "FR", "ES", "IT"]}), epsilon=0.8)
    record(widget)
    yield widget
    widget.targets = {"count": 1}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        browser(widget, {"type": "release"})
    snapshot(widget)
    whole = DPWidget(dp_query(by=()), epsilon=0.3)  # one group: the whole table
    record(whole)
    yield whole
    whole.group_size = 100
    browser(whole, {"type": "release", "epsilon": "x"})  # a bad epsilon: an error
    snapshot(whole)


CASES: dict[str, Callable[[pd.DataFrame, Any], Iterator[Any]]] = {
    "pii-demo-and-its-reid-tab": pii_demo,
    "pii-missing-values": pii_gaps,
    "pii-free-text-and-credit": pii_text_and_numbers,
    "pii-stale-scan": pii_stale,
    "risk-demo-search-and-buttons": risk_demo,
    "risk-population-missing-values": risk_population_and_gaps,
    "risk-numeric-sensitive": risk_numeric_sensitive,
    "fairness-scores-mitigation": fairness_scores,
    "fairness-numeric-feature-missing-values": fairness_numeric_and_gaps,
    "fairness-decisions-and-a-model": fairness_decisions_and_model,
    "fairness-too-many-groups": fairness_too_many_groups,
    "dp-private-keys-releases": dp_private_keys,
    "dp-public-keys-one-group": dp_public_keys,
}


# --- the tests --------------------------------------------------------------------------------
def test_the_map_names_every_widget_and_only_real_traits(schemas):
    """Every widget class is mapped; `not_read` names synced traits; every trait a TS type
    declares is one Python syncs (else TypeScript requires what the kernel never sends)."""
    classes = [PiiScanWidget, ReidRiskWidget, FairnessWidget, DPWidget]
    assert sorted(MAP) == sorted(widget_name(c) for c in classes)
    problems = []
    for cls in classes:
        name = widget_name(cls)
        module, _, attr = name.rpartition(".")
        assert getattr(importlib.import_module(module), attr) is cls
        synced = set(cls.class_trait_names(sync=True)) - FRAMEWORK
        contract = Contract.of(name, schemas)
        for trait in sorted(contract.not_read - synced):
            problems.append(f"{cls.__name__}: not_read names {trait!r}, not a synced trait")
        for trait in sorted(set(contract.traits) - synced):
            types = [t for t, _ in contract.traits[trait]]
            problems.append(f"{cls.__name__}: {', '.join(types)} declares {trait!r}, a trait "
                            "Python does not sync")
        for trait in sorted(set(contract.traits) & contract.not_read):
            problems.append(f"{cls.__name__}: {trait!r} is both read and not_read")
    assert not problems, "\n".join(problems)


#: Mismatches found and reported, in files this check may not change: problem -> the fix.
KNOWN_GAPS: dict[str, str] = {problem: fix for entry in MAP.values()
                              for problem, fix in entry.get("known_gaps", {}).items()}
_found: dict[str, list[str]] = {}


def problems_in(case: str, schemas: dict[str, Any], shop_df: pd.DataFrame,
                shell: Any) -> list[str]:
    """Every contract problem of what the widgets of `case` sent (each case runs once)."""
    if case not in _found:
        widgets = list(CASES[case](shop_df, shell))  # the case drives each widget it yields
        _found[case] = sorted({p for widget in widgets
                               for p in check(widget, Contract.of(widget_name(type(widget)),
                                                                  schemas))})
    return _found[case]


@pytest.mark.parametrize("case", list(CASES))
def test_what_the_kernel_sends_is_what_typescript_declares(case, schemas, shop_df, shell):
    problems = [p for p in problems_in(case, schemas, shop_df, shell) if p not in KNOWN_GAPS]
    assert not problems, f"{len(problems)} contract problem(s):\n" + "\n".join(problems)


def test_known_gaps_are_still_there(schemas, shop_df, shell):
    """A known gap that no longer shows was fixed: remove it from js/types/contracts.json."""
    seen = {p for case in CASES for p in problems_in(case, schemas, shop_df, shell)}
    assert not set(KNOWN_GAPS) - seen, sorted(set(KNOWN_GAPS) - seen)


def test_the_check_fails_on_an_undeclared_field_a_missing_one_and_nan(schemas, shop_df):
    """The check itself can fail: a field TS does not declare, a required one left out, a
    wrong type, NaN, an unknown message type."""
    contract = Contract.of(widget_name(PiiScanWidget), schemas)
    widget = PiiScanWidget(nbaudit.scan_pii(shop_df.head(50)))
    sent = record(widget)
    summary = json.loads(json.dumps(widget.summary))
    summary["inventory"][0]["surprise"] = 1
    del summary["inventory"][1]["evidence"]
    sent.updates += [{"summary": summary}, {"page": "3"}, {"progress": float("nan")},
                     {"secret_trait": 1}]
    sent.messages += [{"type": "found", "row": 1, "found": True, "error": "", "extra": 0},
                      {"type": "nope"}]
    problems = "\n".join(check(widget, contract))
    for expected in ("summary.inventory[*]: sent but not declared: surprise",
                     "summary.inventory[*]: 'evidence' is required",
                     "page: declared number, sent string",
                     "progress: not JSON",
                     "secret_trait: a synced trait no TypeScript type declares",
                     "message 'found': sent but not declared: extra",
                     "message type 'nope' declared by no branch"):
        assert expected in problems, (expected, problems)
