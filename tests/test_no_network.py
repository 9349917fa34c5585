"""The autouse `no_network` guard (tests/conftest.py): no test layer but the browser one may
reach anything beyond loopback."""

from __future__ import annotations

import contextlib
import socket
import urllib.request

import pytest
from conftest import NetworkBlockedError

TEST_NET = ("203.0.113.1", 80)  # TEST-NET-3 (RFC 5737): never routed


def test_connect_to_a_remote_address_raises(no_network):
    blocked = r"network access blocked in tests: .*203\.0\.113\.1"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        with pytest.raises(NetworkBlockedError, match=blocked):
            s.connect(TEST_NET)
        with pytest.raises(NetworkBlockedError, match=blocked):
            s.connect_ex(TEST_NET)
    with (socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s,
          pytest.raises(NetworkBlockedError, match=blocked)):
        s.sendto(b"x", TEST_NET)
    with pytest.raises(NetworkBlockedError, match=blocked):
        socket.create_connection(TEST_NET, timeout=1)
    with pytest.raises(NetworkBlockedError, match="example.com"):
        socket.getaddrinfo("example.com", 443)
    with pytest.raises(OSError, match=r"203\.0\.113\.1"):  # urllib wraps it in URLError
        urllib.request.urlopen("http://203.0.113.1/", timeout=1)
    with (socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s,
          pytest.raises(NetworkBlockedError, match="2001:db8::1")):
        s.connect(("2001:db8::1", 80, 0, 0))
    # every attempt is recorded: the fixture fails a test that swallowed the error
    assert len(no_network.attempts) == 7
    assert all("203.0.113.1" in a or "example.com" in a or "2001:db8::1" in a
               for a in no_network.attempts)
    no_network.attempts.clear()  # made on purpose: do not fail this test


def test_a_swallowed_attempt_is_still_recorded(no_network):
    with contextlib.suppress(OSError):  # code that hides being offline
        socket.create_connection(TEST_NET, timeout=1)
    # the fixture's teardown would fail the test with this list
    assert no_network.attempts == ["socket.create_connection -> ('203.0.113.1', 80)"]
    no_network.attempts.clear()


def test_loopback_and_unix_sockets_are_allowed(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        for host in ("127.0.0.1", "localhost"):
            with socket.create_connection((host, port), timeout=5):
                conn, _ = server.accept()
                conn.close()
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
            client.connect(("127.0.0.1", port))
            server.accept()[0].close()
    assert socket.getaddrinfo("localhost", port)
    assert socket.getaddrinfo(None, 0)
    path = str(tmp_path / "s.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen(1)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(path)


def test_the_browser_layer_opts_out(request):
    from conftest import _network_exempt

    assert not _network_exempt(request.node)
    browser = [i for i in request.session.items if "tests/browser/" in i.nodeid]
    for item in browser:  # present when the whole suite is collected
        assert _network_exempt(item), item.nodeid
