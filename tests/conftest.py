"""Shared fixtures: Faker frames (an independent generator) and the shared datasets."""

from __future__ import annotations

import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))  # frames.py: Faker test frames shared with bench/
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def faker_df():
    from frames import faker_frame

    return faker_frame(1_500, seed=1)


@pytest.fixture(scope="session")
def shop_df():
    from nbaudit import datasets

    return datasets.ecommerce(800, seed=3)


@pytest.fixture(scope="session")
def shell():
    """One IPython shell for the session, with nbaudit's magics loaded."""
    import IPython
    from IPython.testing.globalipapp import start_ipython

    ip = start_ipython() or IPython.get_ipython()
    ip.run_line_magic("load_ext", "nbaudit")
    return ip


def recording(widget):
    """Keep the messages a widget sends to the browser in `widget.sent` (no comm needed)."""
    widget.sent = []
    widget.send = lambda content, buffers=None: widget.sent.append(content)
    return widget
