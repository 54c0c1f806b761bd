import { formatBytes } from '../formatBytes';
import type { ExtractProgress } from './extractRunner';

/** "1,234 of 6,002 files, 612.0 MB/s, about 8 s left": for the CLI's progress line and VS Code's notification. */
export function progressText(p: ExtractProgress): string {
  const rate = p.seconds > 0 ? p.bytesWritten / p.seconds : 0;
  const left = p.bytesTotal - p.bytesDone;
  const eta = rate > 0 && left > 0 ? `, about ${formatDuration(left / rate)} left` : '';
  return `${p.filesDone.toLocaleString('en-US')} of ${p.filesTotal.toLocaleString('en-US')} files, ${formatBytes(rate)}/s${eta}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds - m * 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
