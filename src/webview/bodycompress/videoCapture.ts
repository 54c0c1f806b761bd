import type { BodyCompressFrame } from '../../protocol/bodyCompressProtocol';
import type { VideoExportOffer, VideoTarget } from '../../protocol/videoExportProtocol';
import { nextAnimationFrame, type VideoCapture } from '../common/videoRecorder';
import type { SceneView } from '../common/scene3d';
import { Turntable } from '../common/turntable';
import type { BodyScene } from './bodyScene';

/** Animation frames to wait for a frame to be drawn (its fetch and, through the camera, its video image) before giving up. */
const MAX_WAIT_FRAMES = 60 * 60;

/** What the recorder needs of the BodyCompress page. */
export interface BodyCompressVideoPage {
  scene: BodyScene;
  fps: number;
  /** Frames [0, n) can be shown now. */
  available(): number;
  current(): BodyCompressFrame | null;
  throughCamera(): boolean;
  /** Looks through the frame's camera or not (the page's toggle, not saved). */
  setThroughCamera(on: boolean): void;
  /** Moves the timeline to `frame` (the page fetches and draws it). */
  seek(frame: number): void;
  pause(): void;
  status(text: string): void;
}

/**
 * Export Video… of the BodyCompress 3D view: as shown (the orbit view or through the camera, with
 * the source video behind when there is one: it is part of the 3D scene), a turntable (one turn
 * around the orbit centre over the frames recorded), or through the frames' camera. Each frame is
 * drawn at the video's size (Scene3d.beginCapture), so nothing is scaled afterwards.
 */
export class BodyCompressVideoCapture implements VideoCapture {
  private restore: { view: SceneView; through: boolean; frame: number } | null = null;
  private target = 'view';
  private turntable: Turntable | null = null;

  constructor(private readonly page: BodyCompressVideoPage) {}

  offer(): VideoExportOffer {
    const p = this.page;
    const scene3d = p.scene.scene3d;
    const hasCamera = !!p.current()?.camera;
    const targets: VideoTarget[] = [
      {
        id: 'view',
        label: p.throughCamera() ? '3D view as shown (through the camera)' : '3D view as shown',
        detail: "The view from where it looks now, following the file's frames",
        nativeSize: null,
      },
      { id: 'turntable', label: 'Turntable around the people', detail: 'One turn around the view’s centre over the frames recorded', nativeSize: null },
    ];
    if (hasCamera && !p.throughCamera()) {
      targets.push({
        id: 'camera',
        label: 'Through the camera',
        detail: 'Each frame seen through its own camera, as the Through camera toggle shows it',
        nativeSize: null,
      });
    }
    const canvas = scene3d.ok ? scene3d.renderer.domElement : null;
    return {
      targets: scene3d.ok ? targets : [],
      reason: scene3d.ok ? null : 'the 3D view is unavailable in this window (no WebGL), so there is nothing to record.',
      frames: p.available(),
      current: p.current()?.index ?? 0,
      fps: p.fps,
      viewSize: [Math.max(2, canvas?.width ?? 2), Math.max(2, canvas?.height ?? 2)],
    };
  }

  begin(target: string, width: number, height: number): void {
    const p = this.page;
    const scene3d = p.scene.scene3d;
    p.pause();
    this.target = target;
    this.restore = { view: scene3d.view, through: p.throughCamera(), frame: p.current()?.index ?? 0 };
    if (target === 'camera' && !p.throughCamera()) p.setThroughCamera(true);
    if (target === 'turntable') {
      if (p.throughCamera()) p.setThroughCamera(false);
      this.turntable = new Turntable(scene3d);
    }
    scene3d.beginCapture(width, height);
  }

  async draw(frame: number, out: CanvasRenderingContext2D, k: number, n: number): Promise<void> {
    const p = this.page;
    const scene3d = p.scene.scene3d;
    p.seek(frame);
    // Drawn once the frame is fetched (and, through the camera, its video image is on screen).
    for (let i = 0; p.current()?.index !== frame || p.scene.element.dataset.renderedFrame !== String(frame); i++) {
      if (i === MAX_WAIT_FRAMES) throw new Error(`frame ${frame} was not drawn`);
      await nextAnimationFrame();
    }
    this.turntable?.turn(k, n);
    const picture = scene3d.captureFrame();
    out.drawImage(picture, 0, 0, out.canvas.width, out.canvas.height);
    p.status(`Recording frame ${frame} (${k + 1} of ${n})…`);
  }

  end(): void {
    const p = this.page;
    const scene3d = p.scene.scene3d;
    scene3d.endCapture();
    const r = this.restore;
    this.restore = null;
    this.turntable = null;
    if (!r) return;
    if (p.throughCamera() !== r.through) p.setThroughCamera(r.through);
    if (this.target === 'turntable') scene3d.view = r.view;
    p.seek(r.frame);
  }

  status(text: string): void {
    this.page.status(text);
  }
}
