// The benchmark floor: the least a custom editor can do in VS Code. Its page (inline, strict CSP
// with a nonce, like ours) posts one message; the host answers with the file's name and size, and
// the page shows them and marks the paint ('floor-painted'), as our editors mark their first content.
const vscode = require('vscode');
const { randomBytes } = require('node:crypto');
const { statSync } = require('node:fs');
const { basename } = require('node:path');

exports.activate = (context) => {
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider('bodyCaptureBench.floor', {
      openCustomDocument: (uri) => ({ uri, dispose() {} }),
      resolveCustomEditor: (document, panel) => {
        const nonce = randomBytes(18).toString('base64');
        panel.webview.options = { enableScripts: true, localResourceRoots: [] };
        panel.webview.onDidReceiveMessage(() => {
          const path = document.uri.fsPath;
          void panel.webview.postMessage({ name: basename(path), size: statSync(path).size });
        });
        panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'">
</head><body><p id="floor-text">Loading…</p><script nonce="${nonce}">
const vscode = acquireVsCodeApi();
window.addEventListener('message', (e) => {
  const p = document.getElementById('floor-text');
  p.textContent = e.data.name + ': ' + e.data.size + ' bytes';
  p.id = 'floor-ready';
  requestAnimationFrame(() => setTimeout(() => performance.mark('floor-painted'), 0));
});
vscode.postMessage('ready');
</script></body></html>`;
      },
    }),
  );
};
exports.deactivate = () => {};
