// One BodyCompress reader measurement per process, so that peak RSS belongs to it alone.
// Bundled by bodycompress.bench.ts like the shipped CLI (worker next to it), then run as
//   node measure.js <decode|first|seek|verify|export> <file> <xz|lzma-native|wasm> [count | out dir]
// and prints one JSON line.
import { rm } from 'node:fs/promises';
import { exportFrames } from '../src/core/bodycompress/exportFrames';
import { openBodyCompress } from '../src/core/bodycompress/reader';
import type { XzEngine } from '../src/core/bodycompress/xzDecode';
import type { NdArray } from '../src/core/numpy/ndarray';

// Sampled, not getrusage: Linux carries a parent's peak RSS over fork/exec into the child.
let peakRss = 0;
// memoryUsage.rss() only: memoryUsage() walks the heap spaces too (measurable in a 2-second run).
const sampleRss = () => void (peakRss = Math.max(peakRss, process.memoryUsage.rss()));
setInterval(sampleRss, 20).unref();

function rss(): number {
  sampleRss();
  return peakRss;
}

async function main(): Promise<void> {
  const [mode, path, engineArg, countArg] = process.argv.slice(2);
  const engine = engineArg as XzEngine;
  const t0 = performance.now();
  if (mode === 'decode') {
    const f = await openBodyCompress(path!, { engine, index: false });
    let frames = 0;
    let people = 0;
    for await (const frame of f.frames()) {
      frames++;
      people += (frame.values.get('vertices') as NdArray).shape[0]!;
    }
    const seconds = (performance.now() - t0) / 1000;
    await f.close();
    console.log(JSON.stringify({ frames, people, seconds, maxRss: rss() }));
  } else if (mode === 'first') {
    const f = await openBodyCompress(path!, { engine });
    const opened = performance.now() - t0;
    const first = await f.firstFrame();
    const ms = performance.now() - t0;
    await f.close();
    console.log(JSON.stringify({ openMs: opened, firstFrameMs: ms, index: first?.index, maxRss: rss() }));
  } else if (mode === 'seek') {
    const f = await openBodyCompress(path!, { engine, prefetch: 0 });
    const p = await f.indexed();
    const indexSeconds = (performance.now() - t0) / 1000;
    // Random frames from a fixed seed, each far from the previous one (no cache or decoder reuse).
    let x = 12345;
    const times: number[] = [];
    for (let k = 0; k < Number(countArg ?? 20); k++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const i = x % p.frames;
      const s = performance.now();
      const frame = await f.getFrame(i);
      times.push(performance.now() - s);
      if (frame.index !== i) throw new Error('wrong frame');
    }
    await f.close();
    times.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        frames: p.frames,
        indexSeconds,
        seekMedianMs: times[times.length >> 1],
        seekMaxMs: times.at(-1),
        seeks: times.length,
        blocks: f.blockCount,
        maxRss: rss(),
      }),
    );
  } else if (mode === 'verify') {
    const f = await openBodyCompress(path!, { engine, index: false });
    const r = await f.verifyData();
    await f.close();
    console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, frames: r.frames, maxRss: rss() }));
  } else if (mode === 'export') {
    // `bodycap export --format npz` (system xz: the CLI's engine); the folder is removed afterwards.
    const out = countArg!;
    const r = await exportFrames(path!, out, { format: 'npz' });
    const seconds = (performance.now() - t0) / 1000;
    await rm(out, { recursive: true, force: true });
    console.log(JSON.stringify({ seconds, frames: r.frames, files: r.files, maxRss: rss() }));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
