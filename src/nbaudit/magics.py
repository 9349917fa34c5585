"""IPython magics: parse the line, resolve the variable, call the core, show the widget.

Error messages become error outputs, saved in the notebook: the magics pass on nbaudit's own
messages (which name columns, dtypes and counts, never values) through the egress gate and
replace any other library's message, which may quote values of the data, by its type and where
it was raised.
"""

from __future__ import annotations

import argparse
import keyword
import pathlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from ._text import names_text, quote_name
from .egress import release

if TYPE_CHECKING:
    from .fairness import FairnessAudit


def _split(value: str | None) -> list[str] | None:
    """A comma-separated option as a list; None when the option was not given, [] when it
    names nothing ("--entities ,"), which the core refuses with a message."""
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def _output_name(name: str | None) -> str | None:
    """The -o variable name, checked before any work is done."""
    if name is not None and (not name.isidentifier() or keyword.iskeyword(name)):
        raise UsageError(f"-o {name!r} is not a valid Python variable name: use letters, "
                         "digits and underscores, not starting with a digit (e.g. -o result).")
    return name


_PACKAGE = pathlib.Path(__file__).resolve().parent


def _raised_by_nbaudit(exc: BaseException) -> bool:
    """Whether nbaudit's own code raised `exc` (its last traceback frame is in the package)."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    try:
        return pathlib.Path(tb.tb_frame.f_code.co_filename).resolve().is_relative_to(_PACKAGE)
    except (OSError, ValueError):
        return False


def _usage_error(exc: Exception, doing: str) -> UsageError:
    """A UsageError for `exc` whose message quotes no value of the data.

    nbaudit's own ValueErrors and TypeErrors are passed on (they are written to name
    columns and counts only); any other exception, from pandas, NumPy, scikit-learn or a
    bug, is reported by its type and module, because its message may quote cell values
    (``could not convert string to float: 'Jane Doe'``).
    """
    if isinstance(exc, UsageError):
        return UsageError(release(str(exc)))
    if isinstance(exc, (TypeError, ValueError)) and _raised_by_nbaudit(exc):
        return UsageError(release(str(exc).replace("pos_label=...", "--pos-label VALUE")))
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = tb.tb_frame.f_globals.get("__name__", "?") if tb is not None else "?"
    return UsageError(f"{doing} failed with {type(exc).__name__} (raised in {where}). Its "
                      "message is not shown because it may quote values of the data, and "
                      "error messages are saved in the notebook: run the step in a cell of "
                      "its own to see it.")


def _parse(magic: Callable[..., object], line: str) -> argparse.Namespace:
    """Parse a magic's line; argparse's errors (and its SystemExit) become a UsageError."""
    try:
        return parse_argstring(magic, line)
    except (UsageError, SystemExit) as exc:
        raise UsageError(f"Could not parse {line!r}: {exc}. "
                         f"See %{magic.__name__}? for the options.") from None


# --- %fairness: its options, parsed ------------------------------------------------------
def _sensitive_names(value: str | None) -> list[str]:
    sensitive = _split(value)
    if not sensitive:
        raise UsageError("Name the sensitive feature(s): --sensitive sex,race")
    twice = sorted({s for s in sensitive if sensitive.count(s) > 1})
    if twice:
        raise UsageError(f"--sensitive names {names_text(twice)} more than once: name each "
                         "sensitive column once, e.g. --sensitive sex,race")
    return sensitive


def _bins(text: str) -> int | str | None:
    """``--bins``: auto, a whole number, or none."""
    bins = text.strip().lower()
    if bins in ("none", "off", "no"):
        return None
    if bins == "auto":
        return bins
    if not bins.isdigit():
        raise UsageError("--bins takes auto (the default), a whole number such as 5, or none.")
    return int(bins)


def _fairness_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword options of `audit_fairness` / `audit_model` from ``%fairness``'s line."""
    from .fairness.audit import MAX_GROUPS

    if args.y_pred and args.score:
        raise UsageError("Give --y-pred (decisions) or --score (scores), not both.")
    if args.max_groups is not None and args.max_groups < 0:
        raise UsageError("--max-groups must be a whole number >= 1 (or 0: no limit).")
    bins = _bins(args.bins)
    positive_name = args.positive_name
    if positive_name and len(positive_name) >= 2 and positive_name[0] == positive_name[-1] \
            and positive_name[0] in "'\"":
        positive_name = positive_name[1:-1]  # --positive-name 'high risk'
    return {"threshold": args.threshold, "min_group_size": args.min_group_size,
            "bins": bins, "positive_name": positive_name,
            "max_groups": MAX_GROUPS if args.max_groups is None else (args.max_groups or None)}


