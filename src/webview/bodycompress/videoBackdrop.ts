import * as THREE from 'three';
import type { BodyCompressCamera, BodyCompressFrame, BodyCompressSourceVideo } from '../../protocol/bodyCompressProtocol';
import { distortWorldPoints, hasDistortion } from '../../core/bodycompress/lensDistortion';
import { imageCorners } from './cameraImage';
import { StreamedVideo, UnplayableVideo } from './streamedVideo';

/** Distance of the image plane from the camera, mm: the same plane as the image border (bodyScene.ts), drawn first. */
const PLANE_DEPTH = 50;
/** Bytes one `sourceVideoBytes` request may ask for (the host's cap, sourceBytes.ts). */
const MAX_READ_BYTES = 8 * 2 ** 20;

/** The host's side of the source: byte ranges of the video, whole images of a folder (bodyCompressProtocol.ts). */
export interface SourceReader {
  bytes(token: number, start: number, end: number): Promise<{ bytes: Uint8Array; served: number }>;
  image(token: number, index: number): Promise<Uint8Array>;
}

type Source = NonNullable<BodyCompressSourceVideo['source']>;

/**
 * The source video (or folder of frame images) behind the through-camera view: frame i of the
 * file shows frame i of the video, found by timestamp (i + 0.5) / fps with the video's own frame
 * rate (from its packets' timestamps), decoded here from byte ranges the host reads
 * (streamedVideo.ts). The image is a textured rectangle on the camera's image plane inside the
 * WebGL scene, so a capture of the canvas (screenshots, video export) has it too.
 */
export class VideoBackdrop {
  /** The image rectangle, in the bodies' coordinates (mm); bodyScene's root holds it. */
  readonly plane: THREE.Mesh<THREE.BufferGeometry, THREE.MeshBasicMaterial>;
  /** The frame shown, copied out of the video (or image) when it is ready: the video may move on before the view renders. */
  private readonly canvas = document.createElement('canvas');
  private readonly texture = new THREE.CanvasTexture(this.canvas);
  private source: Source | null = null;
  private video: StreamedVideo | null = null;
  private fps = 0;
  /** Frames the video holds (images in the folder), once known. */
  private frames: number | null = null;
  /** The frame on the texture, or -1. */
  private shown = -1;
  private generation = 0;
  private status = '';
  private problem = false;

