import type * as vscode from 'vscode';

/**
 * Registers every command the extension contributes (see `contributes.commands` in package.json).
 * Each feature keeps its commands in its own module here and adds one line below.
 */
export function registerCommands(context: vscode.ExtensionContext): void {
  void context;
}
