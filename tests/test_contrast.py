"""Colour contrast of the widgets' stylesheet in light and dark themes (issue 12, point 13).

WCAG 2.1 AA asks 4.5:1 for text (1.4.3) and 3:1 for the graphics that carry data (1.4.11).
`js/styles.css` takes its colours from the front end's theme variables (JupyterLab and
Notebook 7 ``--jp-*``, VS Code ``--vscode-*``) with fallbacks (Colab, nbconvert). This test
evaluates every colour rule of the stylesheet the way a browser would, with a small evaluator
(custom properties with fallbacks, ``color-mix(in srgb, ...)``, hex, rgb/rgba, alpha composited
over the background), in five environments:

* JupyterLab Light and JupyterLab Dark, with the variables read from the themes installed in
  this environment (hard-coded copies when they are missing);
* VS Code Light+ and Dark+ (their variables, hard-coded);
* no theme at all (Colab, nbconvert): every fallback.

Each text colour (``color``, and ``fill`` of SVG text) is checked against the background it
is drawn on: its rule's own background if it has one, else the widget's (``--nba-bg``), and for
the neutral text colours (``--nba-fg``, ``--nba-muted``) the header and sticky-column background
(``--nba-bg2``) too. The browser test (``tests/browser/test_themes.py``) measures the rendered
elements themselves with ``getComputedStyle``.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CSS = REPO / "js" / "styles.css"
THEMES = Path(sys.prefix) / "share" / "jupyter" / "lab" / "themes" / "@jupyterlab"

TEXT_AA = 4.5
GRAPHICS_AA = 3.0

Color = tuple[float, float, float, float]  # r, g, b in 0-255, alpha 0-1

# JupyterLab 4's values, for when the themes are not installed (a docs-only checkout).
_LAB_LIGHT = {
    "--jp-layout-color0": "white", "--jp-layout-color1": "white",
    "--jp-layout-color2": "#eee", "--jp-ui-font-color0": "#000",
    "--jp-ui-font-color1": "rgba(0,0,0,.87)", "--jp-ui-font-color2": "rgba(0,0,0,.54)",
    "--jp-content-font-color0": "#000", "--jp-border-color2": "#e0e0e0",
    "--jp-brand-color1": "#1976d2", "--jp-error-color0": "#b71c1c",
    "--jp-error-color1": "#d32f2f", "--jp-warn-color0": "#e65100",
    "--jp-success-color0": "#1b5e20", "--jp-ui-inverse-font-color0": "#fff",
}
_LAB_DARK = {
    "--jp-layout-color0": "#111", "--jp-layout-color1": "#212121",
    "--jp-layout-color2": "#424242", "--jp-ui-font-color0": "#fff",
    "--jp-ui-font-color1": "rgba(255,255,255,.87)",
    "--jp-ui-font-color2": "rgba(255,255,255,.54)", "--jp-content-font-color0": "#fff",
    "--jp-border-color2": "#424242", "--jp-brand-color1": "#2196f3",
    "--jp-error-color0": "#d32f2f", "--jp-error-color1": "#f44336",
    "--jp-warn-color0": "#f57c00", "--jp-success-color0": "#388e3c",
    "--jp-ui-inverse-font-color0": "#000",
}
# VS Code's default themes (Light+ / Dark+), the variables the stylesheet falls back to.
VSCODE_LIGHT = {
    "--vscode-editor-background": "#ffffff", "--vscode-editor-foreground": "#000000",
    "--vscode-descriptionForeground": "#717171", "--vscode-editorWidget-background": "#f3f3f3",
    "--vscode-editorWidget-border": "#c8c8c8", "--vscode-button-background": "#007acc",
    "--vscode-button-foreground": "#ffffff", "--vscode-errorForeground": "#a1260d",
    "--vscode-editorWarning-foreground": "#bf8803",
    "--vscode-testing-iconPassed": "#388a34", "--vscode-textLink-foreground": "#006ab1",
}
VSCODE_DARK = {
    "--vscode-editor-background": "#1e1e1e", "--vscode-editor-foreground": "#d4d4d4",
    "--vscode-descriptionForeground": "rgba(204,204,204,.7)",
    "--vscode-editorWidget-background": "#252526", "--vscode-editorWidget-border": "#454545",
    "--vscode-button-background": "#0e639c", "--vscode-button-foreground": "#ffffff",
    "--vscode-errorForeground": "#f48771", "--vscode-editorWarning-foreground": "#cca700",
    "--vscode-testing-iconPassed": "#73c991", "--vscode-textLink-foreground": "#3794ff",
}

_NAMED = {"white": (255, 255, 255, 1.0), "black": (0, 0, 0, 1.0),
          "transparent": (0, 0, 0, 0.0)}


def _theme_vars(name: str, fallback: dict[str, str]) -> dict[str, str]:
    path = THEMES / name / "index.css"
    if not path.is_file():
        return dict(fallback)
    text = path.read_text()
    root = text[text.find(":root{") + 6:]
    root = root[:root.find("}")]
    return dict(re.findall(r"(--[\w-]+):([^;]+)", root))


@dataclass(frozen=True)
class Env:
    name: str
    variables: dict[str, str]
    dark: bool  # body[data-jp-theme-light="false"] (JupyterLab's attribute)
    lab: bool  # the JupyterLab theme attribute is present at all


def environments() -> list[Env]:
    return [
        Env("JupyterLab Light", _theme_vars("theme-light-extension", _LAB_LIGHT), False, True),
        Env("JupyterLab Dark", _theme_vars("theme-dark-extension", _LAB_DARK), True, True),
        Env("VS Code Light+", VSCODE_LIGHT, False, False),
        Env("VS Code Dark+", VSCODE_DARK, True, False),
        Env("no theme (Colab, nbconvert)", {}, False, False),
    ]


# -- a small evaluator of CSS colour values ------------------------------------------------
def _split_args(text: str) -> list[str]:
    """Top-level comma-separated arguments."""
    out, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur).strip())
    return out


def _call(text: str, name: str) -> str | None:
    """The inside of ``name(...)`` when `text` is exactly such a call."""
    text = text.strip()
    if not text.startswith(name + "(") or not text.endswith(")"):
        return None
    depth = 0
    for i, ch in enumerate(text[len(name):], len(name)):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i < len(text) - 1:
            return None  # "var(--a) var(--b)"
    return text[len(name) + 1:-1]


def resolve(value: str, props: dict[str, str], depth: int = 0) -> Color | None:
    """A CSS colour value as (r, g, b, a), or None when it is not a colour."""
    if depth > 30:
        raise ValueError(f"custom properties too deep: {value}")
    value = value.strip().removesuffix("!important").strip()
    inner = _call(value, "var")
    if inner is not None:
        name, *fallback = _split_args(inner)
        if name in props:
            return resolve(props[name], props, depth + 1)
        return resolve(",".join(fallback), props, depth + 1) if fallback else None
    inner = _call(value, "color-mix")
    if inner is not None:
        space, first, second = _split_args(inner)
        assert space.strip() == "in srgb", value
        return _mix(first, second, props, depth)
    for fn in ("rgb", "rgba"):
        inner = _call(value, fn)
        if inner is not None:
            parts = [p for p in re.split(r"[\s,/]+", inner.strip()) if p]
            parts = [resolve(p, props, depth + 1) if p.startswith("var(") else p
                     for p in parts]
            r, g, b = (float(p) for p in parts[:3])
            a = float(parts[3].rstrip("%")) / (100 if parts[3].endswith("%") else 1) \
                if len(parts) > 3 else 1.0
            return (r, g, b, a)
    if value.startswith("#"):
        h = value[1:]
        if len(h) in (3, 4):
            h = "".join(c * 2 for c in h)
        if len(h) not in (6, 8) or not re.fullmatch(r"[0-9a-fA-F]+", h):
            return None
        a = int(h[6:8], 16) / 255 if len(h) == 8 else 1.0
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), a)
    return _NAMED.get(value.lower())


def _mix(first: str, second: str, props: dict[str, str], depth: int) -> Color | None:
    def parse(part: str) -> tuple[str, float | None]:
        m = re.match(r"^(.*?)\s+(\d+(?:\.\d+)?)%$", part.strip())
        return (m.group(1), float(m.group(2)) / 100) if m else (part, None)

    (c1, p1), (c2, p2) = parse(first), parse(second)
    if p1 is None and p2 is None:
        p1 = p2 = 0.5
    elif p1 is None:
        p1 = 1 - (p2 or 0)
    elif p2 is None:
        p2 = 1 - p1
    a, b = resolve(c1, props, depth + 1), resolve(c2, props, depth + 1)
    if a is None or b is None:
        return None
    total = p1 + (p2 or 0)
    w1, w2 = p1 / total, (p2 or 0) / total
    alpha = a[3] * w1 + b[3] * w2  # premultiplied interpolation (CSS Color 5)
    if alpha == 0:
        return (0, 0, 0, 0.0)
    rgb = [(a[i] * a[3] * w1 + b[i] * b[3] * w2) / alpha for i in range(3)]
    return (rgb[0], rgb[1], rgb[2], alpha * min(1.0, total))


def over(top: Color, bottom: Color) -> Color:
    """`top` composited over an opaque `bottom`."""
    a = top[3]
    return (top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a),
            top[2] * a + bottom[2] * (1 - a), 1.0)


def luminance(c: Color) -> float:
    def lin(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])


def contrast(fg: Color, bg: Color) -> float:
    """WCAG contrast ratio of `fg` (composited over the opaque `bg`) against `bg`."""
    fg = over(fg, bg)
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def hex_of(c: Color) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(round(v) for v in c[:3])) + (
        "" if c[3] >= 1 else f"/{c[3]:.2f}")


# -- the stylesheet ------------------------------------------------------------------------
@dataclass
class Rule:
    selectors: list[str]
    decls: dict[str, str]
    line: int


def parse_css(text: str) -> list[Rule]:
    rules = []
    clean = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    for m in re.finditer(r"([^{}]+)\{([^{}]*)\}", clean):
        selectors = [s.strip() for s in m.group(1).split(",") if s.strip()]
        decls = {}
        for decl in m.group(2).split(";"):
            if ":" in decl:
                k, v = decl.split(":", 1)
                decls[k.strip()] = v.strip()
        rules.append(Rule(selectors, decls, clean[:m.start(1)].count("\n") + 1
                          + m.group(1)[:len(m.group(1)) - len(m.group(1).lstrip())].count("\n")))
    return rules


WIDGETS = ("nba-pii", "nba-risk", "nba-fair", "nba-dp")
_THEME_ATTR = re.compile(r'body\[data-jp-theme-light=["\'](true|false)["\']\]\s*')


def _applies(selector: str, widget: str, env: Env) -> str | None:
    """`selector` without its theme/root prefixes if it applies in `env` to `widget`'s tree."""
    m = _THEME_ATTR.match(selector)
    if m:
        if not env.lab or (m.group(1) == "false") != env.dark:
            return None
        selector = selector[m.end():]
    for root in re.findall(r"\.(nba-(?:pii|risk|fair|dp))\b", selector):
        if root != widget:
            return None
    return selector


