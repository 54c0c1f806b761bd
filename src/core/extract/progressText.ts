import { formatBytes } from '../formatBytes';
import type { ExtractProgress } from './extractRunner';

/**
 * "1.2 GB of 6.0 GB (1,234 of 6,002 files), 612.0 MB/s, about 8 s left": for the CLI's progress line
 * and VS Code's notification. Time left is the bytes still to write at the bytes-per-second written so
 * far: files range from a 2 KB landmark array to a 50 MB audio track, so a count of files says little.
 * Files a resumed run skips are done at once and count neither in the speed nor in what is left.
 */
export function progressText(p: ExtractProgress): string {
  const rate = p.seconds > 0 ? p.bytesWritten / p.seconds : 0;
  const left = p.bytesTotal - p.bytesDone;
  const eta = rate > 0 && left > 0 ? `, about ${formatDuration(left / rate)} left` : '';
  const files = `${p.filesDone.toLocaleString('en-US')} of ${p.filesTotal.toLocaleString('en-US')} file${p.filesTotal === 1 ? '' : 's'}`;
  return `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)} (${files}), ${formatBytes(rate)}/s${eta}`;
}

/** The fraction done, by bytes (for a progress bar). */
export function progressFraction(p: ExtractProgress): number {
  return p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 0;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds - m * 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
