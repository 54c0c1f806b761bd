import { pyStrRepr } from '../../core/numpy/pyLiteral';

/**
 * Python that opens an object with h5py, for the Structure view's "Copy h5py Snippet": `f` for the
 * root, `f['Camera/25']` for a group, `f['Camera/25/color/3'][()]` (every value, as numpy) for a
 * dataset. Names are quoted as Python's repr() quotes them, so any name pastes as valid Python.
 */
export function h5pySnippet(path: string, kind: string): string {
  const name = path.replace(/^\/+/, '');
  if (!name) return 'f';
  const item = `f[${pyStrRepr(name)}]`;
  return kind === 'dataset' ? `${item}[()]` : item;
}