def _is_root(selector: str) -> bool:
    """A rule on the widget's root element (where the custom properties live)."""
    return bool(re.fullmatch(r"(\.nbaudit)?(\.nba-(pii|risk|fair|dp))?", selector.replace(
        " ", ""))) and selector.strip() != ""


def properties(rules: list[Rule], widget: str, env: Env) -> dict[str, str]:
    props = dict(env.variables)
    for rule in rules:
        for sel in rule.selectors:
            part = _applies(sel, widget, env)
            if part is not None and _is_root(part):
                props.update({k: v for k, v in rule.decls.items() if k.startswith("--")})
    return props


_SVG_TEXT = re.compile(r"axis|label|text|title|empty|legend")


@dataclass(frozen=True)
class Check:
    env: str
    widget: str
    selector: str
    line: int
    prop: str
    kind: str  # "text" or "graphics"
    fg: str
    bg: str
    ratio: float

    def __str__(self) -> str:
        need = TEXT_AA if self.kind == "text" else GRAPHICS_AA
        return (f"styles.css:{self.line} {self.selector} {{{self.prop}}} in {self.env} "
                f"({self.widget}): {self.fg} on {self.bg} = {self.ratio:.2f}:1 < {need}")


def checks(rules: list[Rule] | None = None) -> list[Check]:
    rules = parse_css(CSS.read_text()) if rules is None else rules
    out: list[Check] = []
    for env in environments():
        for widget in WIDGETS:
            props = properties(rules, widget, env)
            page = (17, 17, 17, 1.0) if env.dark and not env.lab else (255, 255, 255, 1.0)
            base = resolve("var(--nba-bg)", props) or (255, 255, 255, 1.0)
            base = over(base, page)
            bg2 = over(resolve("var(--nba-bg2)", props) or base, base)
            for rule in rules:
                for sel in rule.selectors:
                    part = _applies(sel, widget, env)
                    if part is None or _is_root(part):
                        continue
                    own_bg = next((rule.decls[k] for k in ("background-color", "background")
                                   if k in rule.decls), None)
                    bg_color = resolve(own_bg, props) if own_bg else None
                    backs = [over(bg_color, base)] if bg_color else [base]
                    for prop in ("color", "fill", "stroke", "border-color"):
                        if prop not in rule.decls:
                            continue
                        value = rule.decls[prop]
                        if value in ("inherit", "currentColor", "none"):
                            continue
                        fg = resolve(value, props)
                        if fg is None or fg[3] == 0:
                            continue
                        text = prop == "color" or (prop == "fill" and (
                            "svg" not in part or bool(_SVG_TEXT.search(part))))
                        if prop in ("stroke", "border-color") or (prop == "fill" and not text):
                            kind = "graphics"
                        else:
                            kind = "text"
                        if kind == "graphics" and not part.startswith(".nbaudit svg") and \
                                "svg" not in part:
                            continue  # borders of boxes: decoration, not data
                        opacity = float(rule.decls.get("opacity", "1"))
                        fg = (fg[0], fg[1], fg[2], fg[3] * opacity)
                        targets = list(backs)
                        if not bg_color and kind == "text" and value.strip() in (
                                "var(--nba-fg)", "var(--nba-muted)"):
                            targets.append(bg2)
                        for back in targets:
                            out.append(Check(env.name, widget, sel, rule.line, prop, kind,
                                             hex_of(over(fg, back)), hex_of(back),
                                             contrast(fg, back)))
    return out


