import { el } from '../common/dom';
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
  private done = false;
  /** A refresh asked for while one was running: done after it (the last counts must not be dropped). */
  private again = false;

  constructor(
    /** The host's people count of each frame from `from` on, as far as indexed. */
    private readonly countsFrom: (from: number) => Promise<Int16Array>,
    private readonly inspector: Inspector,
  ) {}

  /** More of the file was indexed (`done`: all of it). */
  indexed(done: boolean): void {
    if (done) {
      this.done = true;
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
    if (this.disposed) return;
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    try {
      const counts = await this.countsFrom(this.inspector.countedFrames);
      if (this.disposed) return;
      this.inspector.addCounts(counts);
      // A file without frames: the chart's "Counting people…" note would stay for ever.
      if (this.done && this.inspector.countedFrames === 0) {
        this.inspector.element
          .querySelector('#persons-chart')
          ?.replaceChildren(el('p', { class: 'note', id: 'persons-chart-empty' }, 'No frames, so no people to count.'));
      }
    } catch {
      // The file is being reopened; the new page asks again.
    } finally {
      this.loading = false;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    }
  }
}
