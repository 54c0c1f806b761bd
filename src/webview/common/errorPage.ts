import '@vscode-elements/elements/dist/vscode-button/index.js';
import { el, render } from './dom';

/**
 * The clear page shown instead of an editor when the file cannot be shown: what is wrong, and a
 * way out (VS Code's "Reopen Editor With…" picker).
 */
export function showErrorPage(title: string, message: string, onReopen: () => void): void {
  const button = el('vscode-button', { id: 'reopen-with', secondary: true }, 'Reopen With…');
  button.addEventListener('click', onReopen);
  render(
    el(
      'section',
      { class: 'error-page', role: 'alert' },
      el('h1', {}, el('span', { class: 'codicon codicon-warning', 'aria-hidden': 'true' }), ' ', title),
      el('p', { class: 'error-message' }, message),
      el('p', {}, button),
    ),
  );
}
