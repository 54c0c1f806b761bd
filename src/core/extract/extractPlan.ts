import { resolve } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { InputError } from '../errors';
import type { Hdf5DatasetInfo } from '../hdf5/types';
import type { CameraCalibration } from '../smc/calibration';
import { imageExtension, sniffImageFormat } from '../smc/imageFormat';
import type { SmcFile, SmcFileKind } from '../smc/smcFile';
import type { ImageKind, SmcInventory } from '../smc/smcInventory';
import { formatFrameRanges, frameKey, sortCameraIds } from '../smc/smcKeys';
import type { SmcPerformance } from '../smc/smcPerformance';
import { partHolder, smcPartPath, type SmcPart, type SmcPartGroup } from '../smc/smcParts';
import { plyHeader } from '../writers/ply';
import { spreadCameras } from './cameraSpread';
import { resolveOptions, selectFrames, type ExtractPart, type ExtractRequest, type ResolvedOptions } from './extractOptions';
import { audioFiles, calibrationNpz, cameraCalibrationNpz, flameFile, frameRows, keypointsFile, rowNotes } from './planArrays';
import { extractionInfoText, infoJson, infoText, sizeSummaryText } from './planReports';
import type { ExtractPlan, PlannedFile } from './planTypes';
import { PayloadReader } from './payloadReader';
import { thumbnailSize } from './visualize';
import { insideRoot, unsafeComponentReason } from './safeNames';
import { quoteName } from '../printable';

export const pad6 = (n: number) => String(n).padStart(6, '0');
/** Rough bytes of a JPEG preview per pixel, for the (inexact) visualization estimate. */
const PREVIEW_BYTES_PER_PIXEL = 0.3;

/**
 * Plans the extraction of one performance into `<outDir>/<actor>_<part>/`: which files, from which
 * stored datasets, and their exact sizes. Reads metadata (and 8 bytes per image series to sniff the
 * format), never payloads; yields to the event loop between cameras.
 */
export async function planExtraction(perf: SmcPerformance, request: ExtractRequest, outDir: string, version: string): Promise<ExtractPlan> {
  const h = perf.header;
  for (const [what, value] of [
    ['actor id', h.actorId],
    ['performance part', h.performancePart],
  ] as const) {
    const why = unsafeComponentReason(value);
    if (why) throw new InputError('invalid-value', `The ${what} ${quoteName(value)} in ${perf.primary.path} cannot name an output folder: ${why}`);
  }
  const root = resolve(outDir, `${h.actorId}_${h.performancePart}`);
  insideRoot(resolve(outDir), `${h.actorId}_${h.performancePart}`);
  const options = resolveOptions(request, perf.performanceKind);
  const inventory = await perf.inventory();
  const reader = await PayloadReader.open({ anno: perf.anno, raw: perf.raw });
  try {
    const ctx = new PlanContext(perf, inventory, options, reader);
    await ctx.build();
    const head: Omit<ExtractPlan, 'files'> = {
      performance: {
        actorId: h.actorId,
        part: h.performancePart,
        kind: perf.performanceKind,
        anno: perf.anno?.path ?? null,
        raw: perf.raw?.path ?? null,
      },
      root,
      options,
      cameras: ctx.cameras,
      frames: ctx.frames,
      notes: ctx.notes,
    };
    const files = ctx.files;
    const reports: PlannedFile[] = [
      text('extraction_info.txt', 'report', extractionInfoText(head, files, version)),
      text('size_summary.txt', 'report', sizeSummaryText(files)),
    ];
    for (const f of [...files, ...reports]) insideRoot(root, f.rel);
    return { ...head, files: [...files, ...reports] };
  } finally {
    await reader.close();
  }
}

function text(rel: string, group: PlannedFile['group'], content: string): PlannedFile {
  return { rel, group, bytes: Buffer.byteLength(content, 'utf8'), exact: true, source: { type: 'text', text: content } };
}

/** The planning of one performance, part by part. */
class PlanContext {
  readonly files: PlannedFile[] = [];
  readonly notes: string[] = [];
  cameras: string[] = [];
  frames: number[] = [];
  private calibration = new Map<string, CameraCalibration>();
  private readonly inv: Record<SmcFileKind, SmcInventory | null>;
  private readonly cameraNames = new Map<string, string | null>();

