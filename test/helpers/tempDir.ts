import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/**
 * A new empty folder `<tmp>/bcv-<label>-XXXXXX`, removed when the test process exits unless a
 * test failed (then it stays for a look). Each test file runs in its own process.
 */
export async function tempDir(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `bcv-${label}-`));
  if (made.length === 0) {
    process.once('exit', (code) => {
      if (code || process.exitCode) return;
      for (const d of made) {
        try {
          rmSync(d, { recursive: true, force: true });
        } catch {
          // Left behind (e.g. made unreadable by a test): harmless in the temp folder.
        }
      }
    });
  }
  made.push(dir);
  return dir;
}
