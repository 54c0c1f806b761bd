import * as vscode from 'vscode';
import { BodyCompressEditorProvider } from './bodyCompressEditorProvider';
import { SmcEditorProvider } from './smcEditorProvider';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(SmcEditorProvider.register(context), BodyCompressEditorProvider.register(context));
}

export function deactivate(): void {}
