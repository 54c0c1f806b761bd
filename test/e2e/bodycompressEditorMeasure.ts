// The browser side of bench/bodycompressEditor.bench.ts (a separate process, type-checked with the
// e2e code since it drives the page): opens the files in the real VS Code, measures first paint,
// playback, seeking and the extension host's memory, and prints one JSON line.
// The floor (bench/floorEditor, the least a custom editor can do) is opened in turn with our files,
// so the difference to it is measured in one run. `quick` measures the opens and playback only
// (no fresh windows, no hour-long indexing).
// Usage: node --import tsx test/e2e/bodycompressEditorMeasure.ts '{"files": {name: path}, "repeat": 5, "floorDir": dir, "quick": false}'
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import type { Frame } from 'playwright-core';
import { closeAllEditors, timeOpen } from './openTiming';
import { VsCodeSession } from './vscodeSession';
import type { BodyCompressEditorTimings } from '../../bench/bodycompressEditorTimings';

interface MeasureArgs {
  /** Workspace links: walk-1h.xz, five-people.xz, walk-30s.xz and the floor's file (FLOOR). */
  files: Record<string, string>;
  repeat: number;
  floorDir: string;
  quick?: boolean;
}

const HOUR = 'walk-1h.xz';
const CROWD = 'five-people.xz';
const FIXTURE = 'single_person_30f.xz';
/** 900 frames of one person (30 s), indexed in seconds: 1-person playback in the quick run. */
const ONE = 'walk-30s.xz';
/** The floor editor's file (a link to any file: the floor only shows its name and size). */
export const FLOOR = 'single_person_30f.floor';

const openBc = (vscode: VsCodeSession, name: string) => timeOpen(vscode, name, '#frame-info[data-frame]', 'bodycompress-first-frame-painted');

/** Milliseconds from moving the slider to `f` until that frame is drawn and the next frame painted. */
function timeSeek(frame: Frame, f: number): Promise<number> {
  // No named functions inside: tsx would wrap them in a __name() helper that the page lacks.
  return frame.evaluate(async (target) => {
    const scene = document.querySelector('.body-scene')!;
    const t0 = performance.now();
    const done = new Promise<void>((resolve) => {
      // Already there: the timeline does not redraw the frame it shows.
      if (scene.getAttribute('data-rendered-frame') === String(target)) {
        resolve();
        return;
      }
      const mo = new MutationObserver(() => {
        if (scene.getAttribute('data-rendered-frame') !== String(target)) return;
        mo.disconnect();
        resolve();
      });
      mo.observe(scene, { attributes: true, attributeFilter: ['data-rendered-frame'] });
    });
    const slider = document.querySelector<HTMLInputElement>('.timeline-slider')!;
    slider.value = String(target);
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    await done;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - t0;
  }, f);
}

/** Plays from frame 0 at 1× for `seconds` and returns the distinct frames drawn per second. */
async function playFps(frame: Frame, seconds: number): Promise<number> {
  await timeSeek(frame, 0);
  return frame.evaluate(async (s) => {
    const scene = document.querySelector('.body-scene')!;
    let drawn = 0;
    const mo = new MutationObserver(() => drawn++);
    mo.observe(scene, { attributes: true, attributeFilter: ['data-rendered-frame'] });
    document.querySelector<HTMLElement>('#timeline-play')!.click();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, s * 1000));
    document.querySelector<HTMLElement>('#timeline-play')!.click();
    mo.disconnect();
    return drawn / ((performance.now() - t0) / 1000);
  }, seconds);
}

/** Frames indexed so far, from the page's timeline (its reach). */
const indexedFrames = (frame: Frame) =>
  frame.evaluate(() => {
    const t = document.querySelector('#index-status');
    if (!t || (t as HTMLElement).hidden) return Infinity;
    return Number(/([\d,]+) frames/.exec(t.textContent ?? '')?.[1]?.replace(/,/g, '') ?? 0);
  });

