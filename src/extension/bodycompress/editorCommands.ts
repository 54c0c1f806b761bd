import * as vscode from 'vscode';
import { requestBodyCompressScreenshot } from './screenshotCommand';
import { setTemplateFaces } from './templateFacesCommand';

/** Command ids, as in package.json `contributes.commands`. */
export const BODYCOMPRESS_EDITOR_COMMANDS = {
  setTemplateFaces: 'bodyCapture.setTemplateFaces',
  screenshot: 'bodyCapture.saveBodyCompressScreenshot',
} as const;

/** The BodyCompress editor's commands: Set Template Faces…, Save Screenshot of 3D View…. */
export function registerBodyCompressEditorCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(BODYCOMPRESS_EDITOR_COMMANDS.setTemplateFaces, (uri?: unknown) => setTemplateFaces(uri)),
    vscode.commands.registerCommand(BODYCOMPRESS_EDITOR_COMMANDS.screenshot, () => requestBodyCompressScreenshot()),
  );
}
