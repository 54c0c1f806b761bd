/**
 * A small stand-in for the `vscode` module, so unit tests can activate the real extension and
 * drive its editor providers and commands in plain Node: webview panels whose messages the test
 * sends and reads, dialogs that record what they showed and answer "dismissed", a workspace whose
 * trust the test sets. Importing this file installs it; import it before any `src/extension` code.
 *
 * Only what the extension uses is here. Anything else throws "not in the fake", so a provider that
 * starts using a new API fails loudly: add the API below.
 */
import Module from 'node:module';
import { after, before } from 'node:test';
import { posix, resolve } from 'node:path';
import type * as vscodeTypes from 'vscode';
import type { Envelope } from '../../src/protocol/rpc';

type Listener<T> = (e: T) => unknown;

class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>, thisArg?: unknown, disposables?: { dispose(): unknown }[]): Disposable => {
    const bound: Listener<T> = (e) => listener.call(thisArg, e);
    this.listeners.add(bound);
    const d = new Disposable(() => this.listeners.delete(bound));
    disposables?.push(d);
    return d;
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class Disposable {
  constructor(private readonly fn: () => unknown) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query = '',
    readonly fragment = '',
  ) {}
  static file(path: string): Uri {
    return new Uri('file', '', resolve(path));
  }
  static parse(value: string): Uri {
    const u = new URL(value);
    return new Uri(u.protocol.slice(0, -1), u.host, decodeURIComponent(u.pathname), u.search.slice(1), u.hash.slice(1));
  }
  static from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme, c.authority ?? '', c.path ?? '/', c.query ?? '', c.fragment ?? '');
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return base.with({ path: posix.join(base.path, ...parts) });
  }
  get fsPath(): string {
    return this.path;
  }
  with(c: { scheme?: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme ?? this.scheme, c.authority ?? this.authority, c.path ?? this.path, c.query ?? this.query, c.fragment ?? this.fragment);
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${encodeURI(this.path)}${this.query ? `?${this.query}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
  }
  toJSON(): string {
    return this.toString();
  }
}

class RelativePattern {
  constructor(
    readonly base: Uri | string,
    readonly pattern: string,
  ) {}
}

/** Watchers the extension created (the leak tests check they are disposed). */
let liveWatchers = 0;
export const watcherCount = () => liveWatchers;

function fileSystemWatcher() {
  liveWatchers++;
  let disposed = false;
  const events = () => new EventEmitter<Uri>().event;
  return {
    onDidChange: events(),
    onDidCreate: events(),
    onDidDelete: events(),
    dispose() {
      if (!disposed) liveWatchers--;
      disposed = true;
    },
  };
}

class TabInputCustom {
  constructor(
    readonly uri: Uri,
    readonly viewType: string,
  ) {}
}

/** What VS Code uses for webview resources and as `webview.cspSource` (VS Code 1.100). */
export const WEBVIEW_RESOURCE_ORIGIN = 'https://file+.vscode-resource.vscode-cdn.net';
export const CSP_SOURCE = 'https://*.vscode-cdn.net';

/** A message, warning or error the extension showed; the fake answers each by dismissing it. */
export interface Shown {
  level: 'info' | 'warning' | 'error';
  message: string;
  items: string[];
}

/** Everything the extension did to the fake VS Code, for the tests to read. */
export const recorded = {
  editors: new Map<string, { provider: vscodeTypes.CustomReadonlyEditorProvider; options: unknown }>(),
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  /** Built-in commands the extension ran (id and arguments). */
  executed: [] as { id: string; args: unknown[] }[],
  shown: [] as Shown[],
  /** Lines written to the extension's output channel. */
  log: [] as string[],
  /** Dialogs and pickers opened (all dismissed): what a writing command asks before it writes. */
  prompts: [] as string[],
  clipboard: '',
  /** Webview panels the extension created (not custom editors). */
  panels: [] as { viewType: string; title: string; webview: { html: string } }[],
};

export const workspaceState = { isTrusted: true };

/** Throws on any API the fake does not provide, naming it. */
function strict<T extends object>(name: string, ns: T): T {
  return new Proxy(ns, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && !(prop in target)) throw new Error(`vscode.${name}.${prop} is not in the fake (test/helpers/fakeVscode.ts): add it`);
      return Reflect.get(target, prop, receiver);
    },
  });
}

const show =
  (level: Shown['level']) =>
  (message: string, ...rest: unknown[]): Promise<undefined> => {
    recorded.shown.push({ level, message, items: rest.filter((r): r is string => typeof r === 'string') });
    return Promise.resolve(undefined);
  };

const dismissed =
  (what: string) =>
  (...args: unknown[]): Promise<undefined> => {
    recorded.prompts.push(`${what} ${JSON.stringify(args[args.length - 1] ?? {}).slice(0, 200)}`);
    return Promise.resolve(undefined);
  };

/** What the fake does for calls that change nothing it records. */
const nothing = (): void => undefined;

/** A QuickPick or InputBox from createQuickPick/createInputBox: recorded when shown, then dismissed. */
const dismissedInput = (what: string) => () => {
  const hide = new EventEmitter<void>();
  const input = {
    items: [] as unknown[],
    activeItems: [] as unknown[],
    selectedItems: [] as unknown[],
    onDidAccept: new EventEmitter<void>().event,
    onDidTriggerButton: new EventEmitter<unknown>().event,
    onDidChangeValue: new EventEmitter<string>().event,
    onDidHide: hide.event,
    show() {
      recorded.prompts.push(
        `${what} ${JSON.stringify({ title: (input as { title?: string }).title, placeholder: (input as { placeholder?: string }).placeholder })}`,
      );
      void Promise.resolve().then(() => hide.fire());
    },
    dispose: nothing,
  };
  return input;
};

/** A webview panel (Explore SMC Folder): records its title and keeps the HTML it is given. */
const webviewPanel = (viewType: string, title: string) => {
  const panel = {
    viewType,
    title,
    webview: { html: '', cspSource: 'vscode-resource:', asWebviewUri: (u: Uri) => u },
    onDidDispose: new EventEmitter<void>().event,
    reveal: nothing,
    dispose: nothing,
  };
  recorded.panels.push(panel);
  return panel;
};

const outputChannel = () => {
  const write = (m: string) => void recorded.log.push(m);
  return {
    info: write,
    warn: write,
    error: write,
    debug: write,
    trace: write,
    appendLine: write,
    append: write,
    show: nothing,
    hide: nothing,
    clear: nothing,
    dispose: nothing,
  };
};

const fake = {
  Uri,
  EventEmitter,
  Disposable,
  TabInputCustom,
  RelativePattern,
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
  QuickInputButtons: { Back: { iconPath: 'back' } },
  QuickPickItemKind: { Separator: -1, Default: 0 },
  window: strict('window', {
    registerCustomEditorProvider(viewType: string, provider: vscodeTypes.CustomReadonlyEditorProvider, options?: unknown) {
      recorded.editors.set(viewType, { provider, options });
      return new Disposable(() => recorded.editors.delete(viewType));
    },
    createOutputChannel: outputChannel,
    showInformationMessage: show('info'),
    showWarningMessage: show('warning'),
    showErrorMessage: show('error'),
    showQuickPick: dismissed('showQuickPick'),
    createQuickPick: dismissedInput('createQuickPick'),
    createInputBox: dismissedInput('createInputBox'),
    createWebviewPanel: webviewPanel,
    showInputBox: dismissed('showInputBox'),
    showOpenDialog: dismissed('showOpenDialog'),
    showSaveDialog: dismissed('showSaveDialog'),
    showTextDocument: async () => undefined,
    setStatusBarMessage: () => new Disposable(() => undefined),
    withProgress: <R>(_o: unknown, task: (p: { report(v: unknown): void }, t: vscodeTypes.CancellationToken) => Promise<R>) =>
      task({ report: nothing }, { isCancellationRequested: false, onCancellationRequested: new EventEmitter<unknown>().event }),
    tabGroups: { activeTabGroup: { activeTab: undefined }, all: [] },
  }),
  workspace: strict('workspace', {
    get isTrusted() {
      return workspaceState.isTrusted;
    },
    workspaceFolders: undefined,
    getConfiguration: () => ({ get: <T>(_k: string, d?: T) => d, has: () => false, update: async () => undefined, inspect: () => undefined }),
    asRelativePath: (p: string | Uri) => (typeof p === 'string' ? p : p.fsPath),
    getWorkspaceFolder: () => undefined,
    findFiles: async () => [],
    registerTextDocumentContentProvider: () => new Disposable(() => undefined),
    openTextDocument: async () => ({}),
    onDidGrantWorkspaceTrust: new EventEmitter<void>().event,
    onDidChangeConfiguration: new EventEmitter<unknown>().event,
    createFileSystemWatcher: fileSystemWatcher,
  }),
  commands: strict('commands', {
    registerCommand(id: string, fn: (...args: unknown[]) => unknown) {
      recorded.commands.set(id, fn);
      return new Disposable(() => recorded.commands.delete(id));
    },
    async executeCommand(id: string, ...args: unknown[]) {
      const own = recorded.commands.get(id);
      if (own) return own(...args);
      recorded.executed.push({ id, args });
      return undefined;
    },
  }),
  env: strict('env', {
    clipboard: {
      readText: async () => recorded.clipboard,
      writeText: async (t: string) => void (recorded.clipboard = t),
    },
  }),
};

const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? fake : load.call(this, request, ...rest);
};

/**
 * A webview panel as the provider sees it. `send` delivers what the webview would post;
 * `posted` holds what the host posted to the webview.
 */
export class FakeWebviewPanel {
  readonly posted: unknown[] = [];
  disposed = false;
  readonly visible = true;
  readonly active = true;
  readonly viewColumn = 1;
  title = '';
  private readonly received = new EventEmitter<unknown>();
  private readonly onDispose = new EventEmitter<void>();
  private readonly replies = new Map<number, (e: Envelope) => void>();
  readonly webview = {
    options: {} as vscodeTypes.WebviewOptions,
    html: '',
    cspSource: CSP_SOURCE,
    asWebviewUri: (uri: Uri) => Uri.parse(`${WEBVIEW_RESOURCE_ORIGIN}${encodeURI(uri.path)}`),
    postMessage: async (message: unknown) => {
      if (this.disposed) throw new Error('Webview is disposed');
      this.posted.push(message);
      const m = message as Envelope;
      if (m.kind === 'reply') this.replies.get(m.id)?.(m);
      return true;
    },
    onDidReceiveMessage: this.received.event,
  };
  readonly onDidDispose = this.onDispose.event;
  readonly onDidChangeViewState = new EventEmitter<unknown>().event;

  constructor(readonly viewType: string) {}

  reveal(): void {
    // Nothing to show: the fake has no window.
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.onDispose.fire();
    this.received.dispose();
  }

  /** Delivers a message as if the webview had posted it. */
  send(message: unknown): void {
    this.received.fire(message);
  }

  /** Sends a request envelope and resolves with the host's reply (rejects after `timeoutMs`). */
  request(id: number, method: string, params: unknown, timeoutMs = 30_000): Promise<Extract<Envelope, { kind: 'reply' }>> {
    return new Promise((resolveReply, reject) => {
      const timer = setTimeout(() => {
        this.replies.delete(id);
        reject(new Error(`no reply to ${method} (id ${id}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.replies.set(id, (e) => {
        clearTimeout(timer);
        this.replies.delete(id);
        resolveReply(e as Extract<Envelope, { kind: 'reply' }>);
      });
      this.send({ kind: 'request', id, method, params });
    });
  }
}

