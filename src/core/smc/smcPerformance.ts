import { basename } from 'node:path';
import { InputError, errorMessage } from '../errors';
import type { CameraCalibration } from './calibration';
import { SmcFile, type AudioData, type EncodedImage, type FlameFrame, type FloatNdArray, type Keypoints, type ScanMesh } from './smcFile';
import type { PerformanceKind, SmcHeader } from './smcHeader';
import type { AudioInfo, ImageKind, SmcInventory, SmcWarning } from './smcInventory';
import { findPartner } from './smcNames';
import { usualHolder, type SmcPart } from './smcParts';

export interface PerformanceInventory {
  anno: SmcInventory | null;
  raw: SmcInventory | null;
  /** Both files' warnings (prefixed with the file kind) and the pair's own. */
  warnings: SmcWarning[];
}

/**
 * One performance (`<actor>_<part>`) as a unit: the file the user opened plus its partner when it can
 * be found and opened. Each accessor asks the file that normally holds the data first (colour and audio:
 * raw; everything else: anno) and then the other, so files that deviate from the usual split still work.
 */
export class SmcPerformance {
  private constructor(
    /** The file that was opened. */
    readonly primary: SmcFile,
    /** Its partner, or null if none was found or it could not be opened. */
    readonly partner: SmcFile | null,
    /** Path of the partner file found on disk (also when it failed to open). */
    readonly partnerPath: string | null,
    /** Why the partner could not be used. */
    readonly partnerError: { code: string; message: string } | null,
  ) {}

  /**
   * Opens `path` (errors for it propagate as InputError) and its partner (found next to it or in the
   * release's anno/raw folders, or given explicitly; null disables pairing). A partner that fails to
   * open is reported in partnerError and the warnings, not thrown.
   */
  static async open(path: string, options: { partner?: string | null } = {}): Promise<SmcPerformance> {
    const primary = await SmcFile.open(path);
    const partnerPath = options.partner === undefined ? await findPartner(path) : options.partner;
    if (!partnerPath) return new SmcPerformance(primary, null, null, null);
    try {
      return new SmcPerformance(primary, await SmcFile.open(partnerPath), partnerPath, null);
    } catch (err) {
      const code = err instanceof InputError ? err.code : 'internal';
      return new SmcPerformance(primary, null, partnerPath, { code, message: errorMessage(err) });
    }
  }

  get anno(): SmcFile | null {
    return this.files.find((f) => f.fileKind === 'anno') ?? null;
  }

  get raw(): SmcFile | null {
    return this.files.find((f) => f.fileKind === 'raw') ?? null;
  }

  get files(): SmcFile[] {
    return this.partner ? [this.primary, this.partner] : [this.primary];
  }

  get header(): SmcHeader {
    return this.primary.header;
  }

  get performanceKind(): PerformanceKind {
    return this.primary.performanceKind;
  }

  async inventory(): Promise<PerformanceInventory> {
    const anno = this.anno ? await this.anno.inventory() : null;
    const raw = this.raw ? await this.raw.inventory() : null;
    const warnings: SmcWarning[] = [...this.pairWarnings()];
    for (const [kind, inv] of [
      ['anno', anno],
      ['raw', raw],
    ] as const) {
      for (const w of inv?.warnings ?? []) warnings.push({ ...w, message: `${kind}: ${w.message}` });
    }
    return { anno, raw, warnings };
  }

  readImage(camera: string | number, kind: ImageKind, frame: number | string): Promise<EncodedImage | null> {
    return this.first(kind, (f) => f.readImage(camera, kind, frame));
  }

  calibration(camera: string | number): Promise<CameraCalibration | null> {
    return this.first('calibration', (f) => f.calibration(camera));
  }

  async calibrationAll(): Promise<Map<string, CameraCalibration>> {
    for (const f of this.filesFor('calibration')) {
      const all = await f.calibrationAll();
      if (all.size > 0) return all;
    }
    return new Map();
  }

