/** What a reply resolves to when a newer request was made while it was on its way. */
export const STALE: unique symbol = Symbol('stale');
export type Stale = typeof STALE;

/** One request of a {@link LatestOnly}: whether it is still the newest, and its replies filtered by that. */
export interface Turn {
  /** No newer request has begun since this one. */
  readonly current: boolean;
  /**
   * The reply's value, or its error, if this is still the newest request when it arrives; STALE
   * otherwise (the error of a stale request is dropped: nobody shows it).
   */
  wait<T>(reply: PromiseLike<T>): Promise<T | Stale>;
}

/**
 * "Only the latest reply counts": views that ask the host for what the current frame or selection
 * needs show the answer to their newest request only, so a slow answer to an older one never
 * overwrites a newer one.
 *
 *     const r = await this.latest.run(() => host.request('flameFrame', { frame }));
 *     if (r === STALE) return;
 */
export class LatestOnly {
  private newest = 0;

  /** Starts a request: every earlier one is stale from now on. */
  begin(): Turn {
    const mine = ++this.newest;
    const isCurrent = () => mine === this.newest;
    return {
      get current() {
        return isCurrent();
      },
      async wait<T>(reply: PromiseLike<T>): Promise<T | Stale> {
        try {
          const value = await reply;
          return isCurrent() ? value : STALE;
        } catch (err) {
          if (isCurrent()) throw err;
          return STALE;
        }
      },
    };
  }

  /** Starts a request and waits for its reply: `begin().wait(ask())`. */
  async run<T>(ask: () => PromiseLike<T>): Promise<T | Stale> {
    const turn = this.begin();
    return turn.wait(ask());
  }

  /** Makes every request made so far stale (the view is going away, or the question changed). */
  invalidate(): void {
    this.newest++;
  }
}
