import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError, errorDetail, errorMessage, isAbortError } from '../../core/errors';
import { log } from './log';
import { requireTrustedWorkspace } from './workspaceTrust';

/*
 * The command toolkit every command uses: registration with the trust check and one way of
 * reporting failures, finding the input, a review list of settings, the overwrite question, and
 * running a job under a cancellable progress notification.
 */

/**
 * Registers a command. A command that writes files runs only in a trusted workspace (see
 * requireTrustedWorkspace); a failure is shown as `title: message` (and logged unless it is the
 * input's fault).
 */
export function registerCommand(
  context: vscode.ExtensionContext,
  id: string,
  options: { title: string; writes: boolean },
  run: (...args: unknown[]) => unknown,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      if (options.writes && !requireTrustedWorkspace(options.title)) return;
      try {
        await run(...args);
      } catch (err) {
        showInputProblem(options.title, err);
      }
    }),
  );
}

export interface InputQuery {
  /** Custom editor whose file is the input when the command runs from the palette. */
  viewType?: string;
  /** Workspace files to offer, e.g. `**\/*.{npz,npy}`. */
  glob: string;
  placeHolder: string;
  /** For the Browse… dialog. */
  filters: Record<string, string[]>;
  canSelectFolders?: boolean;
}

/**
 * The file a command works on: the Explorer/editor-title argument, else the active custom editor
 * of `viewType`, else the user's pick among workspace files (or Browse…).
 */
export async function resolveInput(arg: unknown, q: InputQuery): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (q.viewType && tab instanceof vscode.TabInputCustom && tab.viewType === q.viewType) return tab.uri;
  const files = await vscode.workspace.findFiles(q.glob, '**/node_modules/**', 500);
  const browse = { label: '$(folder-opened) Browse…', alwaysShow: true } as vscode.QuickPickItem & { uri?: vscode.Uri };
  const items = files
    .sort((a, b) => a.fsPath.localeCompare(b.fsPath))
    .map((uri) => ({ label: basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), uri }));
  const picked = await vscode.window.showQuickPick<vscode.QuickPickItem & { uri?: vscode.Uri }>([...items, browse], {
    placeHolder: q.placeHolder,
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: q.canSelectFolders ?? false,
    canSelectMany: false,
    filters: q.filters,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return chosen?.[0];
}

/**
 * The file on disk a writing command works on, after the trust check (see resolveInput);
 * undefined when the user backed out or the input cannot be used (already said).
 */
export async function commandInput(command: string, arg: unknown, q: InputQuery): Promise<string | undefined> {
  // Also here: the editors start Export Frames… without going through the command.
  if (!requireTrustedWorkspace(command)) return undefined;
  const uri = await resolveInput(arg, q);
  if (!uri) return undefined;
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(`${command}: only files on disk can be used (this one is ${uri.scheme}:)`);
    return undefined;
  }
  return uri.fsPath;
}

/** One line of a review list: what it is, its current value, and how to change it. */
export interface Setting {
  label: string;
  value(): string;
  /** Asks for a new value; resolves when done (also when the user backs out). */
  edit(): Promise<void>;
}

/**
 * Shows the settings with the action first: Enter runs it, picking a setting changes it and
 * comes back. Resolves false when dismissed.
 */
export async function review(title: string, action: { label: string; detail(): string }, settings: Setting[]): Promise<boolean> {
  for (;;) {
    const run: vscode.QuickPickItem = { label: `$(check) ${action.label}`, detail: action.detail(), alwaysShow: true };
    const items = settings.map((s) => ({ label: s.label, description: s.value(), setting: s }));
    const picked = await vscode.window.showQuickPick<vscode.QuickPickItem & { setting?: Setting }>([run, ...items], {
      title,
      placeHolder: 'Enter to start, or pick a setting to change it',
    });
    if (!picked) return false;
    if (!picked.setting) return true;
    await picked.setting.edit();
  }
}

