import * as vscode from 'vscode';
import { compressToBodyCompress } from './compressCommand';
import { convertSmcToBodyCompress } from './convertCommand';
import { exportBodyCompressFrames } from './exportCommand';

/** Command ids, as in package.json `contributes.commands`. */
export const BODYCOMPRESS_COMMANDS = {
  compress: 'bodyCapture.compressToBodyCompress',
  convertSmc: 'bodyCapture.convertSmcToBodyCompress',
  exportFrames: 'bodyCapture.exportBodyCompressFrames',
} as const;

/** The BodyCompress writing commands: Compress…, Convert SMC Performance…, Export Frames…. */
export function registerBodyCompressCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(BODYCOMPRESS_COMMANDS.compress, (uri?: unknown) => compressToBodyCompress(uri)),
    vscode.commands.registerCommand(BODYCOMPRESS_COMMANDS.convertSmc, (uri?: unknown) => convertSmcToBodyCompress(uri)),
    vscode.commands.registerCommand(BODYCOMPRESS_COMMANDS.exportFrames, (uri?: unknown) => exportBodyCompressFrames(uri)),
  );
}
