import { el } from './dom';

export type BannerKind = 'error' | 'warning' | 'info';

/** A paragraph that opens with a codicon: how banners and notices look in both editors. */
function iconMessage(attrs: Record<string, string>, icon: string, ...text: string[]): HTMLParagraphElement {
  return el('p', attrs, el('span', { class: `codicon codicon-${icon}`, 'aria-hidden': 'true' }), ' ', ...text);
}

/**
 * Messages above a page's content that stay until taken away: an error, a warning or a note each, kept
 * by id, so showing one again replaces it instead of stacking copies.
 */
export class Banners {
  readonly element = el('div', { class: 'banners' });

  show(id: string, message: string, kind: BannerKind = 'error'): void {
    // Information is no alert: screen readers read it with the page.
    const node = iconMessage({ class: `banner banner-${kind}`, id, role: kind === 'info' ? 'status' : 'alert' }, kind, message);
    const old = this.element.querySelector(`#${id}`);
    if (old) old.replaceWith(node);
    else this.element.append(node);
  }

  remove(id: string): void {
    this.element.querySelector(`#${id}`)?.remove();
  }
}

/** A note on why the page shows what it does (not a problem: no alert). */
export function notice(id: string, ...text: string[]): HTMLParagraphElement {
  return iconMessage({ class: 'notice', id, role: 'note' }, 'info', ...text);
}
