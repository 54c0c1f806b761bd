import type { Inspector } from './inspector';

/** How often the people chart is brought up to date while the file is indexed. */
const CHART_REFRESH_MS = 1000;

/**
 * Feeds the inspector's people-per-frame chart while the host indexes the file: the first counts
 * at once, then what was counted since at most once a second, and the rest when indexing is done.
 * One request at a time.
 */
export class PeopleCounts {
  private timer: number | undefined;
  private loading = false;
  private disposed = false;

  constructor(
    /** The host's people count of each frame from `from` on, as far as indexed. */
    private readonly countsFrom: (from: number) => Promise<Int16Array>,
    private readonly inspector: Inspector,
  ) {}

  /** More of the file was indexed (`done`: all of it). */
  indexed(done: boolean): void {
    if (done) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.refresh();
    } else {
      this.timer ??= window.setTimeout(
        () => {
          this.timer = undefined;
          void this.refresh();
        },
        this.inspector.countedFrames === 0 ? 0 : CHART_REFRESH_MS,
      );
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  private async refresh(): Promise<void> {
    if (this.loading || this.disposed) return;
    this.loading = true;
    try {
      const counts = await this.countsFrom(this.inspector.countedFrames);
      if (!this.disposed) this.inspector.addCounts(counts);
    } catch {
      // The file is being reopened; the new page asks again.
    } finally {
      this.loading = false;
    }
  }
}
