/** A tiny element builder: strings become text nodes, so file contents are never parsed as HTML. */
export type Child = Node | string | number | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, string | boolean | number | undefined>,
  ...children: Child[]
): HTMLElementTagNameMap[K];
export function el(tag: string, attrs?: Record<string, string | boolean | number | undefined>, ...children: Child[]): HTMLElement;
export function el(tag: string, attrs: Record<string, string | boolean | number | undefined> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the editor's whole content. */
export function render(...children: Child[]): void {
  const app = document.getElementById('app')!;
  app.replaceChildren();
  app.removeAttribute('aria-busy');
  append(app, ...children);
}

/** Records a performance mark once the current DOM changes are on screen (read by benchmarks). */
export function markWhenPainted(name: string): void {
  requestAnimationFrame(() => setTimeout(() => performance.mark(name), 0));
}
