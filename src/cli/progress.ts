import type { CliIo } from './command';

/**
 * A one-line progress display on stderr (rewritten in place, at most ~10 times a second). Call
 * with null to clear it. Commands use it only when stdout is a terminal.
 */
export function progressLine(io: CliIo): (text: string | null) => void {
  let last = 0;
  let shown = false;
  return (text) => {
    if (text === null) {
      if (shown) io.err('\r\x1b[K');
      shown = false;
      return;
    }
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    shown = true;
    io.err(`\r\x1b[K${text.length > 120 ? `${text.slice(0, 117)}...` : text}`);
  };
}