  constructor(
    private readonly perf: SmcPerformance,
    inventory: Awaited<ReturnType<SmcPerformance['inventory']>>,
    private readonly options: ResolvedOptions,
    private readonly reader: PayloadReader,
  ) {
    this.inv = { anno: inventory.anno, raw: inventory.raw };
    this.notes.push(...inventory.warnings.map((w) => w.message));
  }

  private wants(part: ExtractPart): boolean {
    return this.options.parts.has(part);
  }

  /** The file that holds a part (its usual holder first). */
  private holder(part: SmcPart, has?: (inv: SmcInventory) => boolean): SmcFileKind | null {
    return partHolder(this.inv, part, has);
  }

  private file(kind: SmcFileKind): SmcFile {
    return kind === 'anno' ? this.perf.anno! : this.perf.raw!;
  }

  /** Folder prefix of a part read from `kind` ('from_raw/' in the separate layout). */
  private base(kind: SmcFileKind): string {
    return this.options.layout === 'separate' ? `from_${kind}/` : '';
  }

  /** `cam_XX` for a camera id from the file, or null (with a note) when the id cannot be a file name. */
  private camName(id: string): string | null {
    if (!this.cameraNames.has(id)) {
      const why = unsafeComponentReason(`cam_${id}`);
      if (why) this.notes.push(`Camera id ${quoteName(id)} cannot be used in a file name (${why}); its data is left out`);
      this.cameraNames.set(id, why ? null : `cam_${id}`);
    }
    return this.cameraNames.get(id) ?? null;
  }

  async build(): Promise<void> {
    const calKind = this.holder('calibration', (i) => (i.calibration?.cameraIds.length ?? 0) > 0);
    if (calKind) this.calibration = await this.file(calKind).calibrationAll();
    this.selectCameras();
    this.selectFrames();
    if (this.wants('metadata')) this.planMetadata();
    if (this.wants('calibration') && calKind) this.planCalibration(calKind);
    else if (this.wants('calibration')) this.notes.push('No calibration in the files');
    for (const [part, kind] of [
      ['images', 'color'],
      ['masks', 'mask'],
    ] as const) {
      if (this.wants(part)) await this.planImages(part, kind);
    }
    if (this.wants('audio')) this.planAudio();
    if (this.wants('keypoints2d')) this.planKeypoints2d();
    if (this.wants('keypoints3d')) this.planKeypoints3d();
    if (this.wants('flame')) this.planFlame();
    if (this.wants('uv')) await this.planUv();
    if (this.wants('scan')) this.planScan();
    if (this.wants('scan_mask')) await this.planScanMasks();
    if (this.wants('visualization')) this.planVisualization();
  }

  private allCameraIds(): string[] {
    const ids = new Set<string>();
    for (const inv of Object.values(this.inv)) for (const id of inv?.cameraIds ?? []) ids.add(id);
    return sortCameraIds([...ids]);
  }

  private selectCameras(): void {
    const spec = this.options.cameras;
    const all = this.allCameraIds();
    if (spec.kind === 'all') {
      this.cameras = all;
    } else if (spec.kind === 'ids') {
      // Requested ids are numbers without leading zeros ("5" matches the file's "05").
      const asRequested = (id: string) => (/^\d+$/.test(id) ? String(Number(id)) : id);
      const wanted = new Set(spec.ids);
      this.cameras = all.filter((id) => wanted.has(asRequested(id)));
      const found = new Set(this.cameras.map(asRequested));
      const absent = spec.ids.filter((id) => !found.has(id));
      if (absent.length) this.notes.push(`Cameras asked for but not in the files: ${absent.join(', ')}`);
    } else {
      const withImages = (kind: ImageKind) => all.filter((id) => Object.values(this.inv).some((inv) => inv?.cameras.find((c) => c.id === id)?.[kind]));
      const candidates = [withImages('color'), withImages('mask'), all].find((c) => c.length > 0) ?? [];
      this.cameras = spreadCameras(candidates, this.calibration, spec.count);
    }
  }

  /** The take's frames: 0..num_frame-1 plus any frame a file holds beyond that. */
  private selectFrames(): void {
    const timeline = new Set<number>();
    for (let f = 0; f < this.perf.header.cameraInfo.numFrame; f++) timeline.add(f);
    for (const inv of Object.values(this.inv)) {
      for (const c of inv?.cameras ?? []) for (const s of [c.color, c.mask]) for (const f of s?.frames ?? []) timeline.add(f);
    }
    this.frames = selectFrames(
      this.options.frames,
      [...timeline].sort((a, b) => a - b),
    );
  }

