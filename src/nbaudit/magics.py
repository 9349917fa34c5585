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
    """``%pii_scan``."""

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
