import { pyDisplay, pyShapeText, pyTypeName } from './pyRepr';
import type { PyValue } from './pyValues';
import type { ValueView } from './valueViewModel';

export type { ValueView };

/** Characters of one value's text: a frame key's cell, a metadata tree item (one line, full text as its tooltip). */
const MAX_TEXT = 2000;
const MAX_TREE_TEXT = 1000;
/** Members listed per dict or list, and in the whole tree (hostile metadata stays a few MB at most). */
const MAX_CHILDREN = 500;
const MAX_NODES = 2000;

/** One value, members not listed (a frame key's row). */
export function valueView(key: string, v: PyValue, limit = MAX_TEXT): ValueView {
  return { key, type: pyTypeName(v), shape: pyShapeText(v), ...pyDisplay(v, limit) };
}

/** A value with its dict and list members as a tree (the metadata). */
export function valueTree(key: string, v: PyValue): ValueView {
  const budget = { nodes: MAX_NODES };
  const walk = (k: string, x: PyValue): ValueView => {
    budget.nodes--;
    const members = membersOf(x);
    if (!members) return valueView(k, x, MAX_TREE_TEXT);
    const view: ValueView = { key: k, type: pyTypeName(x), shape: pyShapeText(x), text: '', note: '', children: [] };
    for (const [mk, mx] of members) {
      if (view.children!.length >= MAX_CHILDREN || budget.nodes <= 0) break;
      view.children!.push(walk(mk, mx));
    }
    const total = x instanceof Map ? x.size : (x as PyValue[]).length;
    if (total > view.children!.length) view.more = total - view.children!.length;
    return view;
  };
  return walk(key, v);
}

/** Members of a dict (keys as Python prints them unless str) or list (`[0]`), else null; read lazily (a list may be huge). */
function membersOf(v: PyValue): Iterable<[string, PyValue]> | null {
  if (Array.isArray(v))
    return (function* () {
      for (let i = 0; i < v.length; i++) yield [`[${i}]`, v[i]!] as [string, PyValue];
    })();
  if (v instanceof Map)
    return (function* () {
      for (const [k, x] of v) yield [typeof k === 'string' ? k : pyDisplay(k, 200).text, x] as [string, PyValue];
    })();
  return null;
}

/** A frame's keys in order; a dict with str keys (the camera) gets a row of its own, then a row per field (`camera.R`). */
export function frameKeyViews(values: Map<string, PyValue>): ValueView[] {
  const rows: ValueView[] = [];
  for (const [key, v] of values) {
    const fields = v instanceof Map && [...v.keys()].every((k) => typeof k === 'string') ? [...v] : null;
    rows.push(fields ? { key, type: pyTypeName(v), shape: pyShapeText(v), text: '', note: '' } : valueView(key, v));
    for (const [field, x] of fields ?? []) rows.push(valueView(`${key}.${field as string}`, x));
  }
  return rows;
}
