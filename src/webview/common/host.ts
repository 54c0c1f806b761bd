import { RpcEndpoint, type EventMap, type NoEvents, type NoRequests, type RequestMap } from '../../protocol/rpc';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** acquireVsCodeApi may be called only once per page. */
const vscodeApi = acquireVsCodeApi();

/** The webview end of the editor's channel: requests go to the host, events come from it. */
export function connectHost<Req extends RequestMap, HostEv extends EventMap>(): RpcEndpoint<Req, NoRequests, NoEvents, HostEv> {
  return new RpcEndpoint({
    post: (m) => vscodeApi.postMessage(m),
    listen: (h) => {
      const listener = (e: MessageEvent) => h(e.data);
      window.addEventListener('message', listener);
      return () => window.removeEventListener('message', listener);
    },
  });
}

/**
 * View state that survives hiding the tab (VS Code keeps it with the webview; we do not use
 * retainContextWhenHidden). Each editor stores one plain object.
 */
export function loadViewState<T extends object>(defaults: T): T {
  const saved = vscodeApi.getState();
  return { ...defaults, ...(typeof saved === 'object' && saved !== null ? saved : {}) };
}

export function saveViewState(state: object): void {
  vscodeApi.setState(state);
}

/** Merges `patch` into the saved view state, keeping what other parts of the page saved. */
export function patchViewState(patch: object): void {
  saveViewState({ ...loadViewState({}), ...patch });
}

/**
 * Keeps the page's scroll position in the view state, and restores it once the content is
 * rendered again after the tab was hidden (the webview is rebuilt then). Content arrives in
 * stages (web components render late, views fill in when the host answers), so the restore is
 * tried again whenever the page grows, until it lands, the user scrolls, or a few seconds pass.
 */
export function keepScrollPosition(): void {
  const target = loadViewState({ scrollY: 0 }).scrollY;
  let restoring = target > 0;
  const grows = new ResizeObserver(() => restore());
  const stop = () => {
    restoring = false;
    grows.disconnect();
  };
  const restore = () => {
    if (!restoring) return;
    window.scrollTo(0, target);
    if (Math.abs(window.scrollY - target) <= 1) stop();
  };
  if (restoring) {
    grows.observe(document.body);
    requestAnimationFrame(restore);
    setTimeout(stop, RESTORE_SCROLL_MS);
    for (const type of ['wheel', 'pointerdown', 'keydown'] as const) window.addEventListener(type, stop, { once: true, passive: true });
  }

  let pending = false;
  window.addEventListener('scroll', () => {
    // A tab being hidden can shrink or unload the frame, which scrolls it to the top: not the user's position.
    if (pending || restoring || document.visibilityState === 'hidden' || window.innerHeight === 0) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      patchViewState({ scrollY: Math.round(window.scrollY) });
    });
  });
}

/** How long a restored page may take to grow tall enough for its saved scroll position. */
const RESTORE_SCROLL_MS = 15_000;
