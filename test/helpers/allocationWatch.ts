/**
 * The largest buffer requested while `fn` runs: every typed array, ArrayBuffer, Array and Buffer
 * allocation made through the globals on this thread is recorded (the size asked for, even when the
 * allocation then fails), so a test can show that a size claimed by a file was refused before any
 * memory was reserved for it. Allocations inside wasm (h5wasm) are not seen: compare its heap size.
 */
export async function largestAllocation<T>(fn: () => Promise<T>): Promise<{ bytes: number; outcome: PromiseSettledResult<T> }> {
  let largest = 0;
  const record = (n: unknown, unit: number) => {
    if (typeof n === 'number' && Number.isFinite(n)) largest = Math.max(largest, n * unit);
  };
  const g = globalThis as unknown as Record<string, unknown>;
  const names = [
    'ArrayBuffer',
    'SharedArrayBuffer',
    'Uint8Array',
    'Int8Array',
    'Uint8ClampedArray',
    'Uint16Array',
    'Int16Array',
    'Uint32Array',
    'Int32Array',
    'Float32Array',
    'Float64Array',
    'BigInt64Array',
    'BigUint64Array',
    'Array',
  ];
  const saved = new Map<string, unknown>(names.map((n) => [n, g[n]]));
  for (const name of names) {
    const Ctor = saved.get(name) as (new (...args: unknown[]) => object) & { BYTES_PER_ELEMENT?: number };
    const unit = Ctor.BYTES_PER_ELEMENT ?? (name === 'Array' ? 8 : 1);
    g[name] = new Proxy(Ctor, {
      construct(target, args, newTarget) {
        if (args.length === 1 || name.endsWith('Buffer')) record(args[0], unit);
        return Reflect.construct(target, args, newTarget === g[name] ? target : newTarget);
      },
      apply(target, thisArg, args) {
        if (name === 'Array' && args.length === 1) record(args[0], unit);
        return Reflect.apply(target as unknown as (...a: unknown[]) => unknown, thisArg, args);
      },
    });
  }
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the originals, put back as they were afterwards (they do not use `this`)
  const buffers = { alloc: Buffer.alloc, allocUnsafe: Buffer.allocUnsafe, allocUnsafeSlow: Buffer.allocUnsafeSlow };
  Buffer.alloc = ((size: number, ...rest: unknown[]) => (
    record(size, 1),
    (buffers.alloc as (...a: unknown[]) => Buffer)(size, ...rest)
  )) as typeof Buffer.alloc;
  Buffer.allocUnsafe = (size: number) => (record(size, 1), buffers.allocUnsafe(size));
  Buffer.allocUnsafeSlow = (size: number) => (record(size, 1), buffers.allocUnsafeSlow(size));
  let outcome: PromiseSettledResult<T>;
  try {
    outcome = { status: 'fulfilled', value: await fn() };
  } catch (reason) {
    outcome = { status: 'rejected', reason };
  } finally {
    for (const [name, v] of saved) g[name] = v;
    Object.assign(Buffer, buffers);
  }
  return { bytes: largest, outcome };
}
