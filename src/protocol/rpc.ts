/**
 * One small typed request/reply channel used by every editor, on both sides of the webview
 * boundary. Requests carry ids and get exactly one reply; events are fire-and-forget. Payloads
 * may hold ArrayBuffers / typed arrays (VS Code transfers them as binary, not JSON).
 *
 * A protocol is described by two maps:
 *   requests: method -> { params; result }   (sent by the webview, handled by the host,
 *                                              or the other way round)
 *   events:   name   -> payload
 */

export type RequestMap = Record<string, { params: unknown; result: unknown }>;

/** One request of a protocol: its parameters and its result, as types only. */
export interface Request<P, R> {
  readonly params: P;
  readonly result: R;
}

/**
 * Declares a request in a protocol object (`{ open: request<null, Info>(), ... }`). The object is
 * both the protocol's type (`typeof`) and, at run time, the list of its methods, so the host, the
 * webview and the tests all take the requests from that one declaration.
 */
export function request<P, R>(): Request<P, R> {
  return {} as Request<P, R>;
}

/** The method names of a protocol object. */
export function methodsOf<T extends RequestMap>(protocol: T): (keyof T & string)[] {
  return Object.keys(protocol);
}
export type EventMap = Record<string, unknown>;

/** A side that sends no events or answers no requests. */
export type NoEvents = Record<string, never>;
export type NoRequests = Record<string, never>;

export type Envelope =
  | { kind: 'request'; id: number; method: string; params: unknown }
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  | { kind: 'event'; name: string; payload: unknown };

/** The transport: VS Code's `webview.postMessage` on the host, `acquireVsCodeApi().postMessage` inside. */
export interface Transport {
  post(message: Envelope): void;
  /** Registers the incoming-message listener; returns an unsubscribe function. */
  listen(handler: (message: unknown) => void): () => void;
}

/** Thrown on the requesting side when the other side replied with an error. */
export class RemoteError extends Error {
  override name = 'RemoteError';
}

type Handler<P, R> = (params: P) => R | Promise<R>;

/** Checks the shape of anything that arrives; a webview's messages are untrusted input. */
export function parseEnvelope(message: unknown): Envelope | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Record<string, unknown>;
  switch (m.kind) {
    case 'request':
      return Number.isSafeInteger(m.id) && typeof m.method === 'string' ? (m as Envelope) : undefined;
    case 'reply':
      if (!Number.isSafeInteger(m.id) || typeof m.ok !== 'boolean') return undefined;
      if (!m.ok && typeof m.error !== 'string') return undefined;
      return m as Envelope;
    case 'event':
      return typeof m.name === 'string' ? (m as Envelope) : undefined;
    default:
      return undefined;
  }
}

/**
 * One end of the channel. `Out` is what this side asks for / emits, `In` is what it answers /
 * receives, so host and webview use the same class with the type parameters swapped.
 */
export class RpcEndpoint<OutReq extends RequestMap, InReq extends RequestMap, OutEv extends EventMap, InEv extends EventMap> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly handlers = new Map<string, Handler<unknown, unknown>>();
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly unlisten: () => void;
  private disposed = false;

  constructor(
    private readonly transport: Transport,
    /** Called for messages that are not valid envelopes (logged by the host; a test counts them). */
    private readonly onInvalid: (message: unknown, reason: string) => void = () => undefined,
  ) {
    this.unlisten = transport.listen((m) => this.receive(m));
  }

  request<M extends keyof OutReq & string>(method: M, params: OutReq[M]['params']): Promise<OutReq[M]['result']> {
    if (this.disposed) return Promise.reject(new Error('The editor was closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve, reject });
      this.transport.post({ kind: 'request', id, method, params });
    });
  }

  handle<M extends keyof InReq & string>(method: M, handler: Handler<InReq[M]['params'], InReq[M]['result']>): void {
    this.handlers.set(method, handler);
  }

  emit<E extends keyof OutEv & string>(name: E, payload: OutEv[E]): void {
    if (!this.disposed) this.transport.post({ kind: 'event', name, payload });
  }

  on<E extends keyof InEv & string>(name: E, listener: (payload: InEv[E]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as (p: unknown) => void);
    return () => set.delete(listener as (p: unknown) => void);
  }

  dispose(): void {
    this.disposed = true;
    this.unlisten();
    for (const p of this.pending.values()) p.reject(new Error('The editor was closed'));
    this.pending.clear();
  }

  private receive(message: unknown): void {
    const env = parseEnvelope(message);
    if (!env) {
      this.onInvalid(message, 'not a protocol envelope');
      return;
    }
    switch (env.kind) {
      case 'request':
        void this.answer(env.id, env.method, env.params);
        return;
      case 'reply': {
        const p = this.pending.get(env.id);
        if (!p) {
          this.onInvalid(message, `a reply to no request (id ${env.id})`);
          return;
        }
        this.pending.delete(env.id);
        if (env.ok) p.resolve(env.result);
        else p.reject(new RemoteError(env.error));
        return;
      }
      case 'event': {
        const listeners = this.listeners.get(env.name);
        if (!listeners?.size) this.onInvalid(message, `unknown event ${env.name.slice(0, 80)}`);
        for (const l of listeners ?? []) l(env.payload);
        return;
      }
    }
  }

  private async answer(id: number, method: string, params: unknown): Promise<void> {
    const handler = this.handlers.get(method);
    if (!handler) {
      this.onInvalid({ method }, `unknown method ${method.slice(0, 80)}`);
      this.reply({ kind: 'reply', id, ok: false, error: `Unknown request: ${method.slice(0, 80)}` });
      return;
    }
    try {
      const result = await handler(params);
      this.reply({ kind: 'reply', id, ok: true, result });
    } catch (err) {
      this.reply({ kind: 'reply', id, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }

  private reply(env: Envelope): void {
    if (!this.disposed) this.transport.post(env);
  }
}
