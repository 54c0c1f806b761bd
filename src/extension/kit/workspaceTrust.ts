import * as vscode from 'vscode';

/**
 * Commands that write files run only in a trusted workspace. The manifest's `enablement:
 * isWorkspaceTrusted` hides them from the palette and menus; this covers the ways around it
 * (a keybinding, another extension's executeCommand). Says why and returns false when untrusted.
 */
export function requireTrustedWorkspace(command: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(`${command} requires a trusted workspace, because it writes files. Trust this workspace and run it again.`, 'Manage Workspace Trust')
    .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}