# Graphics whose low contrast is by design, with the reason (non-text contrast applies to
# what is needed to understand the content; these are redundant with a label or a value).
GRAPHICS_EXEMPT = {
    ".nbaudit svg .nba-dot": "the inside of a point: its outline (stroke) gives the 3:1",
    ".nbaudit svg .nba-grid": "grid lines: a reading aid, the axis labels carry the values",
    ".nbaudit svg .nba-bar-before": "the 'before' bar is greyed on purpose: the value is shown",
    ".nbaudit svg .nba-bar-small": "small groups are greyed on purpose, and labelled 'small'",
    ".nbaudit.nba-fair svg .nba-bar-small": "small groups greyed on purpose, labelled 'small'",
    ".nbaudit svg .nba-hit.nba-hover": "hover tint of a row: its text says the same",
    ".nbaudit svg .nba-hit:focus": "focus tint of a row: its text says the same",
    ".nbaudit.nba-fair svg .nba-bar-row.nba-hover .nba-hit": "hover tint of a row",
    ".nbaudit.nba-fair svg .nba-bar-row:focus .nba-hit": "focus tint of a row",
    ".nbaudit.nba-fair svg .nba-cursor": "the hover cursor line: the readout says the value",
}


def test_evaluator_known_answers():
    props = {"--a": "#ffffff", "--b": "var(--missing, #000)"}
    assert resolve("var(--b)", props) == (0, 0, 0, 1.0)
    assert resolve("rgba(0, 0, 0, .54)", {}) == (0, 0, 0, 0.54)
    assert contrast((0, 0, 0, 1.0), (255, 255, 255, 1.0)) == pytest.approx(21.0)
    assert contrast(resolve("#767676", {}), (255, 255, 255, 1.0)) == pytest.approx(4.54, 0.01)
    mixed = resolve("color-mix(in srgb, #ff0000 50%, var(--a))", props)
    assert mixed == pytest.approx((255, 127.5, 127.5, 1.0))
    # the figures: the old red and the old warning colour on JupyterLab Dark
    dark = (17, 17, 17, 1.0)
    assert contrast(resolve("#b2182b", {}), dark) == pytest.approx(2.75, abs=0.1)
    assert contrast(resolve("#9a3412", {}), dark) == pytest.approx(2.6, abs=0.2)


