import * as vscode from 'vscode';
import { basename, isAbsolute, relative } from 'node:path';
import { checkFacesFit, readFacesFile, type TemplateFaces } from '../../core/faces/readFaces';
import { activeBodyCompressEditor } from './openEditors';
import { TEMPLATE_FACES_SETTING } from './templateFaces';
import { commandInput, showInputProblem } from '../kit/commandUi';

const TITLE = 'Set Template Faces';
/** Body models whose vertex counts are offered when nothing else says which one the faces are for. */
const KNOWN_MODELS: [number, string][] = [
  [6890, 'SMPL'],
  [10475, 'SMPL-X'],
];

/**
 * Set Template Faces…: picks a faces file (.npy (F, 3), .ply, .obj), checks it, and stores it in
 * `bodyCapture.templateFaces` for the vertex count it fits (the workspace's settings, with a path
 * relative to the workspace folder when it lies inside; the user's settings otherwise).
 */
export async function setTemplateFaces(arg?: unknown): Promise<void> {
  const path = await commandInput(TITLE, arg, {
    glob: '**/*.{npy,ply,obj}',
    placeHolder: 'The faces file (.npy of shape (F, 3), .ply or .obj) of your body model',
    filters: { 'Faces (npy, ply, obj)': ['npy', 'ply', 'obj'] },
  });
  if (!path) return;
  let faces: TemplateFaces;
  try {
    faces = await readFacesFile(path);
  } catch (err) {
    showInputProblem(`Cannot use ${basename(path)} as template faces`, err);
    return;
  }
  const vertexCount = await pickVertexCount(faces, path);
  if (vertexCount === undefined) return;
  try {
    checkFacesFit(faces, vertexCount, basename(path));
  } catch (err) {
    showInputProblem(`Cannot use ${basename(path)} for ${vertexCount}-vertex bodies`, err);
    return;
  }
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path)) ?? vscode.workspace.workspaceFolders?.[0];
  const inside = folder ? relative(folder.uri.fsPath, path) : '';
  const useWorkspace = !!folder && !inside.startsWith('..') && !isAbsolute(inside);
  const config = vscode.workspace.getConfiguration('bodyCapture');
  const target = useWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const inspected = config.inspect<Record<string, string>>(TEMPLATE_FACES_SETTING);
  const current = (useWorkspace ? inspected?.workspaceValue : inspected?.globalValue) ?? {};
  const stored = useWorkspace ? inside.split('\\').join('/') : path;
  await config.update(TEMPLATE_FACES_SETTING, { ...current, [String(vertexCount)]: stored }, target);
  const triangles = (faces.indices.length / 3).toLocaleString('en-US');
  void vscode.window.showInformationMessage(
    `Template faces for ${vertexCount.toLocaleString('en-US')}-vertex bodies: ${basename(path)} (${triangles} triangles), in the ${useWorkspace ? 'workspace' : 'user'} settings.`,
  );
}

/** Which vertex count the faces are for: what the open editor shows or the file declares first. */
async function pickVertexCount(faces: TemplateFaces, path: string): Promise<number | undefined> {
  let min = 0;
  for (const v of faces.indices) if (v >= min) min = v + 1;
  const candidates = new Map<number, string>();
  const editor = activeBodyCompressEditor();
  for (const n of editor?.session.vertexCountsSeen ?? []) candidates.set(n, `bodies in ${basename(editor!.uri.fsPath)}`);
  if (faces.declaredVertices !== null && !candidates.has(faces.declaredVertices)) candidates.set(faces.declaredVertices, `the mesh in ${basename(path)}`);
  for (const [n, model] of KNOWN_MODELS) if (!candidates.has(n)) candidates.set(n, model);
  const items: (vscode.QuickPickItem & { count?: number })[] = [...candidates]
    .filter(([n]) => n >= min)
    .map(([n, why]) => ({ label: `${n}`, description: `vertices — ${why}`, count: n }));
  items.push({ label: 'Other…', description: `at least ${min} (the faces refer to vertex ${min - 1})` });
  const picked = await vscode.window.showQuickPick(items, {
    title: TITLE,
    placeHolder: `Vertex count of the bodies these ${(faces.indices.length / 3).toLocaleString('en-US')} triangles belong to`,
  });
  if (!picked) return undefined;
  if (picked.count !== undefined) return picked.count;
  const typed = await vscode.window.showInputBox({
    title: TITLE,
    prompt: 'Vertex count of the body model',
    validateInput: (t) => (Number.isSafeInteger(Number(t)) && Number(t) >= min ? null : `A whole number of at least ${min}`),
  });
  return typed === undefined ? undefined : Number(typed);
}
