import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { el } from './dom';
import type { PlaybackController } from './playbackController';

const n = (v: number) => v.toLocaleString('en-US');

/** "Go to frame" beside the timeline: pauses and jumps, and says why when the frame is not there (yet). */
export function gotoFrameField(playback: PlaybackController, setStatus: (text: string) => void): HTMLElement {
  const field = el('vscode-textfield', { id: 'goto-frame', type: 'number', min: 0, placeholder: 'Go to frame', 'aria-label': 'Go to frame' }) as HTMLElement & {
    value: string;
  };
  const go = () => {
    const f = Number(field.value);
    const p = playback;
    if (field.value.trim() === '' || !Number.isInteger(f) || f < 0) return;
    if (f >= p.available) {
      setStatus(
        f >= p.frameCount ? `There is no frame ${n(f)} (the last is ${n(p.frameCount - 1)})` : `Frame ${n(f)} is not indexed yet (${n(p.available)} so far)`,
      );
    } else setStatus('');
    p.pause();
    p.seek(f);
  };
  field.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') go();
  });
  field.addEventListener('change', go);
  return field;
}