  private planMetadata(): void {
    const files = this.perf.files;
    const inventories = files.map((f) => this.inv[f.fileKind]);
    if (this.options.layout === 'combined') {
      this.files.push(text('metadata/info.json', 'metadata', infoJson(files, inventories)));
      this.files.push(text('metadata/info.txt', 'metadata', infoText(files, inventories)));
      return;
    }
    for (const f of files) {
      const b = this.base(f.fileKind);
      this.files.push(text(`${b}metadata/info.json`, 'metadata', infoJson([f], [this.inv[f.fileKind]])));
      this.files.push(text(`${b}metadata/info.txt`, 'metadata', infoText([f], [this.inv[f.fileKind]])));
    }
  }

  private planCalibration(kind: SmcFileKind): void {
    const b = `${this.base(kind)}calibration/`;
    const all = [...this.calibration].filter(([id]) => this.camName(id) !== null);
    const json = {
      convention: 'K: 3x3 intrinsics in pixels of the stored images; D: OpenCV (k1, k2, p1, p2, k3); RT: 4x4 camera-to-world, metres',
      cameras: all.map(([id, c]) => ({ id, K: c.K, D: c.D, RT: c.RT })),
    };
    this.files.push(text(`${b}all_cameras.json`, 'calibration', `${JSON.stringify(json, null, 1)}\n`));
    this.files.push(calibrationNpz(`${b}all_cameras.npz`, all));
    for (const id of this.cameras) {
      const cal = this.calibration.get(id);
      const name = this.camName(id);
      if (cal && name) this.files.push(cameraCalibrationNpz(`${b}${name}.npz`, cal));
      else if (!cal) this.notes.push(`Camera ${id}: no calibration`);
    }
  }

  /** Stored images of the selected cameras and frames, copied byte for byte. */
  private async planImages(part: 'images' | 'masks', kind: ImageKind): Promise<void> {
    const holder = this.holder(kind);
    const label = kind === 'color' ? 'colour images' : 'masks';
    if (!holder) {
      this.notes.push(`No ${label} in the files`);
      return;
    }
    const file = this.file(holder);
    const inv = this.inv[holder]!;
    const numFrame = file.header.cameraInfo.numFrame;
    const explicit = this.options.cameras.kind !== 'all';
    for (const id of this.cameras) {
      await yieldToEventLoop();
      const series = inv.cameras.find((c) => c.id === id)?.[kind];
      const name = this.camName(id);
      if (!series || series.frames.length === 0) {
        if (explicit) this.notes.push(`Camera ${id}: no ${label}`);
        continue;
      }
      if (!name) continue;
      const infos = file.partDatasets({ part: kind, camera: id }) ?? new Map<string, Hdf5DatasetInfo>();
      const present = new Set(series.frames);
      const wanted = this.frames.filter((f) => present.has(f));
      const lacking = this.frames.filter((f) => !present.has(f) && f < numFrame);
      if (lacking.length) this.notes.push(`Camera ${id}: no ${label} for frames ${formatFrameRanges(lacking)}`);
      let ext: string | null = null;
      for (const f of wanted) {
        const info = infos.get(frameKey(f)!);
        if (info?.dtype.size !== 1 || info.byteLength === 0) {
          this.notes.push(`Camera ${id} frame ${f}: the ${kind} entry is not an encoded image; left out`);
          continue;
        }
        const damage = file.hdf5.unreadableReason(info);
        if (damage) {
          this.notes.push(`Camera ${id} frame ${f}: the ${kind} entry is damaged (${damage}); left out`);
          continue;
        }
        // One sniff per camera: a camera's frames share their format (the copy checks each again).
        ext ??= imageExtension(sniffImageFormat(await this.reader.head(holder, info.path, info.fileOffset, info.byteLength)));
        this.files.push({
          rel: `${this.base(holder)}${part}/${name}/frame_${pad6(f)}${ext}`,
          group: part,
          bytes: info.byteLength,
          exact: true,
          source: { type: 'copy', file: holder, dataset: info.path, offset: info.fileOffset },
        });
      }
    }
  }

