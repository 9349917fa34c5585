"""nbaudit.dp: coverage of the stated half-widths, the budget ledger, bad input, %dp."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from IPython.core.error import UsageError

from nbaudit import datasets, dp

KEYS = [f"g{i}" for i in range(10)]
TRUE_COUNTS = np.array([5, 20, 40, 80, 120, 160, 200, 300, 400, 600])


def small_frame() -> pd.DataFrame:
    """Known true counts per group; one row per unit, spend inside its bounds."""
    groups = np.repeat(KEYS, TRUE_COUNTS)
    rng = np.random.default_rng(3)
    return pd.DataFrame({"group": groups, "spend": rng.uniform(0, 100, len(groups)),
                         "user": np.arange(len(groups))})


@pytest.fixture(scope="module")
def posts():
    return datasets.social_posts(800, seed=2)


def test_half_widths_cover_the_truth_95_percent():
    """Over many fresh sessions, [value ± half_width_95] covers the true count and the true
    sum in 95% ± 2% of the cells (true values kept here, never given to the library's caller)."""
    df = small_frame()
    true_sums = df.groupby("group")["spend"].sum().reindex(KEYS).to_numpy()
    hits = {"count": [], "sum(spend)": []}
    for _ in range(250):  # 2,500 cells per aggregate: 1 sd of the share = 0.44%
        session = dp.Session(df, epsilon_total=1.0, unit="user", contributions=1)
        q = session.query(by=["group"], keys={"group": KEYS}, count=True,
                          sums={"spend": (0, 100)})
        table = q.release(epsilon=0.2)
        for label, truth in (("count", TRUE_COUNTS), ("sum(spend)", true_sums)):
            part = table[table["aggregate"] == label].set_index("group").reindex(KEYS)
            hits[label].extend(np.abs(part["value"].to_numpy() - truth)
                               <= part["half_width_95"].to_numpy())
    for label, h in hits.items():
        share = float(np.mean(h))
        assert 0.93 <= share <= 0.97, (label, share)


def test_mean_half_width_is_conservative():
    df = small_frame()
    truth = df.groupby("group")["spend"].mean().reindex(KEYS).to_numpy()
    big = TRUE_COUNTS >= 120
    hits = []
    for _ in range(60):
        session = dp.Session(df, epsilon_total=1.0, unit="user")
        q = session.query(by=["group"], keys={"group": KEYS}, count=False,
                          means={"spend": (0, 100)})
        part = q.release(epsilon=1.0).query("aggregate == 'mean(spend)'").set_index(
            "group").reindex(KEYS)
        hits.extend((np.abs(part["value"].to_numpy() - truth)
                     <= part["half_width_95"].to_numpy())[big])
    assert np.mean(hits) >= 0.95


def test_preview_matches_release_and_spends_nothing(posts):
    session = dp.Session(posts, epsilon_total=2.0, delta=1e-6, unit="user_id", contributions=3)
    q = session.query(by=["age_band", "country"], count=True, sums={"spend": (0, 500)},
                      means={"age": (18, 90)})
    preview = q.preview(epsilon=0.5, group_size=200)
    assert session.spent == 0 and session.remaining == 2.0 and session.ledger.empty
    # private keys: no group key in the preview, one row per aggregate
    assert list(preview["aggregate"]) == ["count", "sum(spend)", "mean(age)"]
    assert "country" not in preview.columns
    assert preview["epsilon"].sum() == pytest.approx(0.5)
    # count: discrete Laplace, scale = contributions / (epsilon / 3) = 18
    row = preview.set_index("aggregate").loc["count"]
    assert row["scale"] == pytest.approx(18.0) and row["sensitivity"] == 3
    assert row["half_width_95"] == math.floor(18 * math.log(20) + 0.5)  # OpenDP's accuracy
    assert preview.set_index("aggregate").loc["sum(spend)", "sensitivity"] == 1500
    # half-widths scale as 1/epsilon
    double = q.preview(epsilon=1.0, group_size=200).set_index("aggregate")
    assert double.loc["sum(spend)", "half_width_95"] == pytest.approx(
        row.name and preview.set_index("aggregate").loc["sum(spend)", "half_width_95"] / 2)
    rel = q.release(epsilon=0.5)
    assert session.spent == pytest.approx(0.5) and session.remaining == pytest.approx(1.5)
    assert session.delta_spent == pytest.approx(1e-6 * 0.5 / 2)
    counts = rel[rel["aggregate"] == "count"]
    assert (counts["value"] >= session.releases[-1].threshold).all()
    assert (counts["half_width_95"] == row["half_width_95"]).all()


def test_ledger_adds_up_refuses_over_budget_and_says_what_remains(posts):
    session = dp.Session(posts, epsilon_total=1.0, unit="user_id", contributions=2)
    q = session.query(by=["country"], keys={"country": ["DE", "FR", "XX"]}, count=True)
    q.release(epsilon=0.3)
    q2 = session.query(count=True, sums={"likes": (0, 20)})
    q2.release(epsilon=0.4)
    ledger = session.ledger
    assert list(ledger["epsilon"]) == [0.3, 0.4]
    assert ledger["epsilon_spent"].iloc[-1] == pytest.approx(session.spent) == pytest.approx(0.7)
    assert session.spent + session.remaining == pytest.approx(1.0)
    with pytest.raises(dp.BudgetError, match=r"only 0\.3 of the session's 1 remains"):
        q.release(epsilon=0.5)
    assert len(session.releases) == 2  # the refused release left no trace
    with pytest.warns(UserWarning, match="repeats the query of release 1"):
        again = q.release(epsilon=0.3)
    assert session.releases[-1].repeat_of == 1 and "spent again" in again.attrs["nbaudit_dp"][
        "note"]
    assert session.remaining == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(dp.BudgetError, match="remains"):
        q2.release(epsilon=0.01)


def test_public_keys_release_empty_groups_and_drop_other_rows(posts):
    session = dp.Session(posts, epsilon_total=1.0, unit="user_id", contributions=1)
    q = session.query(by=["country"], keys={"country": ["DE", "Atlantis"]}, count=True)
    out = q.release(epsilon=1.0)
    assert list(out["country"]) == ["DE", "Atlantis"]
    preview = q.preview(epsilon=1.0)
    assert list(preview["country"]) == ["DE", "Atlantis"]


def test_contribution_bounding_keeps_at_most_c_rows_per_unit(posts):
    session = dp.Session(posts, epsilon_total=1.0, unit="user_id", contributions=2, seed=0)
    kept = posts.iloc[session._kept_rows()]
    per_user = kept.groupby("user_id").size()
    assert per_user.max() == 2
    assert per_user.index.nunique() == posts["user_id"].nunique()


def test_input_frame_is_not_modified(posts):
    before = posts.copy()
    session = dp.Session(posts, epsilon_total=1.0, delta=1e-6, unit="user_id", contributions=3)
    session.query(by=["topic"], sums={"spend": (0, 100)}, means={"age": (13, 90)}).release(
        epsilon=0.5)
    pd.testing.assert_frame_equal(posts, before)


def test_targets_absolute_and_relative(posts):
    session = dp.Session(posts, epsilon_total=1.0, unit="user_id", contributions=1)
    q = session.query(by=["country"], keys={"country": ["DE"]}, count=True,
                      sums={"spend": (0, 100)})
    p = q.preview(epsilon=1.0, targets={"count": 5, "sum(spend)": "10%"},
                  sizes={"sum(spend)": 10_000}).set_index("aggregate")
    assert p.loc["count", "meets_target"] is False or not p.loc["count", "meets_target"]
    assert p.loc["sum(spend)", "target"] == pytest.approx(1_000)
    with pytest.raises(dp.DPInputError, match="reference size you supply"):
        q.preview(epsilon=1.0, targets={"count": "10%"})


def test_report_states_the_guarantee(posts):
    session = dp.Session(posts, epsilon_total=2.0, delta=1e-6, unit="user_id", contributions=3)
    session.query(by=["age_band"], count=True, means={"age": (13, 90)}).release(epsilon=0.5)
    md = session.to_markdown()
    for words in ("Unit of privacy", "`user_id`", "at most 3 row(s) per unit", "epsilon 2 in "
                  "total", "OpenDP 0.16", "make_laplace_threshold", "\\[13, 90\\]",
                  "Sequential", "dropped"):
        assert words.lower() in md.lower(), words
    html = session.to_html()
    assert "<table>" in html and "OpenDP" in html


# --- bad input --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sums": {"spend": (500, 0)}}, "reversed"),
        ({"sums": {"spend": None}}, "needs clamping bounds"),
        ({"sums": {"spend": (0,)}}, "needs clamping bounds"),
        ({"means": {"age": ("a", 3)}}, "two finite numbers"),
        ({"by": ["nope"]}, "No column 'nope'"),
        ({"sums": {"topic": (0, 1)}}, "needs a numeric column"),
        ({"count": False}, "releases nothing"),
        ({"by": ["country"], "keys": {"topic": ["x"]}}, "one list per group column"),
        ({"by": ["user_id"]}, "cannot be a group column"),
    ],
)
def test_bad_query_input(posts, kwargs, message):
    session = dp.Session(posts, epsilon_total=1.0, unit="user_id", contributions=3)
    with pytest.raises(dp.DPInputError, match=message):
        session.query(**kwargs)


