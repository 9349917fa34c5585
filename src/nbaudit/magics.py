"""IPython magics: parse the line, resolve the variable, call the core, show the widget."""

from __future__ import annotations

from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


@magics_class
class AuditMagics(Magics):
    """``%pii_scan`` and ``%reid_risk``."""

    def _resolve(self, expression: str) -> Any:
        if not expression:
            raise UsageError("Name a DataFrame, for example: %pii_scan df")
        try:
            return self.shell.ev(expression)
        except NameError:
            raise UsageError(
                f"{expression!r} is not defined. Create or load the DataFrame first, "
                f"for example: df = pd.read_csv('data.csv')"
            ) from None
        except Exception as exc:
            raise UsageError(f"Could not evaluate {expression!r}: {exc}") from None

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
        try:
            args = parse_argstring(self.pii_scan, line)
        except (UsageError, SystemExit) as exc:  # SystemExit: argparse's "bad option"
            raise UsageError(
                f"Could not parse {line!r}: {exc}. See %pii_scan? for the options."
            ) from None
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
            raise UsageError(str(exc)) from None
        widget = PiiScanWidget()
        widget.start()
        display(widget)
        try:
            scan = widget.scan_frame(frame, **options)
        except (TypeError, ValueError) as exc:
            raise UsageError(str(exc)) from None
        if args.output:
            self.shell.user_ns[args.output] = scan

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
    @argument("-o", "--output", help="Also store the RiskAssessment in this variable.")
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
        """
        try:
            args = parse_argstring(self.reid_risk, line)
        except (UsageError, SystemExit) as exc:
            raise UsageError(
                f"Could not parse {line!r}: {exc}. See %reid_risk? for the options."
            ) from None
        frame = self._resolve(" ".join(args.frame))

        from .widgets import ReidRiskWidget

        qis = _split(args.qi)
        try:
            if not qis:
                from .pii.scan import scan_pii

                qis = scan_pii(frame).quasi_identifiers
                if not qis:
                    raise ValueError("No quasi-identifier was found in the frame: name them "
                                     "with --qi age,zip,...")
            widget = ReidRiskWidget.from_frame(
                frame, qis, _split(args.sensitive), population_size=args.population,
                k=args.k, max_suppression=args.max_suppression,
            )
        except (TypeError, ValueError) as exc:
            raise UsageError(str(exc)) from None
        display(widget)
        if args.output:
            self.shell.user_ns[args.output] = widget.risk