  private planAudio(): void {
    const holder = this.holder('audio');
    if (!holder) {
      if (this.perf.performanceKind === 'speech') this.notes.push('No audio in the files');
      return;
    }
    const info = this.inv[holder]!.audio!;
    if (info.sampleRate === null) {
      this.notes.push('The audio has no valid sample rate; it is left out');
      return;
    }
    this.files.push(...audioFiles(this.base(holder), holder, { ...info, sampleRate: info.sampleRate }));
  }

  private planKeypoints2d(): void {
    const holder = this.holder('keypoints2d');
    if (!holder) {
      this.notes.push('No 2D landmarks in the files');
      return;
    }
    const inv = this.inv[holder]!.keypoints2d!;
    for (const id of this.cameras) {
      const cam = inv.cameras.find((c) => c.id === id);
      const name = this.camName(id);
      if (!cam || !name) continue;
      const shape = cam.shape ?? inv.shape;
      if (!shape) {
        this.notes.push(`2D landmarks, camera ${id}: no detection in any frame; no file written`);
        continue;
      }
      const rows = frameRows(this.file(holder), { part: 'keypoints2d', camera: id }, this.frames, shape);
      this.notes.push(...rowNotes(`2D landmarks, camera ${id}`, rows));
      this.files.push(keypointsFile(`${this.base(holder)}keypoints2d/${name}.npz`, 'keypoints2d', holder, this.frames, rows, cam.dtype ?? inv.dtype, shape));
    }
  }

  private planKeypoints3d(): void {
    const holder = this.holder('keypoints3d');
    if (!holder) {
      this.notes.push('No 3D landmarks in the files');
      return;
    }
    const inv = this.inv[holder]!.keypoints3d!;
    if (!inv.shape) {
      this.notes.push('3D landmarks: no detection in any frame; no file written');
      return;
    }
    const rows = frameRows(this.file(holder), { part: 'keypoints3d' }, this.frames, inv.shape);
    this.notes.push(...rowNotes('3D landmarks', rows));
    this.files.push(keypointsFile(`${this.base(holder)}keypoints3d/all_frames.npz`, 'keypoints3d', holder, this.frames, rows, inv.dtype, inv.shape));
  }

  private planFlame(): void {
    const holder = this.holder('flame');
    if (!holder) {
      if (this.perf.performanceKind === 'expression') this.notes.push('No FLAME parameters in the files');
      return;
    }
    const { file, notes } = flameFile(`${this.base(holder)}flame/all_frames.npz`, this.file(holder), holder, this.inv[holder]!.flame!, this.frames);
    this.notes.push(...notes);
    this.files.push(file);
  }

  /** Single stored images outside the camera groups (UV textures, scan masks), each sniffed for its extension. */
  private async planStoredImages(
    holder: SmcFileKind,
    group: SmcPartGroup,
    items: [key: string, rel: (ext: string) => string][],
    part: 'uv' | 'scan_mask',
  ): Promise<void> {
    const file = this.file(holder);
    const infos = file.partDatasets(group) ?? new Map<string, Hdf5DatasetInfo>();
    for (const [key, rel] of items) {
      const info = infos.get(key);
      if (info?.dtype.size !== 1 || info.byteLength === 0) {
        this.notes.push(`${smcPartPath(group, key)} is not an encoded image; left out`);
        continue;
      }
      const damage = file.hdf5.unreadableReason(info);
      if (damage) {
        this.notes.push(`${smcPartPath(group, key)} is damaged (${damage}); left out`);
        continue;
      }
      const ext = imageExtension(sniffImageFormat(await this.reader.head(holder, info.path, info.fileOffset, info.byteLength)));
      this.files.push({
        rel: rel(ext),
        group: part,
        bytes: info.byteLength,
        exact: true,
        source: { type: 'copy', file: holder, dataset: info.path, offset: info.fileOffset },
      });
    }
  }

  private async planUv(): Promise<void> {
    const holder = this.holder('uvTexture');
    if (!holder) {
      if (this.perf.performanceKind === 'expression') this.notes.push('No UV textures in the files');
      return;
    }
    const present = new Set(this.inv[holder]!.uvTexture!.frames);
    const lacking = this.frames.filter((f) => !present.has(f));
    if (lacking.length) this.notes.push(`UV textures: none for frames ${formatFrameRanges(lacking)}`);
    const b = this.base(holder);
    const items = this.frames
      .filter((f) => present.has(f))
      .map((f) => [frameKey(f)!, (ext: string) => `${b}uv_texture/frame_${pad6(f)}${ext}`] as [string, (ext: string) => string]);
    await this.planStoredImages(holder, { part: 'uvTexture' }, items, 'uv');
  }