def _pos_label(text: str | None, labels: object) -> object:
    """--pos-label's text as the value of the labels it names ("1" -> 1, "True" -> True when
    the labels are booleans); the text itself when none matches."""
    import numpy as np
    import pandas as pd

    if text is None:
        return None
    try:
        distinct = pd.Series(labels if isinstance(labels, pd.Series) else np.asarray(labels),
                             copy=False).dropna().unique()
        matches = [v for v in distinct[:1_000] if str(v) == text]
        if len(matches) == 1:
            value = matches[0]
            return value.item() if isinstance(value, np.generic) else value
    except Exception:  # unreadable labels: the audit reports them
        pass
    return int(text) if text.lstrip("-").isdigit() else text


#: The Python API's words in the core's messages, and the options that say the same here.
_OPTION_WORDS = [("max_groups=N (None: no limit)", "--max-groups N (0: no limit)"),
                 ("max_groups=", "--max-groups "), ("bins=5", "--bins 5"),
                 ("min_group_size", "--min-group-size"), ("threshold must", "--threshold must"),
                 ("bins=None", "--bins none"), ("bins=N", "--bins N"),
                 ("bins must", "--bins must")]


def _option_words(message: str) -> str:
    """A message of the core in the magic's words (``max_groups=`` is ``--max-groups``)."""
    for api, option in _OPTION_WORDS:
        message = message.replace(api, option)
    # "pos_label=1" in the core's message is "--pos-label 1" here
    return re.sub(r"\bpos_label=(-?\d+)", r"--pos-label \1", message)


