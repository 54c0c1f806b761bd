import type { BodyCompressFrame, BodyCompressIndexState } from '../../protocol/bodyCompressProtocol';
import type { Banners } from '../common/banners';
import { frameGarbage, garbageMessage } from './robustBounds';

/** The id of the one banner about the file (what it holds and lacks). */
export const FILE_STATUS_BANNER = 'file-status';

/**
 * Shows the host's status of the file as one banner (replaced as indexing goes on): the index's
 * error or the first frame's when the host has no status for it, none when all is well.
 */
export function showFileStatus(banners: Banners, s: BodyCompressIndexState, firstFrameError: string | null): void {
  const status =
    s.status ?? (s.error ? { level: 'error' as const, message: s.error } : firstFrameError ? { level: 'error' as const, message: firstFrameError } : null);
  if (status) banners.show(FILE_STATUS_BANNER, status.message, status.level);
  else banners.remove(FILE_STATUS_BANNER);
}

/** The id of the banner about the shown frame's garbage coordinates and invalid uncertainties. */
export const GARBAGE_BANNER = 'frame-garbage';

/** Warns about the frame drawn when it holds garbage (once per text: playback does not rebuild it), else removes the warning. */
export function showGarbage(banners: Banners, f: BodyCompressFrame): void {
  const g = frameGarbage(f);
  const old = banners.element.querySelector(`#${GARBAGE_BANNER}`);
  if (!g) {
    old?.remove();
    return;
  }
  const message = garbageMessage(f.index, g);
  if (old?.textContent?.trim() !== message) banners.show(GARBAGE_BANNER, message, 'warning');
}

/** Disables every control under `root` (checkboxes unticked), saying why: for a file without frames. */
export function disableControls(root: HTMLElement, why: string): void {
  type Control = HTMLElement & { disabled: boolean; checked?: boolean };
  for (const c of root.querySelectorAll<Control>('vscode-checkbox, vscode-button, vscode-single-select, vscode-textfield')) {
    c.disabled = true;
    if (c.tagName === 'VSCODE-CHECKBOX') c.checked = false;
    c.title = why;
  }
}
