import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Reference fixtures copied from the shared set; each has an `.expected.json` from the reference. */
export const FIXTURES = join(__dirname, '..', 'fixtures');

export function fixturePath(family: 'smc' | 'bodycompress', file: string): string {
  return join(FIXTURES, family, file);
}

/** The `.expected.json` the reference implementation wrote next to `<name>.<ext>`, untyped as JSON.parse returns it. */
export function expectedJson(family: 'smc' | 'bodycompress', name: string) {
  return JSON.parse(readFileSync(join(FIXTURES, family, `${name}.expected.json`), 'utf8'));
}
