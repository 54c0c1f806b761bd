// Restricted Mode, through the real extension (activated against test/helpers/fakeVscode): every
// command is either read-only or declared as needing a trusted workspace; called anyway in an
// untrusted workspace (a keybinding or executeCommand bypasses `enablement`), a writing command
// says why it cannot run and writes nothing; viewing works.
import { activateExtension, OpenDocument, recorded, Uri, workspaceState } from '../helpers/fakeVscode';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EDITORS, fixtureFile } from '../helpers/editorFixtures';
import { fixturePath } from '../helpers/fixtures';
import { fileStates } from '../helpers/extractTree';
import { tempDir } from '../helpers/tempDir';

interface ContributedCommand {
  command: string;
  title: string;
  enablement?: string;
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const commands: ContributedCommand[] = manifest.contributes.commands;
/**
 * Commands that only read; every other command must need a trusted workspace. Compare opens a
 * second file read-only, as the editor opens the first; Set Source Video reads a video and
 * remembers the choice (in VS Code's state, no file).
 */
const READ_ONLY = ['bodyCapture.exploreFolder', 'bodyCapture.compareBodyCompress', 'bodyCapture.setSourceVideo'];
const writing = commands.filter((c) => !READ_ONLY.includes(c.command));

let dir: string;

/** The argument the Explorer passes the command: the folder, or a file its context menu entry matches. */
function explorerArgument(command: string): Uri | undefined {
  const entry = (manifest.contributes.menus['explorer/context'] as { command: string; when: string }[]).find((m) => m.command === command);
  if (!entry) return undefined;
  const ext = /resourceExtname == (\.\w+)/.exec(entry.when)?.[1];
  if (!ext) return Uri.file(dir);
  const file = { '.smc': '0026_h0_raw.smc', '.xz': 'single_person_30f.xz', '.npz': 'frames.npz', '.npy': 'frames.npy' }[ext];
  assert.ok(file, `a test file for ${ext}`);
  return Uri.file(join(dir, file));
}

const settle = () => new Promise((r) => setTimeout(r, 200));

before(async () => {
  activateExtension();
  dir = await tempDir('trust');
  for (const name of ['0026_h0_raw.smc', '0026_h0_anno.smc']) await copyFile(fixturePath('smc', name), join(dir, name));
  await copyFile(fixturePath('bodycompress', 'single_person_30f.xz'), join(dir, 'single_person_30f.xz'));
});

after(async () => {
  workspaceState.isTrusted = true;
  await rm(dir, { recursive: true, force: true });
});

test('the manifest: limited support in untrusted workspaces, and every writing command needs trust', () => {
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.deepEqual([...recorded.commands.keys()].sort(), commands.map((c) => c.command).sort(), 'every contributed command is registered');
  for (const c of writing) assert.match(c.enablement ?? '', /\bisWorkspaceTrusted\b/, `${c.command} writes files: enablement isWorkspaceTrusted`);
  for (const c of commands.filter((c) => READ_ONLY.includes(c.command))) assert.equal(c.enablement, undefined, `${c.command} is read-only`);
});

describe('in an untrusted workspace', () => {
  // Every editor is open, so commands that act on the active editor get that far.
  const open: OpenDocument[] = [];
  before(async () => {
    workspaceState.isTrusted = false;
    for (const e of EDITORS) {
      const doc = await OpenDocument.open(e.viewType, fixtureFile(e));
      await doc.addEditor();
      open.push(doc);
    }
  });
  after(() => open.forEach((d) => d.close()));

  for (const c of writing) {
    test(`${c.command} called directly says it needs a trusted workspace, asks nothing and writes nothing`, async () => {
      const files = await fileStates(dir);
      recorded.shown.length = 0;
      recorded.prompts.length = 0;
      await recorded.commands.get(c.command)!(explorerArgument(c.command));
      await settle();
      const title = c.title.replace(/…$/, '');
      assert.deepEqual(
        recorded.shown.map((s) => [s.level, s.message, s.items]),
        [['warning', `${title} requires a trusted workspace, because it writes files. Trust this workspace and run it again.`, ['Manage Workspace Trust']]],
      );
      assert.deepEqual(recorded.prompts, [], 'no picker or dialog');
      assert.deepEqual(await fileStates(dir), files);
    });
  }

  test('Explore SMC Folder (read-only) still runs', async () => {
    recorded.shown.length = 0;
    recorded.panels.length = 0;
    await recorded.commands.get('bodyCapture.exploreFolder')!(Uri.file(dir));
    assert.deepEqual(recorded.shown, []);
    assert.deepEqual(
      recorded.panels.map((p) => p.viewType),
      ['bodyCapture.exploreSmcFolder'],
    );
    assert.match(recorded.panels[0]!.webview.html, /<table class="explore-table" id="performances">/);
  });

  for (const e of EDITORS) {
    test(`${e.viewType} shows ${basename(e.fixture)}: every request is answered; those that would write say why they cannot`, async () => {
      recorded.shown.length = 0;
      recorded.prompts.length = 0;
      const doc = await OpenDocument.open(e.viewType, fixtureFile(e));
      try {
        const panel = await doc.addEditor();
        let id = 1;
        for (const [method, params] of Object.entries(e.requests)) {
          const r = await panel.request(id++, method, params);
          assert.ok(r.ok, `${method}: ${r.ok ? '' : r.error}`);
        }
        await settle();
        // Compare's and Set Source Video's picks only read; any other picker or save dialog would go on to write.
        const reading = ['"title":"Compare with BodyCompress File"', '"title":"Set Source Video"'];
        const writingPrompts = recorded.prompts.filter((p) => !reading.some((r) => p.includes(r)));
        assert.deepEqual(writingPrompts, [], 'no save dialog or picker: nothing goes on to write');
        for (const s of recorded.shown) assert.match(s.message, /requires a trusted workspace/);
      } finally {
        doc.close();
      }
    });
  }
});

describe('in a trusted workspace (the same calls get past the trust check)', () => {
  before(() => {
    workspaceState.isTrusted = true;
  });

  for (const c of writing) {
    test(`${c.command} goes on to ask or check its input`, async () => {
      recorded.shown.length = 0;
      recorded.prompts.length = 0;
      await recorded.commands.get(c.command)!(explorerArgument(c.command));
      await settle();
      assert.ok(!recorded.shown.some((s) => s.message.includes('trusted workspace')), JSON.stringify(recorded.shown));
      assert.ok(recorded.prompts.length + recorded.shown.length > 0, 'it asked something or explained a problem');
    });
  }
});