def test_the_stylesheet_uses_theme_variables():
    text = CSS.read_text()
    for var in ("--jp-error-color", "--jp-warn-color", "--jp-success-color",
                "--jp-layout-color0", "--jp-ui-font-color", "--vscode-editor-background",
                "--vscode-errorForeground"):
        assert var in text, var


# Rules of the blocks other widgets' owners append (``/* fairness */``...) that fail, with the
# fix reported to them: the test fails on any other failure, and when one of these passes
# (then remove it here).
CSS_KNOWN: dict[str, str] = {}


def test_every_text_colour_meets_aa_in_every_theme():
    results = checks()
    assert len(results) > 100, "the evaluator found too few colour rules"
    envs = {c.env for c in results}
    assert len(envs) == 5, envs
    failing = [c for c in results if c.kind == "text" and c.ratio < TEXT_AA]
    new = sorted({str(c) for c in failing if c.selector not in CSS_KNOWN})
    assert not new, "\n".join(new)
    fixed = sorted(set(CSS_KNOWN) - {c.selector for c in failing})
    assert not fixed, f"these pass now, remove them from CSS_KNOWN: {fixed}"


def test_data_graphics_meet_3_to_1():
    failing = [str(c) for c in checks() if c.kind == "graphics" and c.ratio < GRAPHICS_AA
               and c.selector not in GRAPHICS_EXEMPT]
    assert not failing, "\n".join(sorted(set(failing)))


