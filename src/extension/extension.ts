import type * as vscode from 'vscode';
import { registerBodyCompressEditor } from './bodycompress/bodyCompressEditor';
import { registerCommands } from './commands';
import { registerSmcEditor } from './smc/smcEditor';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(registerSmcEditor(context), registerBodyCompressEditor(context));
  registerCommands(context);
}
