/**
 * A regular hyperslab of a row-major dataset: per axis, `count` elements from `start`, `step` apart
 * (h5py's `ds[start:start+count*step:step, ...]`, HDF5's H5Sselect_hyperslab with block 1).
 */
export interface Hyperslab {
  start: number[];
  count: number[];
  step: number[];
}

/** The slab of rows [first, end) along the first axis, everything of the other axes. */
export function rowsHyperslab(shape: readonly number[], rows: [number, number]): Hyperslab {
  return {
    start: shape.map((_, i) => (i === 0 ? rows[0] : 0)),
    count: shape.map((n, i) => (i === 0 ? rows[1] - rows[0] : n)),
    step: shape.map(() => 1),
  };
}

/** Why `slab` does not select inside a dataset of `shape`, or null when it does. */
export function hyperslabProblem(shape: readonly number[], slab: Hyperslab): string | null {
  const rank = shape.length;
  if (slab.start.length !== rank || slab.count.length !== rank || slab.step.length !== rank) {
    return `the selection has ${slab.start.length} axes, the dataset ${rank}`;
  }
  for (let i = 0; i < rank; i++) {
    const [start, count, step, n] = [slab.start[i]!, slab.count[i]!, slab.step[i]!, shape[i]!];
    if (![start, count, step].every(Number.isSafeInteger) || start < 0 || count < 0 || step < 1)
      return `axis ${i}: start, count and step must be whole numbers`;
    if (count > 0 && start + (count - 1) * step >= n) return `axis ${i}: the selection ends past its ${n} elements`;
  }
  return null;
}

export function hyperslabShape(slab: Hyperslab): number[] {
  return slab.count.slice();
}

export function hyperslabElements(slab: Hyperslab): number {
  return slab.count.reduce((a, b) => a * b, 1);
}

/** Row-major strides in elements. */
function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
}

/**
 * The selected elements as runs of consecutive elements of the whole dataset, in selection order:
 * [first element index, elements]. Trailing axes that are selected whole are merged into one run.
 */
export function* hyperslabRuns(shape: readonly number[], slab: Hyperslab): Generator<[number, number]> {
  const rank = shape.length;
  if (hyperslabElements(slab) === 0) return;
  if (rank === 0) {
    yield [0, 1];
    return;
  }
  const stride = strides(shape);
  // Axes k.. lie inside one run: each has step 1, and every axis after it is selected whole.
  let k = rank;
  let runElements = 1;
  while (k > 0) {
    const i = k - 1;
    if (slab.step[i] !== 1) break;
    runElements *= slab.count[i]!;
    k = i;
    if (slab.count[i] !== shape[i]) break;
  }
  let base = 0;
  for (let i = 0; i < rank; i++) base += slab.start[i]! * stride[i]!;
  const idx = new Array<number>(k).fill(0);
  for (;;) {
    let offset = base;
    for (let i = 0; i < k; i++) offset += idx[i]! * slab.step[i]! * stride[i]!;
    yield [offset, runElements];
    let axis = k - 1;
    for (; axis >= 0; axis--) {
      const next = idx[axis]! + 1;
      idx[axis] = next < slab.count[axis]! ? next : 0;
      if (next < slab.count[axis]!) break;
    }
    if (axis < 0) return;
  }
}

/** Neighbouring runs closer than this are read as one piece (fewer, larger reads). */
const MERGE_GAP_BYTES = 64 * 1024;
/** A merged piece is not grown past this. */
const MAX_PIECE_BYTES = 16 * 2 ** 20;

/**
 * The selected elements' bytes of a row-major dataset stored as one run of bytes, gathered through
 * `read(byteOffset, byteLength)` (relative to the data's start) in a few large pieces.
 */
export async function gatherHyperslab(
  shape: readonly number[],
  elementSize: number,
  slab: Hyperslab,
  read: (offset: number, length: number) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const out = new Uint8Array(hyperslabElements(slab) * elementSize);
  let piece: [number, number][] = [];
  let written = 0;
  const flush = async () => {
    if (!piece.length) return;
    const from = piece[0]![0] * elementSize;
    const last = piece[piece.length - 1]!;
    const bytes = await read(from, (last[0] + last[1]) * elementSize - from);
    for (const [at, n] of piece) {
      out.set(bytes.subarray(at * elementSize - from, (at + n) * elementSize - from), written);
      written += n * elementSize;
    }
    piece = [];
  };
  for (const run of hyperslabRuns(shape, slab)) {
    const first = piece[0];
    const last = piece[piece.length - 1];
    const joins =
      first && last && (run[0] - last[0] - last[1]) * elementSize <= MERGE_GAP_BYTES && (run[0] + run[1] - first[0]) * elementSize <= MAX_PIECE_BYTES;
    if (!joins) await flush();
    piece.push(run);
  }
  await flush();
  return out;
}

/**
 * The selected elements' bytes out of `block`, the bytes of rows [firstRow, …) of the dataset (all of
 * the other axes), for readers that can only hand out whole rows.
 */
export function hyperslabFromRows(block: Uint8Array, shape: readonly number[], elementSize: number, slab: Hyperslab, firstRow: number): Uint8Array {
  const out = new Uint8Array(hyperslabElements(slab) * elementSize);
  const rowElements = shape.slice(1).reduce((a, b) => a * b, 1);
  let written = 0;
  for (const [at, n] of hyperslabRuns(shape, slab)) {
    const from = (at - firstRow * rowElements) * elementSize;
    out.set(block.subarray(from, from + n * elementSize), written);
    written += n * elementSize;
  }
  return out;
}
