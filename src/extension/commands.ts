import type * as vscode from 'vscode';
import { registerBodyCompressCommands } from './bodycompress/commands';
import { registerBodyCompressEditorCommands } from './bodycompress/editorCommands';
import { registerExtractCommands } from './extract/commands';

/**
 * Registers every command the extension contributes (see `contributes.commands` in package.json).
 * Each feature keeps its commands in its own module here and adds one line below.
 */
export function registerCommands(context: vscode.ExtensionContext): void {
  registerBodyCompressCommands(context);
  registerBodyCompressEditorCommands(context);
  registerExtractCommands(context);
}