@magics_class
class AuditMagics(Magics):
    """``%pii_scan`` and ``%reid_risk``."""

    @property
    def _ip(self) -> InteractiveShell:
        """The shell the magics were registered with (`Magics.shell` is optional in its type)."""
        shell = self.shell
        if shell is None:
            raise UsageError("nbaudit's magics need an IPython shell: run %load_ext nbaudit.")
        return shell

    def _resolve(self, expression: str) -> object:
        if not expression:
            raise UsageError("Name a DataFrame, for example: %pii_scan df")
        shell = self._ip
        try:
            return shell.ev(expression)
        except NameError:
            raise UsageError(
                f"{expression!r} is not defined. Create or load the DataFrame first, "
                f"for example: df = pd.read_csv('data.csv')"
            ) from None
        except SyntaxError as exc:  # about the expression the user typed, not the data
            raise UsageError(f"Could not evaluate {expression!r}: {exc}") from None
        except Exception as exc:
            raise _usage_error(exc, f"Evaluating {expression!r}") from None

    @magic_arguments()
    @argument("frame", nargs="*", help="The DataFrame to scan (a variable or expression).")
    @argument("-o", "--output", help="Also store the PiiScan result in this variable.")
    @argument("--sample", type=int, default=None,
              help="Rows sampled per column to classify it (default 10,000; counts cover all).")
    @argument("--columns", default=None, help="Comma-separated columns to scan (default: all).")
    @argument("--entities", default=None,
              help="Comma-separated entities to look for, e.g. EMAIL_ADDRESS,PERSON.")
    @argument("--min-score", type=float, default=0.4,
              help="Minimum confidence (0-1) for a column to be labelled (default 0.4).")
    @argument("--seed", type=int, default=0, help="Seed of the row sample (default 0).")
    @argument("--report", action="store_true",
              help="Also insert the findings as a Markdown cell below (no click needed).")
    @line_magic
    def pii_scan(self, line: str) -> None:
        """Find the personal data in a DataFrame and show it in a widget.

        Shows a column inventory (entity, role, risk level, share, confidence, evidence,
        suggested handling) and a paged table of cells with PII highlighted and masked.

        Examples
        --------
        %pii_scan df
        %pii_scan df -o scan --sample 5000 --columns name,email,notes
        %pii_scan df --entities EMAIL_ADDRESS,PHONE_NUMBER --min-score 0.6
        """
        args = _parse(self.pii_scan, line)
        output = _output_name(args.output)
        frame = self._resolve(" ".join(args.frame))

        from .widgets import PiiScanWidget

        options = {
            "sample_size": args.sample,
            "columns": _split(args.columns),
            "entities": _split(args.entities),
            "min_score": args.min_score,
            "seed": args.seed,
        }
        from .pii.scan import check_scan_args

        try:  # before anything is displayed: bad input gets a message, not a dead widget
            check_scan_args(frame, **{k: v for k, v in options.items() if k != "seed"})
        except (TypeError, ValueError) as exc:
            raise _usage_error(exc, "Checking the scan's options") from None
        widget = PiiScanWidget(auto_export=args.report)
        widget.frame_name = " ".join(args.frame)  # the Re-identification tab's Reproduce code
        widget.start()
        display(widget)
        try:
            scan = widget.scan_frame(frame, **options)
        except (TypeError, ValueError) as exc:
            raise _usage_error(exc, "The scan") from None
        if output:
            self._ip.user_ns[output] = scan

    @magic_arguments()
    @argument("frame", nargs="*", help="The DataFrame (a variable or expression).")
    @argument("--qi", required=False, default=None,
              help="Comma-separated quasi-identifiers, e.g. age,zip,sex,dob.")
    @argument("--sensitive", default=None,
              help="Comma-separated sensitive attributes (l-diversity, t-closeness).")
    @argument("--k", type=int, default=5, help="The k to reach (default 5).")
    @argument("--max-suppression", type=float, default=0.04,
              help="Share of records that may be suppressed (default 0.04 = 4%%).")
    @argument("--population", type=int, default=None,
              help="Population size, for journalist and marketer risk.")
    @argument("--hierarchies", default=None,
              help="Generalization hierarchies: a variable holding a dict {column: Hierarchy, "
                   "DataFrame or dict}, or a folder of ARX hierarchy CSVs (<column>.csv or "
                   "<data>_hierarchy_<column>.csv).")
    @argument("-o", "--output", help="Also store the RiskAssessment in this variable.")
    @argument("--report", action="store_true",
              help="Also insert the findings as a Markdown cell below (no click needed).")
    @line_magic
    def reid_risk(self, line: str) -> None:
        """Re-identification risk of a DataFrame, with a generalization explorer.

        Shows k-anonymity, unique records, prosecutor/journalist/marketer risk, l-diversity
        and t-closeness, one control per quasi-identifier to generalize it, a suppression
        budget, a trade-off chart and a search for the best generalization. Without --qi,
        the quasi-identifiers suggested by a PII scan of the frame are used.

        Examples
        --------
        %reid_risk df --qi age,zip_code,sex,date_of_birth --sensitive health_condition
        %reid_risk df --qi age,zip --k 10 --max-suppression 0.02 -o risk
        %reid_risk adult --qi age,race,sex --hierarchies H
        %reid_risk adult --qi age,race,sex --hierarchies data/hierarchies/
        """
        args = _parse(self.reid_risk, line)
        expression = " ".join(args.frame)
        frame = self._resolve(expression)

        import pandas as pd

        from .widgets import ReidRiskWidget

        if not isinstance(frame, pd.DataFrame):
            raise UsageError(f"{expression!r} is a {type(frame).__name__}, not a pandas "
                             "DataFrame: %reid_risk needs one, e.g. %reid_risk df --qi age,zip")
        if args.output is not None and not args.output.isidentifier():
            raise UsageError(f"-o {args.output!r} is not a valid Python variable name.")
        qis = _split(args.qi)
        if args.qi is not None and not qis:
            raise UsageError("--qi names no column: give comma-separated column names, e.g. "
                             "--qi age,zip,sex")
        hierarchies, hierarchies_name = self._hierarchies(args.hierarchies)
        try:
            if not qis:
                from .pii.scan import scan_pii

                qis = scan_pii(frame).quasi_identifiers
                if not qis:
                    raise ValueError("No quasi-identifier was found in the frame: name them "
                                     "with --qi age,zip,...")
            widget = ReidRiskWidget.from_frame(
                frame, qis, _split(args.sensitive), hierarchies, population_size=args.population,
                k=args.k, max_suppression=args.max_suppression, frame_name=expression,
                hierarchies_name=hierarchies_name,
            )
        except Exception as exc:
            raise _usage_error(exc, "The risk assessment") from None
        widget.auto_export = args.report
        display(widget)
        if args.output:
            self._ip.user_ns[args.output] = widget.risk

    def _hierarchies(self, spec: str | None) -> tuple[Any, str | None]:
        """``--hierarchies``: a variable (a dict, or a path) or a folder path; returns what
        `assess_risk` takes and the variable's name for the Reproduce code."""
        if spec is None:
            return None, None
        text = spec.strip()
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
            text = text[1:-1]  # a quoted path
        elif text.isidentifier() and text in self._ip.user_ns:
            value = self._ip.user_ns[text]
            if isinstance(value, (str, pathlib.Path)):
                return value, None  # the code names the folder itself
            if not isinstance(value, dict):
                raise UsageError(f"--hierarchies {text} is a {type(value).__name__}: give a "
                                 "dict {column: Hierarchy, DataFrame or dict} or a folder of "
                                 "ARX hierarchy CSVs.")
            return value, text
        folder = pathlib.Path(text).expanduser()
        if not folder.is_dir():
            hint = (f"{text!r} is neither a variable nor a folder" if text.isidentifier()
                    else f"the folder {text!r} does not exist")
            raise UsageError(f"--hierarchies: {hint}. Give a variable holding a dict "
                             "{column: hierarchy} or a folder of ARX hierarchy CSVs named "
                             "<column>.csv or <data>_hierarchy_<column>.csv.")
        return str(folder), None

    @magic_arguments()
    @argument("inputs", nargs="*",
              help="A DataFrame, or a fitted model followed by X and y (three names).")
    @argument("--y-true", default=None, help="Column with the true outcomes (frame form).")
    @argument("--y-pred", default=None, help="Column with the model's decisions.")
    @argument("--score", default=None, help="Column with scores in [0, 1] (threshold controls).")
    @argument("--sensitive", required=False, default=None,
              help="Comma-separated sensitive columns (several give intersectional groups).")
    @argument("--pos-label", default=None, help="The positive outcome, if labels are not 0/1.")
    @argument("--threshold", type=float, default=0.5, help="Decision threshold (default 0.5).")
    @argument("--min-group-size", type=int, default=30,
              help="Groups smaller than this are flagged (default 30).")
    @argument("--bins", default="auto",
              help="auto (default): a numeric sensitive column with 20 or more distinct values "
                   "is cut into 5 quantile bins; N: numeric columns with more than N values "
                   "are cut into N quantile bins; none: never bin.")
    @argument("--positive-name", default=None,
              help="Your word for a positive decision, e.g. --positive-name 'high risk' "
                   "(default: positive decision).")
    @argument("--max-groups", type=int, default=None,
              help="The most groups allowed (default 100; 0: no limit).")
    @argument("-o", "--output", help="Also store the FairnessAudit in this variable.")
    @argument("--report", action="store_true",
              help="Also insert the findings as a Markdown cell below (no click needed).")
    @line_magic
    def fairness(self, line: str) -> None:
        """Per-group fairness metrics of a model's decisions, in a widget.

        Bars per group with 95% bootstrap intervals, the parity measures (demographic parity,
        disparate impact, equal opportunity, equalized odds) against their pass marks, a
        threshold slider when scores are given, and mitigation with fairlearn (fitted on half
        the rows, scored on the other half). A numeric sensitive column with 20 or more
        distinct values (an exact age) is cut into 5 quantile bins, and the widget says so
        (--bins N to choose, --bins none to keep the values); any other column with more than
        100 distinct values (an ID or an email by mistake) is refused (--max-groups to raise
        the limit). Labels such as 1/2: --pos-label 1. Your word for a positive decision:
        --positive-name "high risk".

        Examples
        --------
        %fairness df --y-true approved --y-pred pred --sensitive sex,race
        %fairness df --y-true approved --score proba --sensitive age_group
        %fairness df --y-true approved --score proba --sensitive age --bins 5
        %fairness df --y-true two_year_recid --score p --sensitive race --positive-name "high risk"
        %fairness model X_test y_test --sensitive sex
        """
        args = _parse(self.fairness, line)
        from .fairness import audit_model
        from .widgets.fairness import FairnessWidget

        output = _output_name(args.output)
        sensitive = _sensitive_names(args.sensitive)
        options = _fairness_options(args)
        estimator = features = None
        try:
            if len(args.inputs) == 3:
                estimator, features, y = (self._resolve(e) for e in args.inputs)
                audit = audit_model(estimator, features, y,
                                    sensitive_features=self._sensitive_columns(features,
                                                                               sensitive),
                                    pos_label=_pos_label(args.pos_label, y), **options)
            elif len(args.inputs) == 1:
                audit = self._audit_frame(args, sensitive, options)
            else:
                raise UsageError("Give a DataFrame (%fairness df --y-true ...) or a model, X "
                                 "and y (%fairness model X_test y_test --sensitive sex).")
        except Exception as exc:
            raise UsageError(_option_words(str(_usage_error(exc, "The fairness audit")))) \
                from None
        widget = FairnessWidget(audit, auto_export=args.report)
        widget.estimator, widget.features = estimator, features
        display(widget)
        if output:
            self._ip.user_ns[output] = audit

    def _audit_frame(self, args: argparse.Namespace, sensitive: list[str],
                     options: dict[str, Any]) -> FairnessAudit:
        """``%fairness df --y-true COL ...``: the columns named, audited."""
        import pandas as pd

        from .fairness import audit_fairness

        frame = self._resolve(args.inputs[0])
        if not isinstance(frame, pd.DataFrame):
            raise UsageError(f"{args.inputs[0]!r} is not a DataFrame. Use "
                             "%fairness df --y-true ... or %fairness model X y ...")
        if not args.y_true or not (args.y_pred or args.score):
            raise UsageError("Name the columns: --y-true COL and --y-pred COL "
                             "(or --score COL).")
        cols = [args.y_true, args.y_pred or args.score, *sensitive]
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise UsageError(f"No column {', '.join(map(quote_name, missing))}. "
                             f"Columns: {names_text(frame.columns)}.")
        return audit_fairness(
            frame[args.y_true], frame[args.y_pred] if args.y_pred else None,
            y_score=frame[args.score] if args.score else None,
            sensitive_features=frame[sensitive],
            pos_label=_pos_label(args.pos_label, frame[args.y_true]), **options)

    def _sensitive_columns(self, features: object, names: list[str]) -> dict[str, object]:
        """The sensitive features of the model form: columns of X, else variables.

        A dict, so that audit_fairness pairs each with the labels (by index for pandas
        objects) and reports a mismatch by name."""
        import pandas as pd

        out: dict[str, object] = {}
        for name in names:
            if isinstance(features, pd.DataFrame) and name in features.columns:
                out[name] = features[name]
                continue
            if name not in self._ip.user_ns:
                where = "X" if isinstance(features, pd.DataFrame) else "the namespace"
                raise UsageError(f"No column {quote_name(name)} in {where} and no variable of "
                                 "that name: --sensitive names columns of X, or variables "
                                 "holding one value per row of X.")
            out[name] = self._resolve(name)
        return out

    @magic_arguments()
    @argument("frame", nargs="*", help="The DataFrame (a variable or expression).")
    @argument("--by", default=None, help="Comma-separated group columns, e.g. age_band,country.")
    @argument("--count", action="store_true", help="Release the number of rows per group.")
    @argument("--sum", action="append", default=[], metavar="COL:LO:HI",
              help="A clamped sum, e.g. --sum spend:0:500 (repeatable).")
    @argument("--mean", action="append", default=[], metavar="COL:LO:HI",
              help="A clamped mean, e.g. --mean age:18:90 (repeatable).")
    @argument("--unit", default=None,
              help="Column identifying the unit of privacy (e.g. user_id; default: a row).")
    @argument("--contributions", type=int, default=1,
              help="The most rows of one unit used (default 1).")
    @argument("--epsilon-total", type=float, required=False, default=None,
              help="The session's total epsilon budget (required).")
    @argument("--delta", type=float, default=0.0,
              help="The total delta (spent only to release private group keys).")
    @argument("--epsilon", type=float, default=None,
              help="Where the epsilon slider starts (default: a quarter of the total).")
    @argument("--keys", action="append", default=[], metavar="COL=V1|V2",
              help="Public group keys of a --by column, e.g. --keys country=DE|FR (repeatable)."
                   " Without them keys are released privately with a threshold.")
    @argument("--group-size", type=float, default=None,
              help="A public guess of a group's size (the error of a mean depends on it).")
    @argument("--session", default=None, help="Also store the dp.Session in this variable.")
    @argument("-o", "--output", help="Store each released (noisy) table in this variable.")
    @argument("--report", action="store_true",
              help="Also insert the report as a Markdown cell below (no click needed).")
    @line_magic
    def dp(self, line: str) -> None:
        """A differential-privacy explorer: choose the budget, see the utility, release.

        Shows a log-scale epsilon slider, the expected 95% error of each aggregate (from the
        noise scale: nothing is computed on the data before a release), the privacy-utility
        curve, accuracy targets, the budget ledger and a Release button that spends the budget
        once and shows the noisy table with error bars (OpenDP draws the noise).

        Examples
        --------
        %dp df --by age_band,country --count --sum spend:0:500 --mean age:18:90 --unit user_id --contributions 3 --epsilon-total 2 --delta 1e-6
        %dp df --by country --keys country=DE|FR|ES --count --epsilon-total 1 -o released
        """  # noqa: E501
        args = _parse(self.dp, line)
        output = _output_name(args.output)
        session_name = _output_name(args.session)
        frame = self._resolve(" ".join(args.frame))

        import pandas as pd

        from .dp import Session
        from .widgets.dp import DPWidget

        if not isinstance(frame, pd.DataFrame):
            raise UsageError(f"{' '.join(args.frame)!r} is a {type(frame).__name__}, not a "
                             "pandas DataFrame: %dp needs one.")
        if args.epsilon_total is None:
            raise UsageError("Give the session's budget: --epsilon-total 2 (agreed with your "
                             "legal and risk teams).")

        def bounds(specs: list[str], option: str) -> dict[str, tuple[float, float]]:
            out: dict[str, tuple[float, float]] = {}
            for spec in specs:
                col, _, rest = spec.rpartition(":")
                col, _, lo = col.rpartition(":")
                try:
                    if not col:
                        raise ValueError
                    out[col] = (float(lo), float(rest))
                except ValueError:
                    raise UsageError(f"{option} {spec!r}: give {option} COL:LO:HI, e.g. "
                                     f"{option} spend:0:500 (the clamping bounds).") from None
            return out

        sums, means = bounds(args.sum, "--sum"), bounds(args.mean, "--mean")
        keys: dict[str, list[str]] = {}
        for spec in args.keys:
            col, sep, values = spec.partition("=")
            if not sep or not col.strip() or not values.strip():
                raise UsageError(f"--keys {spec!r}: give --keys COLUMN=V1|V2|..., e.g. "
                                 "--keys country=DE|FR.")
            keys[col.strip()] = [v for v in values.split("|") if v != ""]
        try:
            session = Session(frame, epsilon_total=args.epsilon_total, delta=args.delta,
                              unit=args.unit, contributions=args.contributions)
            query = session.query(_split(args.by) or [], count=args.count, sums=sums,
                                  means=means, keys=keys or None)
            for col, values in keys.items():  # "1|2" names the numbers of a numeric column
                if col in frame.columns and pd.api.types.is_numeric_dtype(frame[col].dtype):
                    keys[col] = list(pd.to_numeric(pd.Series(values), errors="coerce"))
            from .dp._session import check_epsilon

            epsilon = check_epsilon(args.epsilon if args.epsilon is not None
                                    else session.epsilon_total / 4)
            widget = DPWidget(epsilon=epsilon, group_size=args.group_size or 0.0,
                              output_name=output or "", auto_export=args.report)
            widget.show(query)
            if widget.status == "error":
                raise ValueError(widget.error)
        except Exception as exc:
            raise _usage_error(exc, "The DP query") from None
        display(widget)
        if session_name:
            self._ip.user_ns[session_name] = session
