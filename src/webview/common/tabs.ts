import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import { el } from './dom';

export interface TabSpec {
  id: string;
  label: string;
  /** Builds the tab's content the first time it is shown (views that are never opened cost nothing). */
  build(panel: HTMLElement): void;
  /** Called whenever the tab becomes visible / hidden (after build on first show). */
  onShow?(): void;
  onHide?(): void;
}

export interface Tabs {
  element: HTMLElement;
  readonly active: string;
  select(id: string): void;
}

/**
 * Native-looking tabs (vscode-tabs) whose panels are built lazily. The active tab is reported to
 * `onSelect` so the page can keep it in its view state and restore it after the tab is hidden.
 */
export function createTabs(specs: TabSpec[], initial: string, onSelect: (id: string) => void): Tabs {
  const start = Math.max(
    0,
    specs.findIndex((s) => s.id === initial),
  );
  // vscode-tabs assigns its own ids to headers and panels: headers carry data-tab, panels get a
  // wrapper with our id.
  const bodies = specs.map((s) => el('div', { class: 'tab-body', id: `tab-${s.id}`, 'data-tab': s.id }));
  const built = new Set<number>();
  const tabs = el(
    'vscode-tabs',
    { 'selected-index': start, class: 'page-tabs' },
    ...specs.map((s) => el('vscode-tab-header', { slot: 'header', 'data-tab': s.id }, s.label)),
    ...specs.map((_, i) => el('vscode-tab-panel', {}, bodies[i])),
  );
  let current = -1;
  const show = (i: number) => {
    if (i === current || i < 0 || i >= specs.length) return;
    if (current >= 0) specs[current]!.onHide?.();
    current = i;
    if (!built.has(i)) {
      built.add(i);
      specs[i]!.build(bodies[i]!);
    }
    specs[i]!.onShow?.();
    onSelect(specs[i]!.id);
  };
  // The tab bar stays at the top while the page scrolls. Its header lives in the element's shadow
  // root without a ::part, so it is styled through the CSSOM (allowed by the strict CSP).
  void (tabs as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete?.then(() => {
    const header = tabs.shadowRoot?.querySelector<HTMLElement>('.header');
    if (!header) return;
    Object.assign(header.style, { position: 'sticky', top: '0', zIndex: '5', background: 'var(--vscode-editor-background)' });
  });
  tabs.addEventListener('vsc-tabs-select', (e) => show((e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex));
  // Build the first tab once the element is in the page (after the caller appends it).
  queueMicrotask(() => show(start));
  return {
    element: tabs,
    get active() {
      return specs[current]?.id ?? specs[start]!.id;
    },
    select(id: string) {
      const i = specs.findIndex((s) => s.id === id);
      if (i < 0) return;
      tabs.setAttribute('selected-index', String(i));
      show(i);
    },
  };
}
