/**
 * Decoded images by key, least recently used first out, bounded by their pixel bytes (4 per pixel).
 * Evicted bitmaps are closed to free their memory at once; callers draw a bitmap right after
 * getting it and keep no reference. Concurrent loads of the same key share one request.
 */
export class BitmapCache {
  private readonly entries = new Map<string, ImageBitmap | null>();
  private readonly loading = new Map<string, Promise<ImageBitmap | null>>();
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The cached bitmap (null: known to be missing), or undefined if not cached. Marks it recently used. */
  peek(key: string): ImageBitmap | null | undefined {
    if (!this.entries.has(key)) return undefined;
    const v = this.entries.get(key)!;
    this.entries.delete(key);
    this.entries.set(key, v);
    return v;
  }

  /** The bitmap for `key`, loading it once with `load` (null = the image does not exist). */
  get(key: string, load: () => Promise<ImageBitmap | null>): Promise<ImageBitmap | null> {
    const hit = this.peek(key);
    if (hit !== undefined) return Promise.resolve(hit);
    let p = this.loading.get(key);
    if (!p) {
      p = load().then(
        (bitmap) => {
          this.loading.delete(key);
          this.put(key, bitmap);
          return bitmap;
        },
        (err: unknown) => {
          this.loading.delete(key);
          throw err;
        },
      );
      this.loading.set(key, p);
    }
    return p;
  }

  clear(): void {
    for (const b of this.entries.values()) b?.close();
    this.entries.clear();
    this.total = 0;
  }

  private put(key: string, bitmap: ImageBitmap | null): void {
    const old = this.entries.get(key);
    if (old) {
      this.total -= cost(old);
      old.close();
    }
    this.entries.delete(key);
    this.entries.set(key, bitmap);
    this.total += cost(bitmap);
    for (const [k, b] of this.entries) {
      if (this.total <= this.maxBytes || k === key) break;
      this.entries.delete(k);
      this.total -= cost(b);
      b?.close();
    }
  }
}

function cost(b: ImageBitmap | null): number {
  return b ? b.width * b.height * 4 : 64;
}
