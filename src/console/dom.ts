/** A tiny render helper: elements from a tag, attributes and children; no framework. */

type Attr = string | number | boolean | undefined | ((e: Event) => void);
export type Child = Node | string | number | null | undefined | false | Child[];

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

function apply(el: Element, attrs: Record<string, Attr>): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

/** `h('button', {type: 'button', onclick}, 'Retry')`: an HTML element. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, Attr> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element (charts, icons). */
export function svg(tag: string, attrs: Record<string, Attr> = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** Replace everything inside `el`. */
export function mount(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A labelled input: the label names it for screen readers and for tests. */
export function field(
  label: string,
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

/** A select of `options` (value and label alike), with `value` chosen. */
export function select(name: string, options: readonly string[], value = ''): HTMLSelectElement {
  const s = h('select', { name });
  for (const o of options) s.append(h('option', { value: o }, o === '' ? 'any' : o));
  s.value = value;
  return s;
}

/** A time for people: local, to the second. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { hour12: false });
}

/** A short note under a form: what happened, or what went wrong (announced to screen readers). */
export function notice(): HTMLElement & { say(text: string, bad?: boolean): void } {
  const el = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite' }) as unknown as HTMLElement & {
    say(text: string, bad?: boolean): void;
  };
  el.say = (text, bad = false) => {
    el.textContent = text;
    el.classList.toggle('bad', bad);
  };
  return el;
}
