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
    """Keep the messages a widget sends to the browser in `widget.sent` (no comm needed).

    ipywidgets' lowest layer is replaced, so that what is kept has passed every layer above
    it, the egress gate included."""
    widget.sent = []

    def _send(msg, buffers=None):
        if msg.get("method") == "custom":
            widget.sent.append(msg["content"])

    widget._send = _send
    return widget


# --- no network -----------------------------------------------------------------------------
# Nothing at run time and no test may touch the network (README, "Two commands"). Every test
# layer but the browser one (tests/browser/ or marked `browser`: a local Jupyter server and
# Chromium, which block non-loopback requests themselves) runs with Python's socket layer
# guarded: connect/connect_ex/sendto on a socket, socket.create_connection and
# socket.getaddrinfo may only reach AF_UNIX sockets and the loopback interface (127.0.0.0/8,
# ::1, "localhost"). Anything else raises `NetworkBlockedError` (an OSError, as if offline, so
# code that handles being offline is exercised) *and* is recorded, and the test fails in
# teardown even if the code under test swallowed the error. ZMQ (the kernels nbclient starts)
# connects in C over loopback and is not affected.
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
# getaddrinfo/bind hosts that name no remote machine
_LOCAL_HOSTS = LOOPBACK_NAMES | {"", "0.0.0.0", "::"}


class NetworkBlockedError(OSError):
    """A test tried to reach a non-loopback address."""


class NetworkGuard:
    """Patches the socket module once per session; `active` says whether it refuses."""

    def __init__(self) -> None:
        self.active = False
        self.attempts: list[str] = []  # "what -> address", recorded while active
        self._saved: dict[str, object] = {}

    # -- the rule --------------------------------------------------------------------------
    @staticmethod
    def _is_local(host: object) -> bool:
        import ipaddress

        if host is None:
            return True
        if isinstance(host, bytes):
            host = host.decode(errors="replace")
        name = str(host).strip().lower().rstrip(".")
        if name in _LOCAL_HOSTS:
            return True
        try:
            return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
        except ValueError:
            return False  # any other host name would need a DNS lookup

    def _allowed(self, family: int, address: object) -> bool:
        import socket

        if family == getattr(socket, "AF_UNIX", object()):
            return True
        if family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
            return self._is_local(address[0])
        return False

    def refuse(self, what: str, address: object) -> None:
        attempt = f"{what} -> {address!r}"
        self.attempts.append(attempt)
        raise NetworkBlockedError(
            f"network access blocked in tests: {attempt}. No test may touch the network "
            "(tests/conftest.py, NetworkGuard); only AF_UNIX and loopback are allowed."
        )

    # -- patching --------------------------------------------------------------------------
    def install(self) -> None:
        import socket

        if self._saved:
            return
        guard = self
        cls = socket.socket
        saved = {"connect": cls.connect, "connect_ex": cls.connect_ex, "sendto": cls.sendto,
                 "create_connection": socket.create_connection,
                 "getaddrinfo": socket.getaddrinfo}
        self._saved = saved

        def connect(sock, address):
            if guard.active and not guard._allowed(sock.family, address):
                guard.refuse("socket.connect", address)
            return saved["connect"](sock, address)

        def connect_ex(sock, address):
            if guard.active and not guard._allowed(sock.family, address):
                guard.refuse("socket.connect_ex", address)
            return saved["connect_ex"](sock, address)

        def sendto(sock, data, *args):
            address = args[-1] if args else None
            if guard.active and not guard._allowed(sock.family, address):
                guard.refuse("socket.sendto", address)
            return saved["sendto"](sock, data, *args)

        def create_connection(address, *args, **kwargs):
            if guard.active and not guard._is_local(address[0]):
                guard.refuse("socket.create_connection", address)
            return saved["create_connection"](address, *args, **kwargs)

        def getaddrinfo(host, port, *args, **kwargs):
            if guard.active and not guard._is_local(host):
                guard.refuse("socket.getaddrinfo", (host, port))
            return saved["getaddrinfo"](host, port, *args, **kwargs)

        cls.connect = connect
        cls.connect_ex = connect_ex
        cls.sendto = sendto
        socket.create_connection = create_connection
        socket.getaddrinfo = getaddrinfo

    def uninstall(self) -> None:
        import socket

        if not self._saved:
            return
        for name in ("connect", "connect_ex", "sendto"):
            setattr(socket.socket, name, self._saved[name])
        socket.create_connection = self._saved["create_connection"]
        socket.getaddrinfo = self._saved["getaddrinfo"]
        self._saved = {}
        self.active = False


NETWORK_GUARD = NetworkGuard()


def _network_exempt(item: pytest.Item) -> bool:
    """The browser layer opts out: its own server and Chromium guard the network."""
    browser_dir = pathlib.Path(__file__).resolve().parent / "browser"
    return item.get_closest_marker("browser") is not None or browser_dir in (
        pathlib.Path(str(item.path)).resolve().parents)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Before any fixture of the test is set up, session-scoped ones included.
    NETWORK_GUARD.active = not _network_exempt(item)


@pytest.fixture(scope="session", autouse=True)
def _network_guard_installed():
    NETWORK_GUARD.install()
    yield
    NETWORK_GUARD.uninstall()


@pytest.fixture(autouse=True)
def no_network(request: pytest.FixtureRequest):
    """Autouse: fail the test if it tried to reach a non-loopback address (see NetworkGuard).

    Yields the guard, so that a test can check (and clear) `attempts` it made on purpose.
    """
    NETWORK_GUARD.active = not _network_exempt(request.node)
    NETWORK_GUARD.attempts.clear()
    yield NETWORK_GUARD
    attempts, NETWORK_GUARD.attempts = list(NETWORK_GUARD.attempts), []
    if attempts:
        pytest.fail("the test tried to reach the network (blocked): " + "; ".join(attempts),
                    pytrace=False)
