"""The figures of one transformation: classes failing the privacy model, suppression,
l-diversity, t-closeness and information loss, computed on an `Encoding`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .codes import combine_codes, first_rows
from .encoding import Encoding
from .model import PrivacyModel

METRICS = ("entropy", "loss", "dm", "dm_star", "aecs")


@dataclass
class Evaluation:
    """The figures of one transformation (levels per quasi-identifier) and suppression."""

    levels: tuple[int, ...]
    sizes: np.ndarray  # class sizes (all classes, before suppression)
    kept_sizes: np.ndarray  # class sizes after suppression
    suppressed: int  # records suppressed (in classes failing the privacy model)
    anonymous: bool  # the privacy model holds within the suppression budget
    k: int  # smallest class after suppression
    l_distinct: dict[str, int] = field(default_factory=dict)
    l_entropy: dict[str, float] = field(default_factory=dict)
    t_closeness: dict[str, float] = field(default_factory=dict)
    info_loss: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SensitiveStats:
    """Per class, for one sensitive attribute: distinct values, exp(entropy), and distance
    from the whole table's distribution (NaN when not computed)."""

    distinct: np.ndarray
    entropy: np.ndarray
    distance: np.ndarray


def failing_classes(enc: Encoding, ids: np.ndarray, sizes: np.ndarray, model: PrivacyModel,
                    *, closeness: bool = True) -> tuple[np.ndarray, dict[str, SensitiveStats]]:
    """Which classes fail `model` (smaller than k, fewer than l values, farther than t), and
    the statistics of each sensitive attribute they were judged on.

    `closeness=False` skips the distances unless the model has a `t`.
    """
    failing = sizes < model.k
    stats = {}
    for i, name in enumerate(enc.sensitive):
        s = sensitive_stats(enc, ids, len(sizes), enc.q + i, name,
                            closeness=closeness or model.t is not None)
        if model.l is not None:
            failing |= s.distinct < model.l
        if model.t is not None:
            failing |= s.distance > model.t
        stats[name] = s
    return failing, stats


def evaluate(enc: Encoding, levels: tuple[int, ...], model: PrivacyModel, *,
             metrics: tuple[str, ...] = METRICS, closeness: bool = True) -> Evaluation:
    """Figures of one transformation; classes failing the model are suppressed if the
    records in them fit its budget (a share of all records)."""
    ids, sizes = enc.class_keys(levels)
    failing, stats = failing_classes(enc, ids, sizes, model, closeness=closeness)
    suppressed = int(sizes[failing].sum())
    anonymous = suppressed <= model.budget(enc.n)
    kept = ~failing if anonymous else np.ones(len(sizes), dtype=bool)
    kept_sizes = sizes[kept]
    ev = Evaluation(
        levels=tuple(levels), sizes=sizes, kept_sizes=kept_sizes,
        suppressed=suppressed if anonymous else 0,
        anonymous=anonymous, k=int(kept_sizes.min()) if len(kept_sizes) else 0,
    )
    some = bool(kept.any())
    for name, s in stats.items():
        ev.l_distinct[name] = int(s.distinct[kept].min()) if some else 0
        ev.l_entropy[name] = float(s.entropy[kept].min()) if some else 0.0
        if closeness or model.t is not None:
            ev.t_closeness[name] = float(s.distance[kept].max()) if some else 0.0
    ev.info_loss = info_loss(enc, levels, sizes, model.k, failing if anonymous else None,
                             metrics)
    return ev


