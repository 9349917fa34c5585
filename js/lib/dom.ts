// Tiny DOM helpers. Text that comes from data is always set with textContent, never HTML.

export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; title?: string; style?: Partial<CSSStyleDeclaration>; [key: string]: unknown } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = String(value);
    else if (key === "style") Object.assign(el.style, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else if (key in el && typeof value !== "string") {
      (el as unknown as Record<string, unknown>)[key] = value;
    } else {
      el.setAttribute(key, String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}

export function fmtInt(n: number): string {
  return Number(n).toLocaleString("en-US");
}

export function fmtPct(x: number, digits = 1): string {
  return `${(100 * x).toFixed(digits)}%`;
}

/** A light tint of an entity colour for cell backgrounds (readable in light and dark). */
export function tint(hex: string, alpha = 0.22): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return "transparent";
  const [r, g, b] = [m[1], m[2], m[3]].map((x) => parseInt(x, 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

export function select(
  options: Array<[string, string]>,
  value: string,
  onChange: (v: string) => void,
  label: string,
): HTMLLabelElement {
  const sel = h("select", { "aria-label": label });
  for (const [v, text] of options) {
    const opt = h("option", { value: v }, text);
    if (v === value) opt.selected = true;
    sel.append(opt);
  }
  sel.addEventListener("change", () => onChange(sel.value));
  return h("label", { class: "nba-control" }, `${label} `, sel);
}

export function checkbox(
  checked: boolean,
  onChange: (v: boolean) => void,
  label: string,
  cls = "",
): HTMLLabelElement {
  const box = h("input", { type: "checkbox" });
  box.checked = checked;
  box.addEventListener("change", () => onChange(box.checked));
  return h("label", { class: `nba-control ${cls}`.trim() }, box, ` ${label}`);
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element; text (labels from data) is set as text, never markup. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}
