"""The sdist and wheel a release would get are complete.

`make wheel` (a prerequisite of `make test`) runs `python -m build` on a copy of the files git
knows about: the sdist, then the wheel built from that sdist, in isolated environments. These
tests read dist/ and never use the network: the wheel is installed with `--no-index --no-deps`
into a temporary prefix, and Jupyter is pointed at that prefix only.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys
import sysconfig
import tarfile
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
SRC = ROOT / "src" / "nbaudit"
LABEXT = "nbaudit-jupyterlab"
BUNDLES = ("pii_scan.js", "reid_risk.js", "fairness.js", "dp.js", "styles.css")
STALE = "dist/ is older than the sources: run `make wheel` (make test does)"


def _newest(pattern: str) -> pathlib.Path | None:
    found = sorted(DIST.glob(pattern), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


@pytest.fixture(scope="module")
def wheel() -> pathlib.Path:
    path = _newest("nbaudit-*.whl")
    if path is None:
        pytest.skip("dist/ holds no nbaudit wheel: run `make wheel` (make test does)")
    return path


@pytest.fixture(scope="module")
def sdist() -> pathlib.Path:
    path = _newest("nbaudit-*.tar.gz")
    if path is None:
        pytest.skip("dist/ holds no nbaudit sdist: run `make wheel` (make test does)")
    return path


@pytest.fixture(scope="module")
def wheel_names(wheel: pathlib.Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


def _labext_dir(names: set[str]) -> str:
    prefixes = {n.split("/share/")[0] for n in names if "/share/jupyter/labextensions/" in n}
    assert len(prefixes) == 1, f"expected one .data/data/share tree in the wheel, got {prefixes}"
    return f"{prefixes.pop()}/share/jupyter/labextensions/{LABEXT}"


def test_wheel_has_the_widget_bundles_and_py_typed(wheel_names):
    for bundle in BUNDLES:
        assert f"nbaudit/static/{bundle}" in wheel_names, f"{bundle} missing from the wheel"
    assert "nbaudit/py.typed" in wheel_names


def test_wheel_has_the_prebuilt_labextension(wheel, wheel_names):
    base = _labext_dir(wheel_names)
    assert f"{base}/package.json" in wheel_names
    assert f"{base}/static/style.js" in wheel_names
    with zipfile.ZipFile(wheel) as zf:
        meta = json.loads(zf.read(f"{base}/package.json"))
    assert meta["name"] == LABEXT
    # The entry point the built package.json names (static/remoteEntry.<hash>.js) is shipped.
    load = meta["jupyterlab"]["_build"]["load"]
    assert f"{base}/{load}" in wheel_names, f"{load} missing from the wheel"
    statics = [n for n in wheel_names if n.startswith(f"{base}/static/") and n.endswith(".js")]
    assert len(statics) >= 2
    # Shipped once, under share/jupyter, not a second time inside the Python package.
    assert not any(n.startswith("nbaudit/labextension/") for n in wheel_names)


def test_wheel_has_every_module_and_data_file(wheel_names):
    # Every Python module and every package data file of the source tree (the name lexicons
    # under nbaudit/pii/data/ among them) is in the wheel.
    expected = set()
    for path in SRC.rglob("*"):
        rel = path.relative_to(SRC.parent).as_posix()
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        if rel.startswith(("nbaudit/static/", "nbaudit/labextension/")):
            continue  # build output, checked above
        if path.suffix == ".py" or rel.startswith("nbaudit/pii/data/"):
            expected.add(rel)
    missing = sorted(expected - wheel_names)
    assert not missing, f"missing from the wheel: {missing} ({STALE}?)"


def test_wheel_carries_no_sources_of_the_javascript_build(wheel_names):
    leaked = [n for n in wheel_names
              if "node_modules/" in n or n.endswith((".ts", ".tsbuildinfo", ".map"))]
    assert not leaked, leaked[:10]


def test_sdist_has_the_build_inputs_and_no_node_modules(sdist):
    with tarfile.open(sdist) as tf:
        names = tf.getnames()
    top = names[0].split("/")[0]
    rel = {n[len(top) + 1:] for n in names if n.startswith(f"{top}/")}
    assert not [n for n in rel if "node_modules" in n.split("/")], "node_modules in the sdist"
    assert not [n for n in rel if n.startswith("labextension/lib/") or n.endswith(".tsbuildinfo")]
    needed = {
        "pyproject.toml", "package.json", "package-lock.json", "tsconfig.json",
        "labextension/package.json", "labextension/package-lock.json",
        "labextension/tsconfig.json", "labextension/src/index.ts",
    }
    needed |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "js").glob("*.ts")}
    needed |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "js").glob("*.css")}
    missing = sorted(needed - rel)
    assert not missing, f"missing from the sdist: {missing}"


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> pathlib.Path:
    """The wheel installed (offline, no dependencies) into a fresh prefix.

    `--ignore-installed` matters: with `--prefix` alone pip first uninstalls the nbaudit of the
    running environment (the editable install of `make setup`).
    """
    prefix = tmp_path_factory.mktemp("prefix")
    before = _installed_nbaudit()
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
         "--ignore-installed", "--no-cache-dir", "--disable-pip-version-check",
         "--prefix", str(prefix), str(wheel)],
        check=True, capture_output=True, text=True,
    )
    assert _installed_nbaudit() == before, "installing into the prefix changed this environment"
    return prefix


def _installed_nbaudit() -> str | None:
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution("nbaudit")
    except PackageNotFoundError:
        return None
    return str(dist.locate_file(""))


def _jupyter_env(prefix: pathlib.Path) -> dict[str, str]:
    share = prefix / "share" / "jupyter"
    env = dict(os.environ)
    env.update(JUPYTER_PATH=str(share), JUPYTER_DATA_DIR=str(share),
               JUPYTER_CONFIG_DIR=str(prefix / "jupyter-config"))
    env.pop("JUPYTER_PREFER_ENV_PATH", None)
    return env


def test_installed_wheel_enables_the_labextension(installed):
    pytest.importorskip("jupyterlab")
    jupyter = pathlib.Path(sys.executable).with_name("jupyter")
    out = subprocess.run(
        [str(jupyter), "labextension", "list"], env=_jupyter_env(installed),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120, check=False,
    ).stdout
    out = re.sub(r"\x1b\[[0-9;]*m", "", out)
    # `labextension list` prints each directory, then the extensions found in it.
    here = str(installed / "share" / "jupyter" / "labextensions")
    sections: dict[str, list[str]] = {}
    current = None
    for line in out.splitlines():
        if line.strip() and not line[0].isspace():
            current = line.strip()
            sections[current] = []
        elif current is not None and line.strip():
            sections[current].append(line.strip())
    assert here in sections, f"{here} not listed:\n{out}"
    assert any(re.match(rf"{LABEXT}\b.*\benabled\b", ext) for ext in sections[here]), out


def test_installed_wheel_imports_and_scans_from_its_own_files(installed):
    site = sysconfig.get_path("purelib", vars={"base": str(installed), "platbase": str(installed)})
    code = (
        "import pathlib, sys, pandas as pd, nbaudit\n"
        "here = pathlib.Path(nbaudit.__file__).resolve()\n"
        "assert here.is_relative_to(pathlib.Path(sys.argv[1]).resolve()), here\n"
        "for b in ('pii_scan.js', 'reid_risk.js', 'fairness.js', 'styles.css'):\n"
        "    assert (here.parent / 'static' / b).stat().st_size > 0, b\n"
        "df = pd.DataFrame({'name': ['Mary Smith', 'John Miller', 'Linda Garcia'] * 10,\n"
        "                   'email': ['a.b@example.com', 'c@example.org', 'x@y.net'] * 10})\n"
        "inv = nbaudit.scan_pii(df).inventory\n"
        "assert len(inv) == 2, inv\n"
    )
    env = dict(os.environ, PYTHONPATH=site, TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS="")
    result = subprocess.run([sys.executable, "-c", code, str(installed)], env=env,
                            cwd=installed, capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr[-3000:]