/** One open custom document with its editors, closed the way VS Code closes them. */
export class OpenDocument {
  readonly panels: FakeWebviewPanel[] = [];

  private constructor(
    readonly viewType: string,
    readonly document: vscodeTypes.CustomDocument,
    private readonly provider: vscodeTypes.CustomReadonlyEditorProvider,
  ) {}

  static async open(viewType: string, path: string): Promise<OpenDocument> {
    const entry = recorded.editors.get(viewType);
    if (!entry) throw new Error(`no editor registered for ${viewType}`);
    const token = { isCancellationRequested: false, onCancellationRequested: new EventEmitter<unknown>().event };
    const document = await entry.provider.openCustomDocument(Uri.file(path), { backupId: undefined, untitledDocumentData: undefined }, token);
    return new OpenDocument(viewType, document, entry.provider);
  }

  /** Opens one more editor on the document (VS Code's split editor). */
  async addEditor(): Promise<FakeWebviewPanel> {
    const panel = new FakeWebviewPanel(this.viewType);
    const token = { isCancellationRequested: false, onCancellationRequested: new EventEmitter<unknown>().event };
    await this.provider.resolveCustomEditor(this.document, panel as unknown as vscodeTypes.WebviewPanel, token);
    this.panels.push(panel);
    return panel;
  }