/** A setting edited in an input box; `parse` returns the value or throws with what is wrong. */
export function textSetting<T>(
  label: string,
  get: () => T,
  set: (v: T) => void,
  show: (v: T) => string,
  options: { prompt: string; initial: () => string; parse: (text: string) => T },
): Setting {
  return {
    label,
    value: () => show(get()),
    async edit() {
      const text = await vscode.window.showInputBox({
        title: label,
        prompt: options.prompt,
        value: options.initial(),
        validateInput: (t) => {
          try {
            options.parse(t);
            return null;
          } catch (err) {
            return errorMessage(err);
          }
        },
      });
      if (text !== undefined) set(options.parse(text));
    },
  };
}

/** A setting chosen from a fixed list. */
export function choiceSetting<T extends string>(label: string, get: () => T, set: (v: T) => void, choices: { value: T; description: string }[]): Setting {
  return {
    label,
    value: () => get(),
    async edit() {
      const items = choices.map((c) => ({ label: c.value, description: c.description, picked: c.value === get() }));
      const picked = await vscode.window.showQuickPick(items, { title: label });
      if (picked) set(picked.label);
    },
  };
}

/** A path shown relative to the workspace when inside it. */
export function displayPath(path: string): string {
  return vscode.workspace.asRelativePath(path);
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Asks before replacing `path`; true when it does not exist or the user agreed. */
export async function confirmReplace(path: string, what = `${basename(path)} already exists.`): Promise<boolean> {
  if (!(await exists(path))) return true;
  const answer = await vscode.window.showWarningMessage(what, { modal: true, detail: `Replace ${displayPath(path)}?` }, 'Replace');
  return answer === 'Replace';
}

export interface JobProgress {
  /** A short text and the fraction done (0–1), or null when unknown. */
  report(message: string, fraction: number | null): void;
}

/**
 * Runs `work` under a cancellable progress notification. Cancelling aborts the signal (the job
 * cleans up its files); failures are shown: input problems as their message, anything else also
 * in the log. Resolves undefined unless the job succeeded.
 */
export async function runJob<T>(
  title: string,
  failure: string,
  work: (p: JobProgress, signal: AbortSignal) => Promise<T>,
  /** Said when the user cancels (default: a status bar note). */
  options: { cancelled?: string } = {},
): Promise<T | undefined> {
  const abort = new AbortController();
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => abort.abort());
      // At most ~10 updates a second (each is a message to the workbench); the latest is never lost.
      let shown = 0;
      let last = 0;
      let pending: { message: string; pct: number } | null = null;
      let timer: NodeJS.Timeout | undefined;
      const flush = () => {
        timer = undefined;
        if (!pending) return;
        progress.report({ message: pending.message, increment: Math.max(0, pending.pct - shown) });
        shown = Math.max(shown, pending.pct);
        pending = null;
        last = Date.now();
      };
      return work(
        {
          report(message, fraction) {
            pending = { message, pct: fraction === null ? shown : Math.min(100, fraction * 100) };
            const wait = 100 - (Date.now() - last);
            if (wait <= 0) flush();
            else timer ??= setTimeout(flush, wait);
          },
        },
        abort.signal,
      ).finally(() => clearTimeout(timer));
    });
  } catch (err) {
    if (abort.signal.aborted && isAbortError(err)) {
      if (options.cancelled) void vscode.window.showInformationMessage(options.cancelled);
      else vscode.window.setStatusBarMessage(`${title}: cancelled`, 5000);
      return undefined;
    }
    showInputProblem(failure, err);
    return undefined;
  }
}

/** Shows why a command failed: input problems by their message; anything else also in the log. */
export function showInputProblem(failure: string, err: unknown): void {
  if (!(err instanceof InputError)) log(`${failure}: ${errorDetail(err)}`);
  void vscode.window.showErrorMessage(`${failure}: ${errorMessage(err)}`);
}
