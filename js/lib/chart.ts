// Chart furniture shared by every widget's SVG charts: a box holding the chart, a readout line
// that hover and keyboard focus fill with the exact figures (the native <title> tooltip is
// slow and not readable by keyboard users), and a "Download SVG" button that saves the chart
// as a standalone file.
//
// A tall chart scrolls inside its box; its axes are then separate SVGs above and below the
// plot that stay in view (CSS sticky), so any row can be read against an axis. The download
// stacks them back into one file.
import { h } from "./dom";

const SVG_NS = "http://www.w3.org/2000/svg";
// The computed styles inlined in a downloaded file (the page's CSS does not travel with it).
const STYLE_PROPS = ["fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "opacity", "font-size", "font-family", "font-weight", "text-anchor", "visibility"];

/** A copy of `chart` with its computed styles inlined and no classes. */
function inlined(chart: SVGSVGElement): SVGSVGElement {
  const copy = chart.cloneNode(true) as SVGSVGElement;
  const from = [chart, ...chart.querySelectorAll("*")];
  const to = [copy, ...copy.querySelectorAll("*")];
  from.forEach((node, i) => {
    const style = getComputedStyle(node as Element);
    const target = to[i] as SVGElement;
    target.removeAttribute("class");
    target.removeAttribute("tabindex");
    for (const p of STYLE_PROPS) {
      const v = style.getPropertyValue(p);
      if (v) target.style.setProperty(p, v);
    }
  });
  return copy;
}

function size(chart: SVGSVGElement): [number, number] {
  return [Number(chart.getAttribute("width")) || 0, Number(chart.getAttribute("height")) || 0];
}

/** The chart as a standalone SVG file: computed styles inlined, the theme's background
 *  behind it. Several parts (a plot and its axes) are stacked top to bottom into one. */
export function svgFile(parts: SVGSVGElement | SVGSVGElement[]): string {
  const list = Array.isArray(parts) ? parts : [parts];
  const width = Math.max(...list.map((p) => size(p)[0]));
  const height = list.reduce((sum, p) => sum + size(p)[1], 0);
  const out = document.createElementNS(SVG_NS, "svg");
  out.setAttribute("xmlns", SVG_NS);
  out.setAttribute("width", String(width));
  out.setAttribute("height", String(height));
  out.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const label = list.map((p) => p.getAttribute("aria-label")).find(Boolean);
  if (label) out.setAttribute("aria-label", label);
  const root = list[0].closest(".nbaudit") ?? list[0];
  const bg = getComputedStyle(root as Element).backgroundColor;
  const rect = document.createElementNS(SVG_NS, "rect");
  rect.setAttribute("width", "100%");
  rect.setAttribute("height", "100%");
  rect.setAttribute("fill", !bg || bg === "rgba(0, 0, 0, 0)" || bg === "transparent" ? "white" : bg);
  out.append(rect);
  let y = 0;
  for (const part of list) {
    const copy = inlined(part);
    copy.setAttribute("x", "0");
    copy.setAttribute("y", String(y));
    copy.style.removeProperty("visibility");
    out.append(copy);
    y += size(part)[1];
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(out)}`;
}

function download(parts: SVGSVGElement[], file: string): void {
  const url = URL.createObjectURL(new Blob([svgFile(parts)], { type: "image/svg+xml" }));
  const a = h("a", { href: url, download: file, style: { display: "none" } });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface ChartOptions {
  /** The chart's name: `data-chart` of the box and of its readout. */
  name: string;
  /** The downloaded file's name (default `nbaudit-<name>.svg`). */
  file?: string;
  /** What the readout says while nothing is hovered or focused. */
  idle: string;
  /** A legend shown between the chart and its readout. */
  legend?: HTMLElement | null;
  /** A tall chart: it scrolls inside its box, `head` and `foot` (its axes) stay in view. */
  scroll?: boolean;
  head?: SVGSVGElement | null;
  foot?: SVGSVGElement | null;
}

export interface Chart {
  box: HTMLElement;
  readout: HTMLElement;
  /** Put `text` in the readout (a hover or focus). */
  show(text: string): void;
  /** Back to the idle text. */
  idle(): void;
  /** `mark` shows `text` while hovered or focused (it becomes focusable). */
  hover(mark: Element, text: string): void;
}

/** A chart box: the SVG (with its axes), a legend, the readout and the download button. */
export function chartBox(chart: SVGSVGElement, options: ChartOptions): Chart {
  const { name, idle: idleText } = options;
  const readout = h("div", { class: "nba-readout", "aria-live": "polite", "data-chart": name }, idleText);
  const show = (text: string) => { readout.textContent = text; readout.classList.add("nba-readout-on"); };
  const idle = () => { readout.textContent = idleText; readout.classList.remove("nba-readout-on"); };
  const hover = (mark: Element, text: string) => {
    if (!mark.hasAttribute("tabindex")) mark.setAttribute("tabindex", "0");
    mark.setAttribute("aria-label", text);
    const on = () => { show(text); mark.classList.add("nba-hover"); };
    const off = () => { idle(); mark.classList.remove("nba-hover"); };
    mark.addEventListener("pointerenter", on);
    mark.addEventListener("focus", on);
    mark.addEventListener("pointerleave", off);
    mark.addEventListener("blur", off);
  };
  const parts = [options.head, chart, options.foot].filter((p): p is SVGSVGElement => !!p);
  const button = h("button", {
    class: "nba-btn nba-download", "data-action": "download-svg", title: "Save this chart as an SVG file",
    onclick: () => download(parts, options.file ?? `nbaudit-${name}.svg`),
  }, "Download SVG");
  const body = h(
    "div",
    { class: options.scroll ? "nba-chart-scroll" : "nba-chart-body" },
    options.head ? h("div", { class: "nba-axis-head" }, options.head) : null,
    chart,
    options.foot ? h("div", { class: "nba-axis-foot" }, options.foot) : null,
  );
  const width = Math.max(...parts.map((p) => size(p)[0]));
  const foot = h("div", { class: "nba-chart-foot", style: { maxWidth: `${Math.max(width, 320)}px` } }, readout, button);
  const box = h("div", { class: "nba-chart", "data-chart": name }, body, options.legend ?? null, foot);
  return { box, readout, show, idle, hover };
}
