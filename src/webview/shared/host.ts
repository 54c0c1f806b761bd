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