@pytest.mark.parametrize("epsilon", [0, -1, float("nan"), float("inf"), "0.5", None, True])
def test_bad_epsilon(posts, epsilon):
    session = dp.Session(posts, epsilon_total=1.0, unit="user_id", contributions=3)
    q = session.query(count=True)
    with pytest.raises(dp.DPInputError, match="epsilon must be a positive"):
        q.preview(epsilon=epsilon)
    with pytest.raises(dp.DPInputError, match="epsilon must be a positive"):
        q.release(epsilon=epsilon)
    with pytest.raises(dp.DPInputError, match="epsilon_total must be a positive"):
        dp.Session(posts, epsilon_total=epsilon, unit="user_id")


def test_unit_column_with_nulls(posts):
    df = posts.copy()
    df.loc[df.index[:7], "user_id"] = None
    with pytest.raises(dp.DPInputError, match="has 7 missing value"):
        dp.Session(df, epsilon_total=1.0, unit="user_id", contributions=3)
    with pytest.raises(dp.DPInputError, match="No column 'who'"):
        dp.Session(df, epsilon_total=1.0, unit="who")
    with pytest.raises(dp.DPInputError, match="contributions must be 1"):
        dp.Session(df, epsilon_total=1.0, contributions=3)


def test_by_column_with_100000_keys_needs_public_keys():
    df = pd.DataFrame({"key": np.arange(100_000).astype(str), "x": 1.0})
    session = dp.Session(df, epsilon_total=1.0)
    with pytest.raises(dp.DPInputError, match=r"more than 10,000 groups \(100,000\).*public"):
        session.query(by=["key"])
    public = [str(i) for i in range(100_000)]
    q = session.query(by=["key"], keys={"key": public}, count=True)
    out = q.release(epsilon=1.0)
    assert len(out) == 100_000