  private planScan(): void {
    const holder = this.holder('scan');
    if (!holder) {
      if (this.perf.performanceKind === 'expression') this.notes.push('No scan mesh in the files');
      return;
    }
    const file = this.file(holder);
    const { vertices: v, faces: f } = file.scanDatasets();
    if (!v || !f || v.shape?.length !== 2 || v.shape[1] !== 3 || f.shape?.length !== 2 || f.shape[1] !== 3) {
      this.notes.push('The scan mesh is not (n, 3) vertices with (m, 3) triangles; no PLY written');
      return;
    }
    if (file.hdf5.unreadableReason(v) || file.hdf5.unreadableReason(f)) {
      this.notes.push('The scan mesh is damaged (it claims bytes the file does not hold); no PLY written');
      return;
    }
    const [nv, nf] = [v.shape[0]!, f.shape[0]!];
    const p = this.perf.header;
    const comment = `scan of ${p.actorId}_${p.performancePart}, world metres (RenderMe360)`;
    this.files.push({
      rel: `${this.base(holder)}scan_mesh/mesh.ply`,
      group: 'scan',
      bytes: Buffer.byteLength(plyHeader(nv, nf, comment), 'latin1') + nv * 12 + nf * 13,
      exact: true,
      source: { type: 'ply', file: holder, vertices: nv, faces: nf, comment },
    });
  }

  private async planScanMasks(): Promise<void> {
    const holder = this.holder('scanMask');
    if (!holder) {
      if (this.perf.performanceKind === 'expression') this.notes.push('No scan masks in the files');
      return;
    }
    const ids = new Set(this.inv[holder]!.scanMask!.cameraIds);
    const b = this.base(holder);
    const items: [string, (ext: string) => string][] = [];
    for (const id of this.cameras) {
      const name = this.camName(id);
      if (ids.has(id) && name) items.push([id, (ext) => `${b}scan_mask/${name}${ext}`]);
    }
    await this.planStoredImages(holder, { part: 'scanMask' }, items, 'scan_mask');
  }

  /** A contact sheet of every camera at the first selected frame, and a landmark overlay on one camera. */
  private planVisualization(): void {
    const holder = this.holder('color');
    if (!holder) {
      this.notes.push('No colour images, so no visualization');
      return;
    }
    const inv = this.inv[holder]!;
    const frame = this.frames.find((f) => inv.cameras.some((c) => c.color?.frames.includes(f)));
    if (frame === undefined) {
      this.notes.push('No colour image in the selected frames, so no visualization');
      return;
    }
    const cams = inv.cameras.filter((c) => c.color?.frames.includes(frame) && this.camName(c.id)).map((c) => c.id);
    const [height, width] = this.perf.header.cameraInfo.resolution;
    const [thumbW, thumbH] = thumbnailSize(height, width);
    const columns = Math.ceil(Math.sqrt(cams.length * 1.5));
    const rows = Math.ceil(cams.length / columns);
    this.files.push({
      rel: `visualization/contact_sheet_frame_${pad6(frame)}.jpg`,
      group: 'visualization',
      bytes: Math.round(columns * thumbW * rows * thumbH * PREVIEW_BYTES_PER_PIXEL),
      exact: false,
      source: { type: 'contact-sheet', file: holder, frame, cameras: cams },
    });
    const kpHolder = this.holder('keypoints2d');
    const kpCams = kpHolder
      ? this.inv[kpHolder]!.keypoints2d!.cameras.filter((c) => c.frames.includes(frame) && !c.emptyFrames.includes(frame)).map((c) => c.id)
      : [];
    const camera = ['25', ...kpCams].find((id) => kpCams.includes(id) && cams.includes(id));
    if (!camera) {
      this.notes.push(`No camera has both a colour image and 2D landmarks at frame ${frame}, so no landmark overlay`);
      return;
    }
    this.files.push({
      rel: `visualization/landmarks_${this.camName(camera)}_frame_${pad6(frame)}.jpg`,
      group: 'visualization',
      bytes: Math.round(width * height * PREVIEW_BYTES_PER_PIXEL),
      exact: false,
      source: { type: 'overlay', file: holder, camera, frame },
    });
  }
}
