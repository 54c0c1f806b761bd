/**
 * Which coefficients to plot, typed as "0-4, 10, 20-22" or "all" (0-based, as numpy indexes them).
 * Returns the indices in ascending order without repeats, or an error message saying what is wrong.
 */
export function parseIndexList(text: string, count: number): number[] | { error: string } {
  const t = text.trim().toLowerCase();
  if (t === 'all') return Array.from({ length: count }, (_, i) => i);
  if (t === '') return { error: 'Type coefficients such as 0-4, 10 or all' };
  const out = new Set<number>();
  for (const part of t.split(',')) {
    const m = /^\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?$/.exec(part);
    if (!m) return { error: `"${part.trim()}" is not a coefficient or a range like 0-4` };
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) return { error: `${a}-${b} runs backwards` };
    if (b >= count) return { error: `There are ${count} coefficients (0-${count - 1}); ${b} is not one` };
    for (let i = a; i <= b; i++) out.add(i);
  }
  return [...out].sort((x, y) => x - y);
}

/** "0-4, 10": indices written back compactly (consecutive runs as ranges). */
export function formatIndexList(indices: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length;) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j]! + 1) j++;
    parts.push(j > i ? `${indices[i]}-${indices[j]}` : String(indices[i]));
    i = j + 1;
  }
  return parts.join(', ');
}
