import * as vscode from 'vscode';
import { BodyCompressEditorProvider } from './bodyCompressEditorProvider';
import { registerCommands } from './commands/index';
import { SmcEditorProvider } from './smcEditorProvider';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(SmcEditorProvider.register(context), BodyCompressEditorProvider.register(context));
  registerCommands(context);
}

export function deactivate(): void {}
