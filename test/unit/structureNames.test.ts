// The Structure view's name handling: natural order of members and the h5py snippet's quoting
// (checked by Python itself: the snippet must parse and name the same path).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { naturalCompare, naturalSort } from '../../src/core/naturalSort';
import { h5pySnippet } from '../../src/webview/smc/h5pySnippet';
import { runH5py } from '../helpers/h5py';

test('natural order: numbers by value, text by code point, leading zeros after', () => {
  const names = ['10', '2', '1', '0', '11', '12', '3', 'b', 'a10', 'a9', 'A', '01', '00', 'x1y2', 'x1y10', ''];
  assert.deepEqual(
    naturalSort(names, (s) => s),
    ['', '0', '00', '1', '01', '2', '3', '10', '11', '12', 'A', 'a9', 'a10', 'b', 'x1y2', 'x1y10'],
  );
  assert.ok(naturalCompare('frame_2', 'frame_10') < 0);
  assert.ok(naturalCompare('99999999999999999999', '100000000000000000000') < 0);
  assert.equal(naturalCompare('same', 'same'), 0);
});

test('h5py snippets quote any name so that Python reads back the same path', () => {
  const paths = ['/Camera/25/color/3', "/it's", '/a"b', '/both\'"q', '/back\\slash', '/tab\there', '/é/ü', '/new\nline'];
  const snippets = paths.map((p) => h5pySnippet(p, 'dataset'));
  assert.equal(snippets[0], "f['Camera/25/color/3'][()]");
  assert.equal(h5pySnippet('/', 'group'), 'f');
  assert.equal(h5pySnippet('/Camera/25', 'group'), "f['Camera/25']");
  // Python evaluates each snippet against a recording object and prints the key it was indexed with.
  const code = String.raw`
import sys, json, ast
class F:
    def __getitem__(self, k):
        self.key = k
        return self
f = F()
out = []
for s in json.loads(sys.argv[1]):
    tree = ast.parse(s, mode='eval')
    eval(compile(tree, '<snippet>', 'eval'), {'f': f})
    out.append(f.key if isinstance(f.key, str) else None)
    f.key = None
print(json.dumps(out))
`;
  // The last index of a dataset snippet is () (not a str): the path is the first key, so evaluate without it.
  const keys = JSON.parse(runH5py(code, [JSON.stringify(snippets.map((s) => s.replace(/\[\(\)\]$/, '')))]));
  assert.deepEqual(
    keys,
    paths.map((p) => p.slice(1)),
  );
});
