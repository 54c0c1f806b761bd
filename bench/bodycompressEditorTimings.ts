/** What bench/bodycompressEditor.bench.ts measures (written by test/e2e/bodycompressEditorMeasure.ts). */
export interface BodyCompressEditorTimings {
  /** The floor: Enter in Quick Open → the minimal custom editor (bench/floorEditor) painted, taken in turn with `open`. */
  openFloor: number[];
  openFloorWebview: number[];
  /** Enter in Quick Open → first frame painted, per workspace file name (extension already active). */
  open: Record<string, number[]>;
  /** Of which VS Code took this long to deliver the webview's document (before our page runs). */
  openWebview: Record<string, number[]>;
  /** Of which until the host's answer (file facts and first frame) reached the page. */
  openReply: Record<string, number[]>;
  /** Profile of the opens: ms from Enter to each step (the page's performance marks, its bundle fetched), per file. */
  openSteps: Record<string, Record<string, number[]>>;
  /** The same for the first file of a new window (extension activation included), one per window. */
  openFirst: number[];
  openFirstWebview: number[];
  /** Rendered frames per second while playing at 1× (30 fps), per file. */
  playFps: Record<string, number>;
  /** Rendered frames per second playing the hour-long file while it is still being indexed. */
  playFpsIndexing: number;
  /** Slider jump → frame drawn and painted, to frames far apart in the hour-long file, after indexing. */
  seek: number[];
  /** The same while indexing runs (to frames already indexed). */
  seekIndexing: number[];
  /** Seconds the editor took to index the hour-long file in the background. */
  indexSeconds: number;
  /** Extension host resident memory (MiB) at each stage, and its peak. */
  hostRss: { start: number; indexing: number[]; afterIndex: number; afterPlayback: number; afterSeeks: number; afterClose: number; peak: number };
  /** One-minute load average of the machine when the measurements started and ended (it is shared). */
  loadAverage: [number, number];
  /** The webview's JavaScript heap after playback and seeks (MiB), from Chromium's performance.memory. */
  webviewHeapMiB: number | null;
}
