import { request } from './rpc';

/** What every editor's webview can ask the host, whatever the file type. */

/** A load that can fail on bad input: the webview shows `message` on a clear page. */
export type Loaded<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

export const commonRequests = {
  /** Offer VS Code's "Reopen Editor With…" picker for this file (used by the error pages). */
  reopenWith: request<null, null>(),
};
export type CommonRequests = typeof commonRequests;