def test_the_checks_cover_the_semantic_colours():
    seen = {c.selector for c in checks() if c.kind == "text"}
    for selector in (".nbaudit .nba-warn", ".nbaudit .nba-badtext", ".nbaudit .nba-good",
                     ".nbaudit .nba-muted", ".nbaudit .nba-note",
                     ".nbaudit .nba-card.nba-bad .nba-card-value", ".nbaudit .nba-primary"):
        assert selector in seen, selector


# -- colours hard-coded in the TypeScript ----------------------------------------------------
_HEX = re.compile(r"[\"'](#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})[\"']")
# Known low-contrast colours in files owned by others, reported for them to fix: the test
# fails when a new one appears, and when one of these is fixed (then remove it here).
TS_EXEMPT: dict[tuple[str, str], str] = {
    ("js/fairness.ts", "#fff"): "the background of a downloaded chart image, not a mark",
    ("js/lib/risk_view.ts", "#ffffff"): "the background of a downloaded chart image",
    ("js/pii_scan.ts", "#fd8d3c"): "fallback entity colour: a tint behind text (the browser "
                                   "test measures that text) and a decorative underline",
}
TS_KNOWN: dict[tuple[str, str], str] = {}


def ts_colours() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted([*REPO.glob("js/*.ts"), *REPO.glob("js/lib/*.ts")]):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            for m in _HEX.finditer(line):
                found.append((str(path.relative_to(REPO)), n, m.group(1).lower()))
    return found


def test_hard_coded_colours_in_typescript():
    light, dark = (255, 255, 255, 1.0), (17, 17, 17, 1.0)
    failing = set()
    for path, _line, colour in ts_colours():
        c = resolve(colour, {})
        assert c is not None
        ratio = min(contrast(c, light), contrast(c, dark))
        if ratio < GRAPHICS_AA:
            failing.add((path, colour))
    failing -= set(TS_EXEMPT)
    new = sorted(failing - set(TS_KNOWN))
    assert not new, f"hard-coded colours under 3:1 on a light or dark background: {new}"
    fixed = sorted(set(TS_KNOWN) - failing)
    assert not fixed, f"fixed, remove from TS_KNOWN: {fixed}"


def test_report_table(capsys):
    """Not an assertion: the table of every text check, for `pytest -s` readers."""
    worst: dict[tuple[str, str], Check] = {}
    for c in checks():
        if c.kind != "text":
            continue
        key = (c.selector, c.env)
        if key not in worst or c.ratio < worst[key].ratio:
            worst[key] = c
    ratios = [c.ratio for c in worst.values()]
    assert all(math.isfinite(r) for r in ratios)
