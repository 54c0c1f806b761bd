import type * as vscode from 'vscode';
import { COMMANDS } from './ids';
import { registerCommand } from './kit/commandUi';
import { EXPORT_VIDEO_TITLE, exportVideoCommand } from './kit/videoExport';
import { CONTACT_SHEET_TITLE, exportContactSheetCommand } from './smc/contactSheet';

/** Export Video… (both editors) and Export Contact Sheet (SMC): the editor in front records or composes, the host saves. */
export function registerExportCommands(context: vscode.ExtensionContext): void {
  registerCommand(context, COMMANDS.exportVideo, { title: EXPORT_VIDEO_TITLE, writes: true }, () => exportVideoCommand());
  registerCommand(context, COMMANDS.exportContactSheet, { title: CONTACT_SHEET_TITLE, writes: true }, () => exportContactSheetCommand());
}
