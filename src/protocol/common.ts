/** What every editor's webview can ask the host, whatever the file type. */

/** A load that can fail on bad input: the webview shows `message` on a clear page. */
export type Loaded<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

export type CommonRequests = {
  /** Offer VS Code's "Reopen Editor With…" picker for this file (used by the error pages). */
  reopenWith: { params: null; result: null };
};