def test_private_keys_need_delta(posts):
    session = dp.Session(posts, epsilon_total=1.0, unit="user_id", contributions=3)
    with pytest.raises(dp.DPInputError, match="needs a delta"):
        session.query(by=["country"]).preview(epsilon=0.5)


def test_messages_never_quote_values(posts):
    df = posts.copy()
    df["secret"] = "Jane Doe"
    session = dp.Session(df, epsilon_total=1.0, unit="user_id", contributions=3)
    with pytest.raises(dp.DPInputError) as info:
        session.query(sums={"secret": (0, 1)})
    assert "Jane" not in str(info.value)


# --- %dp ----------------------------------------------------------------------------------
@pytest.fixture()
def ip(shell, posts):
    shell.user_ns["posts"] = posts
    return shell


def test_dp_magic_builds_a_widget_and_stores_the_session(ip):
    ip.run_line_magic("dp", "posts --by age_band,country --count --sum spend:0:500 --mean "
                      "age:18:90 --unit user_id --contributions 3 --epsilon-total 2 "
                      "--delta 1e-6 --epsilon 0.5 --session dps -o released")
    session = ip.user_ns["dps"]
    assert isinstance(session, dp.Session) and session.spent == 0
    assert session.contributions == 3


def test_dp_magic_public_keys(ip):
    ip.run_line_magic("dp", "posts --by country --keys country=DE|FR --count --unit user_id "
                      "--epsilon-total 1 --session dps2")
    q = ip.user_ns["dps2"].queries[-1]
    assert q.keys == {"country": ["DE", "FR"]}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "Name a DataFrame"),
        ("posts --count --epsilon-total 1 --sum spend", "give --sum COL:LO:HI"),
        ("posts --count --epsilon-total 1 --sum spend:9:1", "reversed"),
        ("posts --count --epsilon-total 0", "epsilon_total must be a positive"),
        ("posts --count --epsilon-total x", "Could not parse"),
        ("posts --by nope --epsilon-total 1", "No column 'nope'"),
        ("posts --count --epsilon-total 1 -o 1x", "not a valid Python variable"),
        ("posts --count", "--epsilon-total 2"),
        ("posts --count --epsilon-total 1 --epsilon -1", "epsilon must be a positive"),
        ("posts --count --epsilon-total 1 --unit nobody", "No column 'nobody'"),
        ("posts --by country --keys country --epsilon-total 1", r"--keys COLUMN=V1\|V2"),
    ],
)
def test_dp_magic_usage_errors(ip, line, message):
    with pytest.raises(UsageError, match=message):
        ip.run_line_magic("dp", line)
