import type * as vscode from 'vscode';
import { registerBodyCompressCommands } from './bodycompress/commands';
import { registerExtractCommands } from './extract/commands';
import { registerExportCommands } from './exportCommands';

/**
 * Registers every command the extension contributes (see `contributes.commands` in package.json;
 * ids in ids.ts). Each feature keeps its commands in its folder's commands.ts and adds one line here.
 */
export function registerCommands(context: vscode.ExtensionContext): void {
  registerBodyCompressCommands(context);
  registerExtractCommands(context);
  registerExportCommands(context);
}
