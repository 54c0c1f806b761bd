import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

let cached: string | null | undefined;

/**
 * The `xz` program on PATH (XZ Utils), or null. `BODYCAP_XZ` overrides: a path to use, or `none`
 * to pretend there is none (then the bundled decoders/encoders are used).
 */
export function systemXz(): string | null {
  if (cached !== undefined) return cached;
  const forced = process.env.BODYCAP_XZ;
  if (forced) return (cached = forced === 'none' ? null : forced);
  const names = process.platform === 'win32' ? ['xz.exe'] : ['xz'];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const p = join(dir, name);
      try {
        accessSync(p, constants.X_OK);
        return (cached = p);
      } catch {
        /* keep looking */
      }
    }
  }
  return (cached = null);
}
