import { RpcEndpoint, type EventMap, type RequestMap } from '../../protocol/rpc';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** acquireVsCodeApi may be called only once per page. */
const vscodeApi = acquireVsCodeApi();

/** The webview end of the editor's channel: requests go to the host, events come from it. */
export function connectHost<Req extends RequestMap, HostEv extends EventMap>(): RpcEndpoint<
  Req,
  Record<never, never>,
  Record<never, never>,
  HostEv
> {
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

export function saveViewState<T extends object>(state: T): void {
  vscodeApi.setState(state);
}

/**
 * Keeps the page's scroll position in the view state, and restores it once the content is
 * rendered again after the tab was hidden (the webview is rebuilt then). Web components render
 * asynchronously, so the restore retries for a few frames until the page is tall enough.
 */
export function keepScrollPosition(): void {
  const target = loadViewState({ scrollY: 0 }).scrollY;
  let restoring = target > 0;
  let attempts = 0;
  const restore = () => {
    window.scrollTo(0, target);
    if (Math.abs(window.scrollY - target) <= 1 || ++attempts > 60) restoring = false;
    else requestAnimationFrame(restore);
  };
  if (restoring) requestAnimationFrame(restore);

  let pending = false;
  window.addEventListener('scroll', () => {
    if (pending || restoring) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      saveViewState({ ...loadViewState({}), scrollY: Math.round(window.scrollY) });
    });
  });
}
