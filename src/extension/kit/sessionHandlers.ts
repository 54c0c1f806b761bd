import type { RequestMap } from '../../protocol/rpc';

/*
 * Sessions (one open file, no VS Code API, tested in plain Node) answer most of an editor's
 * requests; their `handlers` map is typed by the editor's protocol. The kit (customEditor.ts)
 * routes each request to the session's handler or to the editor's host handler.
 */

/** A session's answer to one request: checks the (untrusted) parameters, reads the file. */
export type SessionHandler<R> = (params: unknown) => Promise<R>;

/** The handlers of methods `M` of protocol `Req`, each returning that request's result type. */
export type SessionHandlers<Req extends RequestMap, M extends keyof Req> = { [K in M]: SessionHandler<Req[K]['result']> };