  keypoints2d(camera: string | number, frame: number | string): Promise<Keypoints | null> {
    return this.first('keypoints2d', (f) => f.keypoints2d(camera, frame));
  }

  keypoints3d(frame: number | string): Promise<Keypoints | null> {
    return this.first('keypoints3d', (f) => f.keypoints3d(frame));
  }

  flame(frame: number | string): Promise<FlameFrame | null> {
    return this.first('flame', (f) => f.flame(frame));
  }

  /** One FLAME parameter of one frame, from the first file that holds it (as flame() would give it). */
  flameParameter(frame: number | string, name: string): Promise<FloatNdArray | null> {
    return this.first('flame', (f) => f.flameParameter(frame, name));
  }

  flameSeries(name: string): ReturnType<SmcFile['flameSeries']> {
    return this.first('flame', (f) => f.flameSeries(name));
  }

  uvTexture(frame: number | string): Promise<EncodedImage | null> {
    return this.first('uvTexture', (f) => f.uvTexture(frame));
  }

  scanMesh(): Promise<ScanMesh | null> {
    return this.first('scan', (f) => f.scanMesh());
  }

  scanMask(camera: string | number): Promise<EncodedImage | null> {
    return this.first('scanMask', (f) => f.scanMask(camera));
  }

  audioInfo(): Promise<AudioInfo | null> {
    return this.first('audio', (f) => f.audioInfo());
  }

  audio(range?: { start: number; count: number }): Promise<AudioData | null> {
    return this.first('audio', (f) => f.audio(range));
  }

  close(): void {
    for (const f of this.files) f.close();
  }

  /** The files in the order to ask them for `part`: its usual holder first. */
  filesFor(part: SmcPart): SmcFile[] {
    const preferred = usualHolder(part);
    return [...this.files].sort((a, b) => Number(b.fileKind === preferred) - Number(a.fileKind === preferred));
  }

  private async first<T>(part: SmcPart, get: (f: SmcFile) => Promise<T | null>): Promise<T | null> {
    for (const f of this.filesFor(part)) {
      const v = await get(f);
      if (v !== null) return v;
    }
    return null;
  }

  private pairWarnings(): SmcWarning[] {
    const out: SmcWarning[] = [];
    if (this.partnerError) {
      out.push({
        code: 'pair-unreadable',
        severity: 'warning',
        message: `The partner file ${basename(this.partnerPath!)} cannot be used: ${this.partnerError.message}`,
      });
    } else if (!this.partner) {
      const other = this.primary.fileKind === 'anno' ? 'raw' : 'anno';
      out.push({ code: 'pair-missing', severity: 'info', message: `No ${other} file found for this performance` });
    }
    const p = this.partner;
    if (!p) return out;
    const a = this.primary.header;
    const b = p.header;
    const diffs: string[] = [];
    if (p.fileKind === this.primary.fileKind) diffs.push(`both files are ${p.fileKind} files`);
    if (a.actorId !== b.actorId) diffs.push(`actor_id ${a.actorId} vs ${b.actorId}`);
    if (a.performancePart !== b.performancePart) diffs.push(`performance_part ${a.performancePart} vs ${b.performancePart}`);
    if (a.cameraInfo.numFrame !== b.cameraInfo.numFrame) diffs.push(`num_frame ${a.cameraInfo.numFrame} vs ${b.cameraInfo.numFrame}`);
    if (a.cameraInfo.resolution.join('x') !== b.cameraInfo.resolution.join('x')) {
      diffs.push(`resolution ${a.cameraInfo.resolution.join('x')} vs ${b.cameraInfo.resolution.join('x')}`);
    }
    if (a.captureDate !== b.captureDate) diffs.push(`capture_date ${a.captureDate} vs ${b.captureDate}`);
    if (diffs.length > 0) {
      out.push({ code: 'pair-mismatch', severity: 'warning', message: `The anno and raw files disagree: ${diffs.join('; ')}` });
    }
    return out;
  }
}