  /** Closes one editor; closing the last one disposes the document, as VS Code does. */
  closeEditor(panel: FakeWebviewPanel): void {
    panel.dispose();
    if (this.panels.every((p) => p.disposed)) this.disposeDocument();
  }

  /** Closes every editor of the document, and so the document. */
  close(): void {
    for (const p of this.panels) p.dispose();
    this.disposeDocument();
  }

  private documentDisposed = false;

  private disposeDocument(): void {
    if (this.documentDisposed) return;
    this.documentDisposed = true;
    this.document.dispose();
  }
}

/** Log lines the providers write when a request hit a bug rather than bad input or a closed file. */
const BUG_LOG = /failed for|Unexpected error/;

/** The first lines of bug reports logged since log line `start` (each once). */
export function bugsLoggedSince(start: number): string[] {
  return [
    ...new Set(
      recorded.log
        .slice(start)
        .filter((l) => BUG_LOG.test(l))
        .map((l) => l.split('\n')[0]!.slice(0, 300)),
    ),
  ];
}

/**
 * Activates the extension for a test file and collects the unhandled rejections and uncaught
 * exceptions while its tests run (a webview must never cause one: tests check it stays empty).
 */
export function extensionUnderTest(): { unhandled: unknown[] } {
  const unhandled: unknown[] = [];
  const collect = (e: unknown) => void unhandled.push(e);
  before(() => {
    process.on('unhandledRejection', collect);
    process.on('uncaughtException', collect);
    activateExtension();
  });
  after(() => {
    process.off('unhandledRejection', collect);
    process.off('uncaughtException', collect);
  });
  return { unhandled };
}

let activated = false;

/** Activates the real extension (src/extension/extension.ts) against the fake, once per process. */
export function activateExtension(extensionRoot = resolve(__dirname, '..', '..')): void {
  if (activated) return;
  activated = true;
  // Loaded only now, after the fake is installed.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous, and must run after the fake "vscode" module is installed
  const extension = require('../../src/extension/extension') as typeof import('../../src/extension/extension');
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    extensionUri: Uri.file(extensionRoot),
    extensionPath: extensionRoot,
    globalState: new Map(),
    workspaceState: new Map(),
  };
  extension.activate(context as unknown as vscodeTypes.ExtensionContext);
}
