import * as vscode from 'vscode';
import { basename } from 'node:path';
import { InputError, errorDetail, errorMessage, isAbortError } from '../../core/errors';
import type { CommonRequests, Loaded } from '../../protocol/common';
import { methodsOf, type EventMap, type RequestMap } from '../../protocol/rpc';
import { log } from './log';
import { ParamError } from './requestParams';
import type { SessionHandler, SessionHandlers } from './sessionHandlers';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { connectWebview } from './webviewRpc';

/*
 * The one way an editor is hosted: `registerEditor` owns the document's lifetime (one session per
 * document, shared by its editors, closed with the last one), the `file:` check, load failures (a
 * clear page in the webview), the page's HTML, one logging policy for failed requests, and
 * disposal. An editor brings its protocol object, a session opener and handlers; the handler map
 * is typed from the protocol, so a request without a handler does not compile.
 */

/** Requests whose failure is the input's or the caller's fault, not a bug: not logged. */
function isExpectedFailure(err: unknown): boolean {
  return err instanceof ParamError || err instanceof InputError || isAbortError(err);
}

/** Every protocol has `open`: what the page shows first, or why the file cannot be shown. */
type EditorRequests = RequestMap & CommonRequests & { open: { params: null; result: Loaded<unknown> } };

/** The requests an editor handles itself (`reopenWith` is the kit's). */
export type EditorMethod<Req extends EditorRequests> = Exclude<keyof Req & string, keyof CommonRequests>;

/** What a host handler gets besides the (untrusted, unchecked) parameters. */
export interface EditorContext<S, Ev extends EventMap> {
  readonly session: S;
  readonly uri: vscode.Uri;
  readonly panel: vscode.WebviewPanel;
  emit<E extends keyof Ev & string>(name: E, payload: Ev[E]): void;
}

type SessionMethods<S> = S extends { readonly handlers: infer H } ? keyof H : never;

/** Handlers that need VS Code (or the editor's panel): every method the session does not answer. */
export type HostHandlers<Req extends EditorRequests, S, Ev extends EventMap> = {
  [M in Exclude<EditorMethod<Req>, SessionMethods<S>>]: (params: unknown, editor: EditorContext<S, Ev>) => Promise<Req[M]['result']>;
};

export interface EditorDefinition<
  Req extends EditorRequests,
  Ev extends EventMap,
  S extends { readonly handlers: Partial<SessionHandlers<Req, EditorMethod<Req>>> },
> {
  viewType: string;
  /** The webview bundle, `dist/webview/<bundle>.js`. */
  bundle: string;
  /** For the log: "SMC", "BodyCompress". */
  label: string;
  /** The protocol object (src/protocol): its keys are the requests registered. */
  requests: Req;
  /** Opens a file on disk once per document; InputErrors become the page's message. */
  open(path: string, uri: vscode.Uri): Promise<S> | S;
  close(session: S): void | Promise<void>;
  hostHandlers: HostHandlers<Req, S, Ev>;
  /** Per editor panel: event wiring and registries; the returned disposables end with the panel. */
  connect?(editor: EditorContext<S, Ev>): vscode.Disposable[];
}

class EditorDocument<S> implements vscode.CustomDocument {
  /** Set once the last editor closed: requests still in flight then fail on the closed file. */
  closed = false;

  constructor(
    readonly uri: vscode.Uri,
    readonly session: Promise<Loaded<S>>,
    private readonly closeSession: (s: S) => void | Promise<void>,
  ) {}

  dispose(): void {
    this.closed = true;
    void this.session.then((s) => s.ok && this.closeSession(s.value));
  }
}

/** Registers a read-only custom editor hosted by the kit. */
export function registerEditor<
  Req extends EditorRequests,
  Ev extends EventMap,
  S extends { readonly handlers: Partial<SessionHandlers<Req, EditorMethod<Req>>> },
>(context: vscode.ExtensionContext, def: EditorDefinition<Req, Ev, S>): vscode.Disposable {
  const provider: vscode.CustomReadonlyEditorProvider<EditorDocument<S>> = {
    openCustomDocument: (uri) => new EditorDocument(uri, openSession(def, uri), (s) => def.close(s)),
    resolveCustomEditor: (document, panel) => resolveEditor(context.extensionUri, def, document, panel),
  };
  return vscode.window.registerCustomEditorProvider(def.viewType, provider, { supportsMultipleEditorsPerDocument: true });
}

/** Runs the opener and turns failures into a Loaded error the webview shows on a clear page. */
async function openSession<S>(def: { label: string; open(path: string, uri: vscode.Uri): Promise<S> | S }, uri: vscode.Uri): Promise<Loaded<S>> {
  const name = basename(uri.fsPath);
  try {
    if (uri.scheme !== 'file') throw new InputError('unsupported', `Only files on disk can be opened (this one is ${uri.scheme}:)`);
    return { ok: true, value: await def.open(uri.fsPath, uri) };
  } catch (err) {
    if (err instanceof InputError) return { ok: false, code: err.code, message: err.message };
    log(`Unexpected error while loading ${name}: ${errorDetail(err)}`);
    return { ok: false, code: 'internal', message: `Could not read ${name}: ${errorMessage(err)}` };
  }
}

function resolveEditor<Req extends EditorRequests, Ev extends EventMap, S extends { readonly handlers: Partial<SessionHandlers<Req, EditorMethod<Req>>> }>(
  extensionUri: vscode.Uri,
  def: EditorDefinition<Req, Ev, S>,
  document: EditorDocument<S>,
  panel: vscode.WebviewPanel,
): void {
  panel.webview.options = webviewOptions(extensionUri);
  const rpc = connectWebview<Req, Ev>(panel, document.uri);
  const session = async (): Promise<S> => {
    const s = await document.session;
    if (!s.ok) throw new ParamError(s.message);
    return s.value;
  };
  const editor = (s: S): EditorContext<S, Ev> => ({ session: s, uri: document.uri, panel, emit: (name, payload) => rpc.emit(name, payload) });
  const hostHandlers = def.hostHandlers as Record<string, ((params: unknown, editor: EditorContext<S, Ev>) => Promise<unknown>) | undefined>;

  for (const method of methodsOf(def.requests)) {
    if (method === 'reopenWith') continue; // answered by connectWebview
    const answer = async (params: unknown): Promise<unknown> => {
      // `open` reports a failed load as its result: the page shows it instead of the editor.
      if (method === 'open') {
        const s = await document.session;
        if (!s.ok) return s;
      }
      const s = await session();
      const host = hostHandlers[method];
      if (host) return host(params, editor(s));
      const handler = (s.handlers as Record<string, SessionHandler<unknown> | undefined>)[method];
      if (!handler) throw new Error(`${def.label} request ${method} has no handler`);
      return handler(params);
    };
    rpc.handle(method, async (params) => {
      try {
        return await answer(params);
      } catch (err) {
        // Bad parameters, bad input and cancelling are explained to the user; anything else is a bug.
        if (!isExpectedFailure(err) && !document.closed) {
          log(`${def.label} request ${method} failed for ${document.uri.fsPath}: ${errorDetail(err)}`);
        }
        throw err;
      }
    });
  }

  const disposables: vscode.Disposable[] = [];
  if (def.connect) {
    void document.session.then((s) => {
      if (!s.ok || disposed) return;
      disposables.push(...def.connect!(editor(s.value)));
    });
  }
  let disposed = false;
  panel.onDidDispose(() => {
    disposed = true;
    for (const d of disposables) d.dispose();
  });
  panel.webview.html = webviewHtml(panel.webview, extensionUri, def.bundle, basename(document.uri.fsPath));
}
