import type * as vscode from 'vscode';
import { COMMANDS } from '../ids';
import { registerCommand } from '../kit/commandUi';
import { compareWithBodyCompressFile } from './compareCommand';
import { compressToBodyCompress } from './compressCommand';
import { convertSmcToBodyCompress } from './convertCommand';
import { exportBodyCompressFrames } from './exportCommand';
import { requestBodyCompressScreenshot } from './screenshotCommand';
import { setTemplateFaces } from './templateFacesCommand';
import { setSourceVideo } from './sourceVideo';
import { activeBodyCompressEditor } from './openEditors';

/** The BodyCompress commands: Compress…, Convert SMC Performance…, Export Frames…, Save Screenshot…, Set Template Faces…, Compare with BodyCompress File…. */
export function registerBodyCompressCommands(context: vscode.ExtensionContext): void {
  registerCommand(context, COMMANDS.compress, { title: 'Compress to BodyCompress', writes: true }, (uri) => compressToBodyCompress(uri));
  registerCommand(context, COMMANDS.convertSmc, { title: 'Convert SMC Performance to BodyCompress', writes: true }, (uri) => convertSmcToBodyCompress(uri));
  registerCommand(context, COMMANDS.exportFrames, { title: 'Export Frames', writes: true }, (uri) => exportBodyCompressFrames(uri));
  registerCommand(context, COMMANDS.setTemplateFaces, { title: 'Set Template Faces', writes: true }, (uri) => setTemplateFaces(uri));
  registerCommand(context, COMMANDS.compareBodyCompress, { title: 'Compare with BodyCompress File', writes: false }, () => compareWithBodyCompressFile());
  registerCommand(context, COMMANDS.setSourceVideo, { title: 'Set Source Video', writes: false }, () =>
    setSourceVideo(context, activeBodyCompressEditor()?.uri),
  );
  registerCommand(context, COMMANDS.screenshot, { title: 'Save Screenshot of 3D View', writes: true }, () => requestBodyCompressScreenshot());
}
