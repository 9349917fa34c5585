"""``python -m nbaudit.cli``: the same as the ``nbaudit`` command."""

from . import main

raise SystemExit(main())
