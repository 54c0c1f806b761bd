import * as vscode from 'vscode';
import { BodyCompressEditorProvider } from './bodycompress/bodyCompressEditor';
import { registerCommands } from './commands';
import { SmcEditorProvider } from './smc/smcEditor';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(SmcEditorProvider.register(context), BodyCompressEditorProvider.register(context));
  registerCommands(context);
}

export function deactivate(): void {}
