import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/** The "Body Capture Viewer" output channel, created on first use. */
export function log(message: string): void {
  channel ??= vscode.window.createOutputChannel('Body Capture Viewer', { log: true });
  channel.info(message);
}
