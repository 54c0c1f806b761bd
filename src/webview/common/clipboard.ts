import '@vscode-elements/elements/dist/vscode-button/index.js';
import { el } from './dom';
import { errorText } from './errorText';

/**
 * A "Copy" button: `text()` is computed on click and handed to `write` (the host's clipboard, so it
 * works in every webview, whatever the browser's clipboard permissions). The label confirms.
 */
export function copyButton(label: string, text: () => string, write: (text: string) => Promise<unknown>, attrs: Record<string, string> = {}): HTMLElement {
  const button = el('vscode-button', { secondary: true, icon: 'copy', ...attrs }, label);
  let timer: number | undefined;
  const copy = async (): Promise<void> => {
    try {
      await write(text());
      button.textContent = 'Copied';
      button.setAttribute('icon', 'check');
    } catch (err) {
      button.textContent = 'Copy failed';
      button.title = errorText(err);
    }
    clearTimeout(timer);
    timer = window.setTimeout(() => {
      button.textContent = label;
      button.setAttribute('icon', 'copy');
    }, 1500);
  };
  button.addEventListener('click', () => void copy());
  return button;
}