/** The extension host of this session's code-server: the extensionHost process under its server. */
function extensionHostPid(vscode: VsCodeSession): number {
  const marker = dirname(vscode.workspace);
  const cmd = (pid: string) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  const parent = (pid: string) =>
    readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ')[1]!;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!cmd(pid).includes('--type=extensionHost')) continue;
      for (let p = parent(pid); p !== '0' && p !== '1'; p = parent(p)) if (cmd(p).includes(marker)) return Number(pid);
    } catch {
      // The process ended while we looked.
    }
  }
  throw new Error('No extension host process found for this session');
}

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as MeasureArgs;
  const links = args.files;
  const extensionDirs = [args.floorDir];
  const r: BodyCompressEditorTimings = {
    openFloor: [],
    openFloorWebview: [],
    open: { [FIXTURE]: [], [CROWD]: [], [HOUR]: [] },
    openWebview: { [FIXTURE]: [], [CROWD]: [], [HOUR]: [] },
    openReply: { [FIXTURE]: [], [CROWD]: [], [HOUR]: [] },
    openSteps: {},
    openFirst: [],
    openFirstWebview: [],
    playFps: {},
    playFpsIndexing: 0,
    seek: [],
    seekIndexing: [],
    indexSeconds: 0,
    hostRss: { start: 0, indexing: [], afterIndex: 0, afterPlayback: 0, afterSeeks: 0, afterClose: 0, peak: 0 },
    webviewHeapMiB: null,
    loadAverage: [loadavg()[0]!, 0],
  };
  // The first file of a fresh window: extension activation included.
  for (let i = 0; i < (args.quick ? 0 : args.repeat); i++) {
    const vscode = await VsCodeSession.start({ links, extensionDirs });
    try {
      const { ms, webviewMs } = await openBc(vscode, HOUR);
      r.openFirst.push(ms);
      r.openFirstWebview.push(webviewMs);
    } finally {
      await vscode.close();
    }
  }
  const vscode = await VsCodeSession.start({ links, extensionDirs });
  try {
    // Activate both extensions with a small file first, then take the host's memory as the baseline.
    await openBc(vscode, FIXTURE);
    await closeAllEditors(vscode);
    await timeOpen(vscode, FLOOR, '#floor-ready', 'floor-painted');
    await closeAllEditors(vscode);
    const pid = extensionHostPid(vscode);
    r.hostRss.start = rssMiB(pid);
    const sampler = setInterval(() => (r.hostRss.peak = Math.max(r.hostRss.peak, rssMiB(pid))), 250);
    try {
      // Interleaved, so the floor and our files see the same load.
      for (let i = 0; i < args.repeat; i++) {
        const floor = await timeOpen(vscode, FLOOR, '#floor-ready', 'floor-painted');
        r.openFloor.push(floor.ms);
        r.openFloorWebview.push(floor.webviewMs);
        await closeAllEditors(vscode);
        for (const name of [FIXTURE, CROWD, HOUR]) {
          const { ms, webviewMs, frame, t0 } = await openBc(vscode, name);
          r.open[name]!.push(ms);
          r.openWebview[name]!.push(webviewMs);
          const reply = await frame.evaluate(
            () => performance.timeOrigin + (performance.getEntriesByName('bodycompress-open-reply')[0]?.startTime ?? Number.NaN),
          );
          r.openReply[name]!.push(reply - t0);
          // Where the time went, for profiling: the page's marks and its bundle's fetch, from Enter.
          const steps = await frame.evaluate(() => {
            // No named functions inside: tsx would wrap them in a __name() helper that the page lacks.
            const out: Record<string, number> = {};
            const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
            if (nav) out.document = nav.responseEnd;
            for (const e of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
              if (e.name.includes('bodycompress.js')) out['bundle fetched'] = e.responseEnd;
            }
            for (const m of performance.getEntriesByType('mark')) out[m.name] = m.startTime;
            for (const k of Object.keys(out)) out[k]! += performance.timeOrigin;
            return out;
          });
          const profile = (r.openSteps[name] ??= {});
          for (const [k, v] of Object.entries(steps)) (profile[k] ??= []).push(v - t0);
          await closeAllEditors(vscode);
        }
      }
      console.error('opens measured; five people: playback');
      // Five people: playback once indexed.
      let frame = (await openBc(vscode, CROWD)).frame;
      await frame.locator('#index-status[hidden]').waitFor({ state: 'attached', timeout: 120_000 });
      r.playFps[CROWD] = await playFps(frame, 5);
      await closeAllEditors(vscode);
      if (args.quick) {
        frame = (await openBc(vscode, ONE)).frame;
        await frame.locator('#index-status[hidden]').waitFor({ state: 'attached', timeout: 120_000 });
        r.playFps[ONE] = await playFps(frame, 5);
        await closeAllEditors(vscode);
      } else {
        console.error('the hour-long file: playback and jumps while indexing');
        // The hour-long file: play and jump while it is indexed, then again once it is.
        const t0 = Date.now();
        frame = (await openBc(vscode, HOUR)).frame;
        while ((await indexedFrames(frame)) < 3000) await vscode.page.waitForTimeout(200);
        r.playFpsIndexing = await playFps(frame, 5);
        for (let k = 0; k < args.repeat; k++) {
          const reach = await indexedFrames(frame);
          r.seekIndexing.push(await timeSeek(frame, Math.floor(reach * (0.15 + 0.7 * ((k * 0.37) % 1)))));
          await vscode.page.waitForTimeout(500);
        }
        while ((await indexedFrames(frame)) !== Infinity) {
          r.hostRss.indexing.push(rssMiB(pid));
          await vscode.page.waitForTimeout(15_000);
        }
        r.indexSeconds = (Date.now() - t0) / 1000;
        console.error(`indexed in ${r.indexSeconds.toFixed(0)} s; playback and jumps`);
        r.hostRss.afterIndex = rssMiB(pid);
        r.playFps[HOUR] = await playFps(frame, 5);
        r.hostRss.afterPlayback = rssMiB(pid);
        for (const p of [0.9, 0.1, 0.55, 0.3, 0.75, 0.2, 0.65, 0.05, 0.45]) {
          if (r.seek.length >= args.repeat) break;
          r.seek.push(await timeSeek(frame, Math.floor(107_999 * p)));
        }
        r.hostRss.afterSeeks = rssMiB(pid);
        r.webviewHeapMiB = await frame.evaluate(() => {
          const m = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
          return m ? m.usedJSHeapSize / 2 ** 20 : null;
        });
        await closeAllEditors(vscode);
        await vscode.page.waitForTimeout(2000);
        r.hostRss.afterClose = rssMiB(pid);
      }
    } finally {
      clearInterval(sampler);
    }
    const csp = vscode.cspViolations();
    if (csp.length) console.error('CSP violations:', csp);
  } finally {
    await vscode.close();
  }
  r.loadAverage[1] = loadavg()[0]!;
  console.log(JSON.stringify(r));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