def sensitive_stats(enc: Encoding, ids: np.ndarray, n_classes: int, column: int, name: str,
                    *, closeness: bool = True) -> SensitiveStats:
    """l-diversity (distinct, entropy) and t-closeness of every class for the sensitive
    attribute `name`, held in column `column` of ``enc.base``."""
    n_values = len(enc.sensitive_labels[name])
    values = enc.base[:, column]
    pair_ids, n_pairs = combine_codes([values, ids], [n_values, n_classes])
    pair_counts = np.bincount(pair_ids, weights=enc.weights, minlength=n_pairs)
    first = first_rows(pair_ids, n_pairs)
    pair_class = ids[first]
    pair_value = values[first]
    distinct = np.bincount(pair_class, minlength=n_classes)
    class_sizes = np.bincount(pair_class, weights=pair_counts, minlength=n_classes)
    p = pair_counts / class_sizes[pair_class]
    entropy = np.exp(np.bincount(pair_class, weights=-p * np.log(p), minlength=n_classes))
    # t-closeness: distance of each class's distribution from the whole table's.
    overall = enc.overall[name]
    if not closeness:
        distance = np.full(n_classes, np.nan)
    elif enc.sensitive_numeric[name] and n_values > 1:
        distance = _ordered_distance(pair_class, pair_value, p, overall, n_classes)
    else:  # equal distance: half the L1 distance, from the pairs present only
        q = overall[pair_value]
        distance = 0.5 * (1.0 + np.bincount(pair_class, weights=np.abs(p - q) - q,
                                            minlength=n_classes))
    return SensitiveStats(distinct, entropy, distance)


def _ordered_distance(pair_class: np.ndarray, pair_value: np.ndarray, p: np.ndarray,
                      overall: np.ndarray, n_classes: int) -> np.ndarray:
    """Ordered earth mover's distance of each class from `overall`: dense cumulative sums,
    a block of classes at a time (bounded memory on millions of classes)."""
    n_values = len(overall)
    distance = np.empty(n_classes)
    step = max(1, 4_000_000 // n_values)
    for lo in range(0, n_classes, step):
        hi = min(n_classes, lo + step)
        sel = (pair_class >= lo) & (pair_class < hi)
        dist = np.zeros((hi - lo, n_values))
        dist[pair_class[sel] - lo, pair_value[sel]] = p[sel]
        diff = dist - overall[None, :]
        distance[lo:hi] = np.abs(np.cumsum(diff, axis=1)).sum(axis=1) / (n_values - 1)
    return distance


def info_loss(enc: Encoding, levels: tuple[int, ...], sizes: np.ndarray, k: int,
              suppressed_classes: np.ndarray | None,
              metrics: tuple[str, ...] = METRICS) -> dict[str, float]:
    """Information-loss metrics of a transformation.

    ``entropy``: ARX's precomputed non-uniform entropy (sum over attributes).
    ``loss``: Iyengar's loss metric, 0 (nothing lost) to 1 (all ``*``), suppressed
    records counting as fully lost. ``dm``, ``dm_star``, ``aecs``: discernibility (with
    records in classes below k suppressed at cost n each), its variant over all classes,
    and the average equivalence-class size, as ARX defines them.
    """
    out: dict[str, float] = {}
    small = sizes < k
    n_suppressed = int(sizes[small].sum())
    attributes = enc.attributes
    if "entropy" in metrics:
        out["entropy"] = float(sum(a.entropy[lv] for a, lv in zip(attributes, levels,
                                                                     strict=True)))
        top = float(sum(a.entropy[-1] for a in attributes))
        out["entropy_share"] = out["entropy"] / top if top else 0.0
    if "loss" in metrics:
        base = float(np.mean([a.loss[lv] for a, lv in zip(attributes, levels,
                                                           strict=True)])) if enc.q else 0.0
        gone = int(sizes[suppressed_classes].sum()) if suppressed_classes is not None else 0
        out["loss"] = base + (1.0 - base) * gone / enc.n
    if "dm" in metrics:
        big = sizes[~small].astype(float)
        out["dm"] = float((big**2).sum() + n_suppressed * enc.n)
    if "dm_star" in metrics:
        out["dm_star"] = float((sizes.astype(float) ** 2).sum())
    if "aecs" in metrics:
        n_big = int((~small).sum()) + (1 if n_suppressed else 0)
        out["aecs"] = enc.n / n_big if n_big else float(enc.n)
    return out


__all__ = ["METRICS", "Evaluation", "SensitiveStats", "evaluate", "failing_classes",
           "info_loss", "sensitive_stats"]
