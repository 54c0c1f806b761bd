// The ids the extension registers (src/extension/ids.ts) are exactly those package.json contributes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, VIEW_TYPES } from '../../src/extension/ids';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));

test('ids.ts holds every contributed command and custom editor, and nothing else', () => {
  const commands: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
  const editors: string[] = manifest.contributes.customEditors.map((e: { viewType: string }) => e.viewType);
  assert.deepEqual(Object.values(COMMANDS).sort(), commands.sort());
  assert.deepEqual(Object.values(VIEW_TYPES).sort(), editors.sort());
});

test('menus and activation name only ids from ids.ts', () => {
  const known = new Set<string>([...Object.values(COMMANDS), ...Object.values(VIEW_TYPES)]);
  const menus = manifest.contributes.menus as Record<string, { command: string; when?: string }[]>;
  for (const [where, entries] of Object.entries(menus)) {
    for (const m of entries) {
      assert.ok(known.has(m.command), `${where}: ${m.command}`);
      for (const id of m.when?.match(/bodyCapture\.\w+/g) ?? []) assert.ok(known.has(id), `${where} when-clause: ${id}`);
    }
  }
});
