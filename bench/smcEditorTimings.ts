/** What bench/smcEditor.bench.ts measures per file, in milliseconds (written by test/e2e/smcEditorMeasure.ts). */
export interface SmcEditorTimings {
  name: string;
  /** The decoded images' size, as the camera view shows it ("2448 × 2048"). */
  images: string;
  /** Overview painted after Enter in Quick Open (extension already active). */
  open: number[];
  /** Of which VS Code took this long to deliver the webview's document (before our page runs). */
  openWebview: number[];
  /** The same for the first file of a new window (extension activation and h5wasm load included), one per window. */
  openFirst: number[];
  openFirstWebview: number[];
  gridFirst: number[];
  gridSwitch: number[];
  detailFirst: number[];
  stepPrefetched: number[];
  jump: number[];
  /** Frames shown per second while playing one camera at 30 fps. */
  playFps: number;
}
