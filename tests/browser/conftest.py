"""Real-browser fixtures: one JupyterLab server and one system Chromium for the session.

* Skipped, with a reason, when Playwright or /usr/bin/chromium (or ``$NBAUDIT_CHROMIUM``) is
  missing; under CI (env var ``CI`` set and not false) the same situation fails instead, so a
  skip never hides a failure.
* The server runs from this virtualenv (``sys.executable -m jupyter lab``) in its own process
  group, with a fresh root, workspaces, user-settings and app-settings dir (the latter holds the
  ``overrides.json`` that turns off the news toast and update checks), token auth and
  ``window.jupyterapp`` exposed. Its log goes to ``test-artifacts/jupyter-lab.log``.
* Each test gets a fresh page and a fresh copy of the notebook; on failure a screenshot and the
  page's console messages land in ``test-artifacts/``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
NOTEBOOK = REPO / "notebooks" / "01_pii_scan.ipynb"
BUNDLE = REPO / "src" / "nbaudit" / "static" / "pii_scan.js"
CHROMIUM = Path(os.environ.get("NBAUDIT_CHROMIUM", "/usr/bin/chromium"))  # override: other distros
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
SERVER_START_TIMEOUT = 90  # s
NEWS_OFF = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # save widget state with the notebook, so a test can check that no raw value is written
    "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True},
}

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no", "off")


def _skip_or_fail(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"{reason} (CI is set: browser tests must run there, not skip)")
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]):
    """Keep each phase's report on the item, so fixtures know whether the test failed."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser_requirements() -> None:
    """Skip (or, under CI, fail) when the browser stack is missing."""
    if importlib.util.find_spec("playwright") is None:
        _skip_or_fail("Python package 'playwright' is not installed")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _skip_or_fail(f"{CHROMIUM} is missing (apt-get install chromium)")
    if not BUNDLE.is_file():  # a missing build is a real failure, never a skip
        pytest.fail(f"{BUNDLE.relative_to(REPO)} is missing: run `npm run build` at the repo root")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    for stale in ARTIFACTS.glob("FAILED_*"):  # from an earlier run: they would mislead
        stale.unlink()
    return ARTIFACTS


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    """A running JupyterLab: where it is, how to talk to it."""

    port: int
    token: str
    root_dir: Path
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def api(self, method: str, path: str, body: Any = None, timeout: float = 30) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"{self.base_url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def shutdown_sessions(self, path: str | None = None) -> None:
        """Shut down the kernels of `path` (all when None), so idle kernels do not pile up."""
        with contextlib.suppress(OSError, ValueError):
            for s in self.api("GET", "/api/sessions"):
                if path is None or s.get("path") == path:
                    with contextlib.suppress(OSError):
                        self.api("DELETE", f"/api/sessions/{s['id']}")

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no server log)"
        return "\n".join(lines[-n:])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)  # the server stops its kernels on SIGTERM
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def lab_server(
    browser_requirements: None, tmp_path_factory: pytest.TempPathFactory, artifacts: Path
) -> Iterator[LabServer]:
    base = tmp_path_factory.mktemp("lab")
    dirs = {
        name: base / name
        for name in ("root", "workspaces", "user-settings", "app/settings", "config", "runtime")
    }
    for d in dirs.values():
        d.mkdir(parents=True)
    (dirs["app/settings"] / "overrides.json").write_text(json.dumps(NEWS_OFF, indent=2))
    shutil.copy(NOTEBOOK, dirs["root"] / NOTEBOOK.name)

    token = secrets.token_hex(24)
    port = _free_port()
    log_path = artifacts / "jupyter-lab.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={dirs['root']}",
        f"--LabApp.workspaces_dir={dirs['workspaces']}",
        f"--LabApp.user_settings_dir={dirs['user-settings']}",
        # overrides.json is read from the app settings dir; a temp one leaves the venv untouched
        f"--LabApp.app_settings_dir={dirs['app/settings']}",
        "--LabApp.expose_app_in_browser=True",
        # the same server also serves Notebook 7 (/notebooks/...): expose its app too
        "--JupyterNotebookApp.expose_app_in_browser=True",
    ]
    env = {
        **os.environ,
        # no user-level Jupyter config, runtime files or IPython profile leak in or out
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "IPYTHONDIR": str(base / "ipython"),
        "PYTHONUNBUFFERED": "1",
    }
    # the kernel must run this checkout's venv: put it first on PATH
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=dirs["root"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LabServer(port=port, token=token, root_dir=dirs["root"], log_path=log_path)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"jupyter lab exited with code {proc.returncode}; log {log_path}:\n"
                    f"{server.log_tail()}"
                )
            try:
                server.api("GET", "/api/status", timeout=2)
                break
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"jupyter lab not ready after {SERVER_START_TIMEOUT} s; log {log_path}:\n"
                    f"{server.log_tail()}"
                )
            time.sleep(0.3)
        # the overrides really apply (no news toast covering the notebook in screenshots)
        notif = server.api("GET", "/lab/api/settings/@jupyterlab/apputils-extension:notification")
        defaults = {k: v.get("default") for k, v in notif["schema"]["properties"].items()}
        assert defaults["fetchNews"] == "false", defaults
        assert defaults["checkForUpdates"] is False, defaults
        yield server
    finally:
        server.shutdown_sessions()
        _stop(proc)


@pytest.fixture(scope="session")
def browser(browser_requirements: None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _safe_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::")[-1]).strip("_")


@pytest.fixture
def page(browser: Any, artifacts: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh context and page; console messages and page errors are recorded on it."""
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    console: list[str] = []
    pg.on("console", lambda m: console.append(f"[{m.type}] {m.text}"))
    pg.on("pageerror", lambda e: console.append(f"[pageerror] {e}"))
    pg.console_log = console  # read by the tests
    try:
        yield pg
    finally:
        reports = request.node.stash.get(_REPORTS, {})
        if any(r.failed for r in reports.values()):
            name = _safe_name(request.node.nodeid)
            with contextlib.suppress(Exception):
                pg.screenshot(path=str(artifacts / f"FAILED_{name}.png"), timeout=10_000)
            (artifacts / f"FAILED_{name}.console.log").write_text("\n".join(console) + "\n")
        context.close()


@pytest.fixture
def notebook_copy(lab_server: LabServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh copy of the demo notebook in the server root; its kernel is shut down after."""
    name = f"{_safe_name(request.node.nodeid)}.ipynb"
    shutil.copy(NOTEBOOK, lab_server.root_dir / name)
    yield name
    lab_server.shutdown_sessions(name)


@pytest.fixture
def notebook_named(lab_server: LabServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Copy a demo notebook (by file name) into the server root, per test; kernels shut after."""
    made: list[str] = []

    def copy(source: str) -> str:
        name = f"{_safe_name(request.node.nodeid)}.ipynb"
        shutil.copy(REPO / "notebooks" / source, lab_server.root_dir / name)
        made.append(name)
        return name

    yield copy
    for name in made:
        lab_server.shutdown_sessions(name)
