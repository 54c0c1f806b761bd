/**
 * The frames around the one shown, for trails: asks for the N frames before and after it, keeps
 * only those of the current window (memory stays at 2N frames), and drops replies that arrive for
 * a window that has moved on. No DOM here, so it is unit tested.
 */
export class TrailBuffer<F extends { index: number }> {
  private readonly frames = new Map<number, F>();
  private readonly asked = new Set<number>();
  private centre = -1;
  private wanted = new Set<number>();

  constructor(
    private readonly fetch: (frame: number) => Promise<F>,
    /** A frame of the window arrived. */
    private readonly onChange: () => void,
  ) {}

  /** Moves the window to `centre` ± `n` within [0, available); n 0 empties it. */
  setWindow(centre: number, n: number, available: number): void {
    this.centre = centre;
    this.wanted = new Set(trailFrames(centre, n, available));
    for (const k of this.frames.keys()) if (!this.wanted.has(k)) this.frames.delete(k);
    // Nearest first, so the closest ghosts show first while stepping.
    const order = [...this.wanted].sort((a, b) => Math.abs(a - centre) - Math.abs(b - centre));
    for (const i of order) {
      if (this.frames.has(i) || this.asked.has(i)) continue;
      this.asked.add(i);
      this.fetch(i).then(
        (f) => {
          this.asked.delete(i);
          if (!this.wanted.has(i)) return;
          this.frames.set(i, f);
          this.onChange();
        },
        () => this.asked.delete(i),
      );
    }
  }

  /** The frames of the window that have arrived, in frame order, with their offset from the centre. */
  ghosts(): { offset: number; frame: F }[] {
    return [...this.frames.values()].sort((a, b) => a.index - b.index).map((frame) => ({ offset: frame.index - this.centre, frame }));
  }

  /** Frames the window wants (arrived or not). */
  get size(): number {
    return this.wanted.size;
  }
}

/** Frame numbers of the trail around `centre`: up to n before and n after it, within [0, available). */
export function trailFrames(centre: number, n: number, available: number): number[] {
  const out: number[] = [];
  for (let i = Math.max(0, centre - n); i <= Math.min(available - 1, centre + n); i++) if (i !== centre) out.push(i);
  return out;
}
