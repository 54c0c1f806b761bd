import type { ObjectBatch } from './decodeWorkerProtocol';

/**
 * Where every frame lies in the decoded data (offset, length) plus what indexing learned about it
 * (people, key set): 20 bytes per frame, so an hour at 30 fps (108,000 frames) takes about 2 MB.
 */
export class FrameIndex {
  private offsets = new Float64Array(1024);
  private lengths = new Float64Array(1024);
  private persons = new Int32Array(1024);
  private sigs = new Int32Array(1024);
  private n = 0;
  private keySets: string[][] = [];
  private keySetIds = new Map<string, number>();
  minPersons = Infinity;
  maxPersons = -Infinity;

  get count(): number {
    return this.n;
  }

  offset(i: number): number {
    return this.offsets[i]!;
  }

  length(i: number): number {
    return this.lengths[i]!;
  }

  personsIn(i: number): number {
    return this.persons[i]!;
  }

  /** Wire keys of frame i (`qd_vertices`, ...), or null when unknown. */
  keysOf(i: number): string[] | null {
    const s = this.sigs[i]!;
    return s >= 0 ? this.keySets[s]! : null;
  }

  /** Every distinct wire key set seen, in first-seen order. */
  get keySetsSeen(): readonly string[][] {
    return this.keySets;
  }

  /** A stable id for a key list (maps a worker's signature numbers to this index's). */
  keySetId(keys: string[]): number {
    const k = keys.join('\u0000');
    let id = this.keySetIds.get(k);
    if (id === undefined) {
      id = this.keySets.length;
      this.keySets.push(keys);
      this.keySetIds.set(k, id);
    }
    return id;
  }

  /**
   * Adds a batch from a worker when it continues the index (batches that repeat known frames,
   * from a second reader of the same data, are ignored). `sigMap` turns the worker's key
   * signatures into ids of this index.
   */
  add(batch: ObjectBatch, sigMap: ReadonlyMap<number, number>): boolean {
    const m = batch.offsets.length;
    if (batch.first > this.n || batch.first + m <= this.n) return false;
    const from = this.n - batch.first;
    this.reserve(batch.first + m);
    for (let k = from; k < m; k++) {
      const i = batch.first + k;
      this.offsets[i] = batch.offsets[k]!;
      this.lengths[i] = batch.lengths[k]!;
      const p = batch.persons[k]!;
      this.persons[i] = p;
      const s = batch.keySigs[k]!;
      this.sigs[i] = s >= 0 ? (sigMap.get(s) ?? -1) : -1;
      if (p >= 0) {
        if (p < this.minPersons) this.minPersons = p;
        if (p > this.maxPersons) this.maxPersons = p;
      }
    }
    this.n = batch.first + m;
    return true;
  }

  private reserve(n: number): void {
    if (n <= this.offsets.length) return;
    let cap = this.offsets.length;
    while (cap < n) cap *= 2;
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (c: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.offsets = grow(this.offsets, (c) => new Float64Array(c));
    this.lengths = grow(this.lengths, (c) => new Float64Array(c));
    this.persons = grow(this.persons, (c) => new Int32Array(c));
    this.sigs = grow(this.sigs, (c) => new Int32Array(c));
  }
}
