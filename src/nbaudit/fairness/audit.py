"""`audit_fairness` and its results: per-group metrics of a model's decisions, with
uncertainty, thresholds and mitigation.

The result classes here hold the data and delegate the work to focused modules: inputs
(`_inputs`), metrics and intervals (`_metrics`), threshold sweeps (`_sweep`), charts
(`_charts`), mitigation (`mitigation`); reports are rendered by `nbaudit.reports` through the
`nbaudit._render` registry. Everything comes from one confusion table per group, which is
why this stays interactive on millions of rows where fairlearn's MetricFrame does not.

Bad input gets a message that names the argument, its column, dtype and counts (never a value
of the data) and says what to do; the caller's objects are never modified.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._checks import choice, probability, shown, type_name, whole_number
from .._render import render
from ._charts import before_after_bars, group_bars
from ._common import (  # noqa: F401  (re-exported: this module is the fairness API's home)
    AUTO_BIN_VALUES,
    AUTO_BINS,
    DEFAULT_THRESHOLDS,
    DENOMINATORS,
    JOIN,
    MAX_CELLS,
    MAX_GROUPS,
    MAX_SWEEP,
    METRIC_LABELS,
    METRICS,
    MISSING_GROUP,
    NOTE_GROUPS,
    SURROGATES,
    TRADEOFF_MEASURES,
    DisparityKind,
    label_text,
    pass_marks,
    shown_label,
)
from ._inputs import Binning, Prepared, describe_input, prepare, quantile_bins, subset  # noqa: F401
from ._metrics import (  # noqa: F401
    Disparity,
    bootstrap_intervals,
    check_interval_options,
    confusion,
    disparities,
    fractions,
    interval_metrics,
    rates,
    refusal,
    trusted_disparities,
    wilson_interval,
    wilson_intervals,
)
from ._sweep import ThresholdSweep, sweep
from .mitigation import Constraints, Method, fit_mitigation

if TYPE_CHECKING:
    import plotly.graph_objects as go

#: The old private name of `label_text` (kept: reports and widgets import it from here).
_label_text = label_text


@dataclass
class FairnessAudit:
    """Per-group metrics of a model's decisions. Made by `audit_fairness`.

    Attributes
    ----------
    by_group
        DataFrame indexed by group label (a tuple for intersectional groups): count,
        selection_rate, true_positive_rate, false_positive_rate, false_negative_rate,
        true_negative_rate, precision, accuracy, base_rate, and `small` (below min_group_size).
    overall
        The same metrics over all rows (a Series).
    disparities
        DataFrame of parity measures, each with its threshold, whether it passes and the
        groups it compares.
    """

    data: Prepared
    min_group_size: int = 30
    thresholds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))

    def __post_init__(self) -> None:
        d = self.data
        self.table = confusion(d.groups, d.y_true, d.y_pred, len(d.labels))
        self._rates = rates(self.table)
        self._overall = rates(self.table.sum(axis=0))
        self._ci_cache: dict[tuple[Any, ...], pd.DataFrame] = {}

    # -- figures -----------------------------------------------------------------------------
    @property
    def groups(self) -> list[Any]:
        return list(self.data.labels)

    def _index(self) -> pd.Index:
        """Group labels; several features give a MultiIndex (one level per feature, as
        fairlearn's MetricFrame), never tuples printed as Python tuples."""
        features = self.data.features
        if len(features) > 1 and self.data.labels and all(
                isinstance(g, tuple) and len(g) == len(features) for g in self.data.labels):
            return pd.MultiIndex.from_tuples(self.data.labels, names=features)
        return pd.Index(self.data.labels, name=JOIN.join(features), tupleize_cols=False)

    @property
    def denominators(self) -> pd.DataFrame:
        """Per group, the count each metric is a share of (`DENOMINATORS`): rows for the
        selection rate, positives for TPR and FNR, negatives for FPR and TNR, predicted
        positives for precision. A metric is only as reliable as this count."""
        return pd.DataFrame({m: n.astype(int) for m, (_, n) in fractions(self.table).items()},
                            index=self._index())

    @property
    def small_by_metric(self) -> pd.DataFrame:
        """Per group and metric, whether its denominator is below `min_group_size`."""
        return self.denominators < self.min_group_size

    @property
    def notes(self) -> list[str]:
        """What the audit did to the inputs and why a figure is missing, in words."""
        out = [b.describe() for b in self.data.binned]
        refused = refusal(self.table, self.min_group_size)
        if refused:
            out.append(refused)
        return out

    @property
    def by_group(self) -> pd.DataFrame:
        frame = pd.DataFrame(dict(self._rates), index=self._index())
        frame["count"] = frame["count"].astype(int)
        frame["small"] = frame["count"] < self.min_group_size
        return frame

    @property
    def overall(self) -> pd.Series:
        return pd.Series({k: float(v) for k, v in self._overall.items()}, name="overall")

    @property
    def disparity_list(self) -> list[Disparity]:
        """Parity measures over the groups whose rates rest on enough people.

        Each rate counts only where its denominator (`denominators`) reaches
        `min_group_size`: the selection rate where the group has that many rows, the true
        positive rate where it has that many positives, the false positive rate where it has
        that many negatives. A group of a dozen people swings any rate by chance; its
        figures stay in `by_group` (flagged) but do not decide the disparities. With fewer
        than two such groups a measure is undefined (NaN, passes None) and its note says
        why. Set min_group_size=0 to compare every group, as fairlearn does.
        """
        return trusted_disparities(self.table, self.data.labels,
                                   min_group_size=self.min_group_size,
                                   thresholds=self.thresholds)

    @property
    def disparities(self) -> pd.DataFrame:
        rows = [d.to_dict() for d in self.disparity_list]
        return pd.DataFrame(rows).set_index("name")

    @property
    def small_groups(self) -> list[Any]:
        return [g for g, n in zip(self.data.labels, self._rates["count"], strict=True)
                if n < self.min_group_size]

    def with_pass_marks(self, marks: Mapping[str, float]) -> FairnessAudit:
        """The same audit judged against other pass marks (a new object; this one is kept).

        Parameters
        ----------
        marks
            ``{"ratio": ..., "difference": ...}`` (either key may be left out: it keeps this
            audit's mark).

        Returns
        -------
        FairnessAudit
        """
        checked = pass_marks(marks)
        audit = FairnessAudit(self.data, self.min_group_size,
                              {**self.thresholds, **{k: checked[k] for k in marks}})
        audit._ci_cache = self._ci_cache  # same table, same intervals
        return audit

    def confidence_intervals(self, metrics: str | Sequence[str] | None = None, *,
                             n_boot: int = 1000, level: float = 0.95, seed: int = 0,
                             method: Literal["bootstrap", "wilson"] = "bootstrap",
                             ) -> pd.DataFrame:
        """Bootstrap percentile (or Wilson score) intervals for each group's metrics.

        Resampling rows with replacement changes a statistic of the confusion tables only
        through the resampled counts, which follow a multinomial law over the table's cells:
        drawing them directly is the same bootstrap, vectorised and independent of the number
        of rows. Seeded and reproducible.

        A bootstrap cannot vary what a handful of rows never show: 3 positives all detected
        give [100%, 100%]. ``method="wilson"`` gives Wilson score intervals from each
        metric's numerator and denominator (`denominators`), honest at small counts; the
        widget and the reports show them beside the bootstrap.

        Parameters
        ----------
        metrics
            Names from `METRICS` (one name or a list); default: all of them.
        n_boot
            Resamples, 1 to 100,000; ``n_boot`` x groups is at most `MAX_CELLS`.
        level
            Coverage of the intervals, strictly between 0 and 1.
        seed
            Seed of the resampling (a whole number >= 0).
        method
            ``"bootstrap"`` (default) or ``"wilson"`` (closed form: `n_boot` and `seed` are
            not used).

        Returns
        -------
        DataFrame
            Indexed by group, with ``<metric>_low`` and ``<metric>_high`` columns.
        """
        wanted = interval_metrics(metrics)
        n_boot, level, seed = check_interval_options(n_boot, level, seed, method,
                                                     len(self.data.labels))
        if method == "wilson":
            return pd.DataFrame(wilson_intervals(self.table, wanted, level=level),
                                index=self._index())
        key = (tuple(wanted), n_boot, level, seed)
        if key not in self._ci_cache:
            bounds = bootstrap_intervals(self.table, wanted, n_boot=n_boot, level=level,
                                         seed=seed)
            self._ci_cache[key] = pd.DataFrame(bounds, index=self._index())
        return self._ci_cache[key].copy()

    # -- thresholds --------------------------------------------------------------------------
    def sweep(self, thresholds: Sequence[float] | int = 101) -> ThresholdSweep:
        """Per-group confusion counts for many thresholds at once (scores needed).

        Scores are sorted once per group; each threshold is then a binary search.

        Parameters
        ----------
        thresholds
            How many evenly spaced thresholds from 0 to 1 (2 to `MAX_SWEEP`), or the
            thresholds themselves (numbers in [0, 1]). Thresholds x groups is at most
            `MAX_CELLS`.

        Returns
        -------
        ThresholdSweep
        """
        return sweep(self.data, thresholds)

    def at_threshold(self, threshold: float | Mapping[Any, float]) -> FairnessAudit:
        """The audit of the decisions ``score >= threshold`` (one per group if a mapping).

        Parameters
        ----------
        threshold
            A number in [0, 1], or a mapping from group to threshold. Its keys are group
            labels (``audit.groups``; for intersectional groups the tuple or its text
            ``"F × 30-45"``); groups it leaves out keep the audit's threshold. A key that is
            not a group is refused.

        Returns
        -------
        FairnessAudit
        """
        d = self.data
        if d.y_score is None:
            raise ValueError("Changing the threshold needs scores: audit_fairness(y_score=...).")
        if isinstance(threshold, Mapping):
            per_group = _per_group(d, threshold)
            pred = (d.y_score >= per_group[d.groups]).astype(np.int8)
        else:
            threshold = probability(threshold, "threshold")
            pred = (d.y_score >= threshold).astype(np.int8)
        data = replace(d, y_pred=pred,
                       threshold=threshold if not isinstance(threshold, Mapping) else None)
        return FairnessAudit(data, self.min_group_size, dict(self.thresholds))

    # -- charts --------------------------------------------------------------------------
    def figure(self, metric: str = "selection_rate", *, ci: bool = True,
               interval: Literal["wilson", "bootstrap"] = "wilson") -> go.Figure:
        """A plotly chart: one metric by group with intervals, or ``"tradeoff"``.

        Parameters
        ----------
        metric
            A name from `METRICS` (bars by group, the widget's chart), or ``"tradeoff"``
            (accuracy and disparities at every threshold: ``self.sweep(101).figure()``).
        ci
            Draw the intervals.
        interval
            ``"wilson"`` (default, honest at small counts) or ``"bootstrap"``.

        Returns
        -------
        plotly.graph_objects.Figure
            Horizontal bars when there are many groups or long labels, so that no label is
            cut; the hover shows the exact value, the interval and the denominator.
        """
        if metric == "tradeoff":
            return self.sweep(101).figure(current=self.data.threshold)
        if metric not in METRICS:
            raise ValueError(f"Unknown metric {shown_label(metric)}; choose from "
                             f"{', '.join(METRICS)}, or 'tradeoff'.")
        choice(interval, "interval", ("wilson", "bootstrap"))
        frame = self.by_group
        values = frame[metric].to_numpy()
        if ci:
            bounds = self.confidence_intervals([metric], method=interval)
            low = bounds[f"{metric}_low"].to_numpy()
            high = bounds[f"{metric}_high"].to_numpy()
        else:
            low = high = np.full(len(values), np.nan)
        return group_bars([label_text(g) for g in frame.index], values, low=low, high=high,
                          denominators=self.denominators[metric].to_numpy(),
                          what=DENOMINATORS[metric], min_group_size=self.min_group_size,
                          overall=float(self._overall[metric]),
                          label=METRIC_LABELS.get(metric, metric), interval=interval, ci=ci)

    # -- mitigation ------------------------------------------------------------------------
    def mitigate(self, method: Method = "threshold_optimizer", *,
                 constraints: Constraints = "equalized_odds",
                 estimator: Any = None, X: Any = None, X_train: Any = None,  # noqa: N803
                 y_train: Any = None, sensitive_train: Any = None,
                 seed: int = 0, holdout: float = 0.5) -> Mitigation:
        """Run a fairlearn mitigation and audit the result on rows it was not fitted on.

        ``threshold_optimizer`` (post-processing) needs scores (given to `audit_fairness`)
        or a fitted `estimator` with the features `X` of the audited rows; it learns
        group-specific (randomized) thresholds on a seeded split of the audited rows
        (stratified by group and true outcome) and is scored on the `holdout` share it did
        not see. ``exponentiated_gradient`` (in-processing) retrains a copy of `estimator`
        on `X_train`, `y_train`, `sensitive_train`, and is scored on `X`.

        Parameters
        ----------
        method
            ``"threshold_optimizer"`` (default) or ``"exponentiated_gradient"``.
        constraints
            ``"equalized_odds"`` (default), ``"demographic_parity"`` or
            ``"true_positive_rate_parity"``.
        estimator, X
            A fitted model and the features of the audited rows (ThresholdOptimizer without
            scores; ExponentiatedGradient retrains a copy of the model and predicts on `X`).
        X_train, y_train, sensitive_train
            ExponentiatedGradient's training rows.
        holdout
            Share of the audited rows kept for scoring (default 0.5); 0 fits and scores on
            the same rows, which flatters the result (and says so).
        seed
            Seed of the split and of the randomized thresholds.

        Returns
        -------
        Mitigation
            ``before`` and ``after`` on the evaluation rows, ``evaluation`` (in words),
            ``group_thresholds``, ``comparison``, ``figure()``.
        """
        fit = fit_mitigation(self.data, method=method, constraints=constraints,
                             estimator=estimator, X=X, X_train=X_train, y_train=y_train,
                             sensitive_train=sensitive_train, seed=seed, holdout=holdout)
        rows = fit.evaluation_rows
        before = self if len(rows) == len(self.data.y_true) else self._rows(rows)
        after = self._rows(rows, fit.y_pred, keep_scores=False)
        return Mitigation(before, after, method, constraints, fit.y_pred, rows, fit.fit_rows,
                          fit.evaluation, fit.group_thresholds)

    def _rows(self, rows: np.ndarray, y_pred: np.ndarray | None = None, *,
              keep_scores: bool = True) -> FairnessAudit:
        """The audit of some of its rows (optionally with other decisions for them)."""
        return FairnessAudit(subset(self.data, rows, y_pred, keep_scores=keep_scores),
                             self.min_group_size, dict(self.thresholds))

    # -- output ------------------------------------------------------------------------------
    def to_dict(self, *, ci: bool = False) -> dict[str, Any]:
        """JSON-safe figures (no row-level data)."""
        frame = self.by_group
        bounds = self.confidence_intervals() if ci else None
        parts = fractions(self.table)
        dens = {m: n for m, (_, n) in parts.items()}
        wilson = {m: wilson_interval(k, n) for m, (k, n) in parts.items()}
        groups = []
        for i, label in enumerate(frame.index):
            row: dict[str, Any] = {"group": label_text(label),
                                   "count": int(frame["count"].iloc[i]),
                                   "small": bool(frame["small"].iloc[i])}
            for m in METRICS:
                v = float(frame[m].iloc[i])
                row[m] = None if math.isnan(v) else v
                if bounds is not None:
                    lo, hi = bounds[f"{m}_low"].iloc[i], bounds[f"{m}_high"].iloc[i]
                    row[f"{m}_ci"] = None if (math.isnan(lo) or math.isnan(hi)) else [lo, hi]
            for m in METRICS:
                row[f"{m}_n"] = int(dens[m][i])
                row[f"{m}_small"] = bool(dens[m][i] < self.min_group_size)
                lo, hi = wilson[m][0][i], wilson[m][1][i]
                row[f"{m}_wilson"] = None if math.isnan(lo) else [float(lo), float(hi)]
            groups.append(row)
        overall = {m: (None if math.isnan(v) else float(v)) for m, v in self._overall.items()}
        return {
            "join": JOIN,
            "positive_name": self.data.positive_name,
            "notes": self.notes,
            "binned": [b.to_dict() for b in self.data.binned],
            "denominators": dict(DENOMINATORS),
            "labels": dict(METRIC_LABELS),
            "features": self.data.features,
            "n": int(self.table.sum()),
            "dropped": self.data.dropped,
            "threshold": self.data.threshold,
            "has_scores": self.data.y_score is not None,
            "min_group_size": self.min_group_size,
            "groups": groups,
            "overall": overall,
            "disparities": [d.to_dict() for d in self.disparity_list],
        }

    def to_markdown(self, mitigation: Mitigation | None = None) -> str:
        """Per-group metrics with intervals and the disparities, as Markdown (and the
        mitigation's before and after, if one is given)."""
        return render("markdown", self, mitigation)

    def to_html(self, mitigation: Mitigation | None = None) -> str:
        """The Markdown report as a standalone HTML page."""
        return render("html", self, mitigation)

    def to_json(self) -> str:
        """The audit as JSON (through the egress gate, like every report)."""
        return render("json", self)

    def model_card(self, **text: Any) -> str:
        """A model card around this audit (see `nbaudit.reports.model_card`)."""
        return render("model_card", self, **text)

    def model_card_html(self, **text: Any) -> str:
        """The model card as a standalone HTML page with plotly charts (works offline)."""
        return render("model_card_html", self, **text)

    def __repr__(self) -> str:
        worst = [d for d in self.disparity_list if d.passes is False]
        return (f"FairnessAudit({len(self.data.labels)} groups of {', '.join(self.data.features)}"
                f"; {int(self.table.sum()):,} rows; failing: "
                f"{', '.join(d.name for d in worst) or 'none'})")


def _per_group(data: Prepared, threshold: Mapping[Any, Any]) -> np.ndarray:
    """One threshold per group code from a mapping keyed by group label or its text."""
    default = data.threshold if data.threshold is not None else 0.5
    by_label: dict[Any, int] = {}
    by_text: dict[str, int] = {}
    for i, label in enumerate(data.labels):
        by_label.setdefault(label, i)
        by_text.setdefault(label_text(label), i)
    values = np.full(len(data.labels), float(default))
    unknown = 0
    for key, value in threshold.items():
        try:
            code = by_label.get(key)
        except TypeError:  # an unhashable key cannot be a group
            code = None
        if code is None and isinstance(key, str):
            code = by_text.get(key)
        if code is None:
            unknown += 1
            continue
        values[code] = probability(value, "each per-group threshold")
    if unknown:
        raise ValueError(f"{unknown:,} of the {len(threshold):,} keys of the per-group "
                         f"thresholds are not groups of this audit (it has "
                         f"{len(data.labels):,} groups: see audit.groups). Use the group "
                         "labels as keys (for intersectional groups the tuple, or its "
                         f"text with {JOIN!r}).")
    return values


@dataclass(frozen=True)
class Mitigation:
    """Before and after a mitigation, side by side, on rows the mitigation was not fitted on.

    ThresholdOptimizer learns its thresholds on one part of the audited rows (a seeded split,
    stratified by group and true outcome) and is scored on the other, so the "after" figures
    are not flattered by fitting. ExponentiatedGradient retrains on `X_train` and is scored
    on the audited rows.

    Attributes
    ----------
    before, after
        The audits of the original and the mitigated decisions on the evaluation rows.
    method, constraints
        What was run.
    y_pred
        The mitigated decisions for every audited row, in order (fitting rows included).
    evaluation_rows
        Positions (into the audited rows) of the rows `before` and `after` are computed on.
    fit_rows
        How many rows the mitigation was fitted on.
    evaluation
        In words: what was fitted on which rows and scored on which.
    group_thresholds
        The learned decision rule per group (ThresholdOptimizer; None otherwise): a
        DataFrame with the threshold used for most rows of the group, the share of rows it
        applies to, and the other threshold it is randomized with.
    """

    before: FairnessAudit
    after: FairnessAudit
    method: str
    constraints: str
    y_pred: np.ndarray
    evaluation_rows: np.ndarray | None = None
    fit_rows: int = 0
    evaluation: str = ""
    group_thresholds: pd.DataFrame | None = None

    @property
    def comparison(self) -> pd.DataFrame:
        """Disparities and overall accuracy, before and after (on the evaluation rows)."""
        b, a = self.before.disparities, self.after.disparities
        frame = pd.DataFrame({"before": b["value"], "after": a["value"],
                              "threshold": b["threshold"],
                              "passes_before": b["passes"].astype(object),
                              "passes_after": a["passes"].astype(object),
                              "groups_before": b["groups"], "groups_after": a["groups"]})
        for metric in ("accuracy", "selection_rate"):
            frame.loc[metric] = [self.before.overall[metric], self.after.overall[metric],
                                 None, None, None, None, None]
        return frame

    @property
    def by_group(self) -> pd.DataFrame:
        """Per-group metrics before and after (columns: before/after x metric)."""
        cols = ["count", "selection_rate", "true_positive_rate", "false_positive_rate",
                "false_negative_rate", "accuracy"]
        return pd.concat({"before": self.before.by_group[cols],
                          "after": self.after.by_group[cols]}, axis=1)

    def figure(self, metric: str = "selection_rate") -> go.Figure:
        """Before/after bars side by side for each group (the widget's chart), as plotly.

        Returns
        -------
        plotly.graph_objects.Figure
        """
        choice(metric, "metric", tuple(METRICS))
        return before_after_bars([label_text(g) for g in self.before.by_group.index],
                                 before=self.before.by_group[metric].to_numpy(),
                                 after=self.after.by_group[metric].to_numpy(),
                                 label=METRIC_LABELS.get(metric, metric),
                                 evaluation=self.evaluation)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe figures: how it was fitted and scored, the learned rules, and the
        before and after audits (`FairnessAudit.to_dict`)."""
        thresholds = None
        if self.group_thresholds is not None:
            thresholds = [{"group": label_text(g), **{k: (None if pd.isna(v) else v)
                                                       for k, v in row.items()}}
                          for g, row in self.group_thresholds.iterrows()]
        return {"method": self.method, "constraints": self.constraints,
                "fit_rows": self.fit_rows,
                "evaluation_rows": int(self.after.table.sum()),
                "evaluation": self.evaluation, "group_thresholds": thresholds,
                "before": self.before.to_dict(), "after": self.after.to_dict()}


def audit_fairness(
    y_true: Any,
    y_pred: Any = None,
    *,
    sensitive_features: Any,
    y_score: Any = None,
    threshold: float = 0.5,
    pos_label: Any = None,
    min_group_size: int = 30,
    thresholds: Mapping[str, float] | None = None,
    max_groups: int | None = MAX_GROUPS,
    bins: int | Literal["auto"] | None = "auto",
    positive_name: str | None = None,
) -> FairnessAudit:
    """Per-group metrics of a model's decisions, and the parity measures between groups.

    Parameters
    ----------
    y_true
        True outcomes (0/1, booleans, or two labels with `pos_label`). Rows with a missing
        label, decision or score are dropped and counted (``audit.data.dropped``).

        Pandas inputs (Series, DataFrames) are paired by index: when their indexes hold the
        same labels in another order, rows are matched by label (in the order of the first
        one); indexes with different labels are refused. Arrays and lists are paired by
        position. No input is modified.
    y_pred
        The model's decisions. Give this or `y_score`.
    sensitive_features
        One array/Series, or a DataFrame/dict of several (intersectional groups, labelled by
        tuples). Missing values form their own group, "missing". Cells must be single
        values (not lists or dicts).
    y_score
        Scores in [0, 1] (NaN: missing, the row is dropped; infinite scores are refused);
        decisions are ``score >= threshold``, and threshold sweeps become available.
    threshold
        The decision threshold on the scores, in [0, 1].
    pos_label
        The positive outcome when labels are not 0/1 (or one outcome against all others).
    min_group_size
        Groups smaller than this (a whole number >= 0) are flagged as too small to trust.
    thresholds
        Pass marks: ``{"ratio": 0.8, "difference": 0.1}`` by default; other keys are
        refused.
    max_groups
        The most groups an audit may have, per sensitive feature and for their
        intersection (default `MAX_GROUPS`, 100); more is refused with a message that
        offers binning, since an identifier column (emails, IDs) passed by mistake gives one
        group per person. None: no limit.
    bins
        ``"auto"`` (default): a numeric (not boolean) sensitive feature with at least
        `AUTO_BIN_VALUES` (20) distinct values, an exact age or income, is cut into
        `AUTO_BINS` (5) quantile bins, and the audit says so (``audit.notes``). A number:
        every numeric feature with more than `bins` distinct values is cut into `bins`
        quantile bins (see `quantile_bins`). None: never bin.
    positive_name
        The user's word for a positive decision ("high risk", "approved"), used in the
        widget ("high risk when score >= 0.5") and the reports. Default: "positive
        decision".

    Returns
    -------
    FairnessAudit
        ``by_group``, ``overall``, ``disparities``, ``confidence_intervals()``, ``sweep()``,
        ``at_threshold()``, ``mitigate()``, ``figure()``.
    """

    min_group_size = whole_number(min_group_size, "min_group_size", 0, "30")
    limits = pass_marks(thresholds)
    if max_groups is not None:
        max_groups = whole_number(max_groups, "max_groups", 1, "100")
    if bins is not None and not (isinstance(bins, str) and bins == "auto"):
        if isinstance(bins, str):
            raise ValueError(f"bins must be 'auto', a whole number such as 5, or None, not "
                             f"{shown(bins)}.")
        bins = whole_number(bins, "bins", 2, "5", maximum=MAX_GROUPS)
    if positive_name is not None:
        if not isinstance(positive_name, str) or not positive_name.strip():
            raise TypeError("positive_name must be a short text such as 'high risk', not "
                            f"{type_name(positive_name)}.")
        positive_name = SURROGATES.sub("?", " ".join(positive_name.split()))[:40]
    data = prepare(y_true, y_pred, sensitive_features=sensitive_features, y_score=y_score,
                   threshold=threshold, pos_label=pos_label, max_groups=max_groups, bins=bins,
                   positive_name=positive_name)
    return FairnessAudit(data, min_group_size, limits)