  constructor(
    private readonly reader: SourceReader,
    private readonly fileFps: number,
    /** Where tests and the page read what is shown (data-video-frame, data-video-status, data-video-bytes: bytes the host sent). */
    private readonly annotated: HTMLElement,
    private readonly changed: () => void,
  ) {
    this.texture.colorSpace = THREE.SRGBColorSpace;
    this.texture.minFilter = THREE.LinearFilter;
    this.texture.generateMipmaps = false;
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.Float32BufferAttribute(new Float32Array(12), 3));
    // Textures have their first row at v = 1: the image's top edge (corners 0 and 1) gets v = 1.
    g.setAttribute('uv', new THREE.Float32BufferAttribute([0, 1, 1, 1, 1, 0, 0, 0], 2));
    g.setIndex([0, 2, 1, 0, 3, 2]);
    // Drawn first among the opaque objects (renderOrder), blended over the background by its
    // opacity: a transparent material would be drawn after the bodies, over them.
    const material = new THREE.MeshBasicMaterial({
      map: this.texture,
      transparent: false,
      blending: THREE.CustomBlending,
      blendSrc: THREE.SrcAlphaFactor,
      blendDst: THREE.OneMinusSrcAlphaFactor,
      depthTest: false,
      depthWrite: false,
      toneMapped: false,
      side: THREE.DoubleSide,
    });
    this.plane = new THREE.Mesh(g, material);
    this.plane.frustumCulled = false;
    this.plane.renderOrder = -1;
    this.plane.visible = false;
  }

  /** Whether a source is loaded and playable. */
  get ready(): boolean {
    return this.source !== null && this.frames !== null && !this.problem;
  }

  /** Whether frame `f` has an image to show. */
  has(f: number): boolean {
    return this.ready && f >= 0 && f < this.frames!;
  }

  /** Whether frame `f`'s image is the one on the texture. */
  showing(f: number): boolean {
    return this.ready && this.shown === f;
  }

  /** One line about the source for the view ('' when there is none and the file names none). */
  get message(): string {
    return this.status;
  }

  get failed(): boolean {
    return this.problem;
  }

  /** Image opacity over the view's background, 0 … 1. */
  set opacity(a: number) {
    this.plane.material.opacity = a;
  }

  /** Loads what the host found (or says why there is nothing). `fileFrames` is the file's frame count, for the mismatch note. */
  async setSource(s: BodyCompressSourceVideo, fileFrames: () => number): Promise<void> {
    const generation = ++this.generation;
    this.unload();
    this.source = s.source;
    if (!s.source) {
      this.say(s.message ?? '', s.message !== null);
      return;
    }
    const name = baseName(s.source.path);
    this.say(`Loading ${name}…`, false);
    try {
      if (s.source.kind === 'images') {
        this.frames = s.source.names.length;
        this.fps = this.fileFps;
      } else {
        await this.loadVideo(s.source.size, s.source.token, name, generation);
      }
    } catch (err) {
      if (generation === this.generation) this.say((err as Error).message, true);
      return;
    }
    if (generation !== this.generation) return;
    const unit = s.source.kind === 'images' ? 'image' : 'frame';
    const [v, n] = [this.frames!, fileFrames()];
    const count = (k: number, what: string) => `${k.toLocaleString('en-US')} ${what}${k === 1 ? '' : 's'}`;
    const counts = `${s.source.kind === 'images' ? 'folder' : 'video'} has ${count(v, unit)}, file ${n.toLocaleString('en-US')}`;
    const mismatch =
      v < n
        ? ` · ${counts}: ${n - v === 1 ? `frame ${v} has` : `frames ${v}-${n - 1} have`} no image`
        : v > n
          ? ` · ${counts}: the last ${v - n === 1 ? unit : count(v - n, unit)} ${v - n === 1 ? 'is' : 'are'} not shown`
          : '';
    const rate = s.source.kind === 'video' ? ` at ${formatFps(this.fps)} fps` : '';
    this.say(`Source: ${name} (${count(v, unit)}${rate})${mismatch}`, false);
    this.annotated.dataset.videoFrames = String(v);
    this.annotated.dataset.videoFps = this.fps.toFixed(3);
  }

  /** Puts the image rectangle on the camera's image plane (call for each frame drawn through a camera). */
  place(cam: BodyCompressCamera | null, visible: boolean): void {
    this.plane.visible = visible && !!cam;
    if (!cam || !this.plane.visible) return;
    const position = this.plane.geometry.getAttribute('position') as THREE.BufferAttribute;
    position.set(imageCorners(cam, PLANE_DEPTH));
    position.needsUpdate = true;
  }

  /**
   * Brings frame `f`'s image onto the texture; resolves whether it is there. Frames without an
   * image (beyond the video's end) hide it.
   */
  async show(f: number): Promise<boolean> {
    if (!this.has(f)) {
      this.shown = -1;
      this.annotated.dataset.videoFrame = '';
      return false;
    }
    if (f === this.shown) return true;
    const generation = this.generation;
    const src = this.source!;
    try {
      const decoded = src.kind === 'images' ? await this.loadImage(src.token, f, generation) : await this.loadFrame(f, generation);
      if (decoded === null) return false;
      this.shown = f;
      this.annotated.dataset.videoFrame = String(decoded);
      return true;
    } catch (err) {
      if (generation === this.generation) this.say(`Frame ${f} of ${baseName(src.path)} could not be shown: ${(err as Error).message}`, true);
      return false;
    }
  }

  /** The frame as drawn in front of the image: bodies moved by the lens distortion, when the camera has one (boxes stay). */
  distorted(frame: BodyCompressFrame): BodyCompressFrame {
    const cam = frame.camera;
    const d = cam?.distcoef;
    if (!cam || !hasDistortion(d)) return frame;
    const move = (p: Float32Array | null) => (p ? distortWorldPoints(p, cam.R, cam.loc, d) : null);
    return { ...frame, persons: frame.persons.map((p) => ({ ...p, vertices: move(p.vertices), joints: move(p.joints) })) };
  }

  dispose(): void {
    this.generation++;
    this.unload();
    this.texture.dispose();
    this.plane.geometry.dispose();
    this.plane.material.dispose();
  }

  // ----------------------------------------------------------------------------------------------

  private say(text: string, problem: boolean): void {
    this.status = text;
    this.problem = problem;
    this.annotated.dataset.videoStatus = problem ? 'problem' : this.source ? 'ok' : 'none';
    this.changed();
  }

  private unload(): void {
    this.video?.dispose();
    this.video = null;
    this.frames = null;
    this.shown = -1;
    this.plane.visible = false;
    delete this.annotated.dataset.videoBytes;
  }

  private async loadVideo(size: number, token: number, name: string, generation: number): Promise<void> {
    const read = async (start: number, end: number): Promise<Uint8Array> => {
      const out = new Uint8Array(end - start);
      for (let at = start; at < end;) {
        const r = await this.reader.bytes(token, at, Math.min(end, at + MAX_READ_BYTES));
        // Empty: the host has moved on to another source (this one is being replaced).
        if (r.bytes.length === 0) throw new Error('the source was replaced');
        out.set(r.bytes, at - start);
        at += r.bytes.length;
        if (generation === this.generation) this.annotated.dataset.videoBytes = String(r.served);
      }
      return out;
    };
    try {
      const video = await StreamedVideo.open(size, read, this.fileFps);
      if (generation !== this.generation) {
        video.dispose();
        return;
      }
      this.video = video;
    } catch (err) {
      if (err instanceof UnplayableVideo)
        throw new Error(
          `The source video ${name} cannot be played here (VS Code plays H.264 and VP8 video): convert it, e.g. ffmpeg -i ${name} -c:v libvpx -b:v 8M out.webm`,
          { cause: err },
        );
      throw new Error(`The source video ${name} could not be read: ${(err as Error).message}`, { cause: err });
    }
    this.fps = this.video.fps;
    this.frames = this.video.frames;
  }

  /** Decodes frame `f` onto the texture; the frame number its timestamp says, or null when superseded. */
  private async loadFrame(f: number, generation: number): Promise<number | null> {
    const got = await this.video!.frame(f);
    if (!got) throw new Error('the video ends before it');
    try {
      if (generation !== this.generation) return null;
      const { sample } = got;
      const ctx = this.resize(sample.displayWidth, sample.displayHeight);
      sample.draw(ctx, 0, 0, sample.displayWidth, sample.displayHeight);
      this.texture.needsUpdate = true;
      return got.index;
    } finally {
      got.sample.close();
    }
  }

  /** Decodes image `f` of the folder onto the texture; its index, or null when superseded. */
  private async loadImage(token: number, f: number, generation: number): Promise<number | null> {
    const bytes = await this.reader.image(token, f);
    if (generation !== this.generation) return null;
    if (bytes.length === 0) throw new Error('the source was replaced');
    const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    try {
      if (generation !== this.generation) return null;
      this.resize(bitmap.width, bitmap.height).drawImage(bitmap, 0, 0);
      this.texture.needsUpdate = true;
      return f;
    } finally {
      bitmap.close();
    }
  }

  /** The texture's canvas at w × h (its storage is allocated again when the size changes). */
  private resize(w: number, h: number): CanvasRenderingContext2D {
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.texture.dispose();
    }
    return this.canvas.getContext('2d')!;
  }
}

function formatFps(fps: number): string {
  return Math.abs(fps - Math.round(fps)) < 0.01 ? String(Math.round(fps)) : fps.toFixed(2);
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/**
 * Draws body frames only once their image is on the texture, so image and bodies never drift:
 * while one image is on its way, newer frames replace each other and the newest is drawn next.
 */
export class FrameGate {
  private next: { index: number; draw: () => void } | null = null;
  private running = false;

  constructor(private readonly ready: (index: number) => Promise<unknown>) {}

  push(index: number, draw: () => void): void {
    this.next = { index, draw };
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    while (this.next) {
      const n = this.next;
      this.next = null;
      await this.ready(n.index).catch(() => undefined);
      try {
        n.draw();
      } catch (err) {
        // A frame that failed to draw must not stop the frames after it.
        console.error(err);
      }
      // One image per rendered frame at most: seeking faster than the view draws would only skip frames.
      await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
    }
    this.running = false;
  }
}
