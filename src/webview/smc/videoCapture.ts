import type { VideoExportOffer, VideoTarget } from '../../protocol/videoExportProtocol';
import { Turntable } from '../common/turntable';
import { nextAnimationFrame, type VideoCapture } from '../common/videoRecorder';
import type { SceneView } from '../common/scene3d';
import type { CamerasView } from './cameras';
import type { SmcContext } from './context';
import type { RigView } from './rig';

/** Animation frames to wait for a camera image (and its overlays) to be drawn before giving up. */
const MAX_WAIT_FRAMES = 60 * 60;

/**
 * Export Video… of the SMC editor: the camera shown large in the Cameras tab, as the stage shows
 * it (the image and every overlay canvas on it: landmarks, projected FLAME and scan), composed at
 * the video's size, letterboxed when the aspect differs; or the 3D tab (rig, landmarks, FLAME,
 * scan) as shown or as a turntable, drawn at the video's size.
 */
export class SmcVideoCapture implements VideoCapture {
  private startFrame = 0;
  private target = 'camera';
  private turntable: Turntable | null = null;
  private startView: SceneView | null = null;

  constructor(
    private readonly ctx: SmcContext,
    private readonly cameras: CamerasView | undefined,
    private readonly rig: RigView | undefined,
    private readonly setStatus: (text: string) => void,
  ) {}

  /** The camera shown large, when the Cameras tab is in front. */
  private get camera(): string | null {
    const { state } = this.ctx;
    return this.cameras && state.get('tab') === 'cameras' ? state.get('camera') : null;
  }

  /** The 3D view, when its tab is in front. */
  private get rigView(): RigView | null {
    return this.rig?.scene3d.ok && this.ctx.state.get('tab') === '3d' ? this.rig : null;
  }

  offer(): VideoExportOffer {
    const { contents, playback } = this.ctx;
    const camera = this.camera;
    const rig = this.rigView;
    const targets: VideoTarget[] = [];
    let viewSize: [number, number] = [2, 2];
    if (camera && this.cameras) {
      const image = this.cameras.imageCanvas;
      const size: [number, number] = image.width > 0 ? [image.width, image.height] : this.ctx.imageSize;
      targets.push({
        id: 'camera',
        label: `Camera ${camera} with its overlays`,
        detail: 'The camera image as the Cameras tab shows it, with the landmarks and projections on it',
        nativeSize: size,
      });
      const stage = this.cameras.stage.getBoundingClientRect();
      viewSize = [Math.round(stage.width * devicePixelRatio), Math.round(stage.height * devicePixelRatio)];
    } else if (rig) {
      targets.push(
        { id: 'rig-view', label: '3D view as shown', detail: 'The 3D tab from where it looks now, following the frames', nativeSize: null },
        { id: 'rig-turntable', label: 'Turntable around the 3D view', detail: 'One turn around the view’s centre over the frames recorded', nativeSize: null },
      );
      const canvas = rig.scene3d.renderer.domElement;
      viewSize = [canvas.width, canvas.height];
    }
    return {
      targets,
      reason: targets.length ? null : 'open one camera large in the Cameras tab, or the 3D tab, first: Export Video records what they show.',
      frames: contents.frameCount,
      current: playback.frame,
      fps: contents.fps,
      viewSize: [Math.max(2, viewSize[0]), Math.max(2, viewSize[1])],
    };
  }

  begin(target: string, width: number, height: number): void {
    this.ctx.playback.pause();
    this.startFrame = this.ctx.playback.frame;
    this.target = target;
    const scene3d = target === 'camera' ? null : this.rigView?.scene3d;
    if (!scene3d) return;
    this.startView = scene3d.view;
    if (target === 'rig-turntable') this.turntable = new Turntable(scene3d);
    scene3d.beginCapture(width, height);
  }

  async draw(frame: number, out: CanvasRenderingContext2D, k: number, n: number): Promise<void> {
    if (this.target === 'camera') await this.drawCamera(frame, out);
    else await this.drawRig(frame, out, k, n);
    this.setStatus(`Recording frame ${frame} (${k + 1} of ${n})…`);
  }

  end(): void {
    const scene3d = this.rig?.scene3d;
    if (this.target !== 'camera' && scene3d) {
      scene3d.endCapture();
      if (this.startView && this.turntable) scene3d.view = this.startView;
    }
    this.turntable = null;
    this.ctx.playback.seek(this.startFrame);
  }

  status(text: string): void {
    this.setStatus(text);
  }

  private async drawCamera(frame: number, out: CanvasRenderingContext2D): Promise<void> {
    const cameras = this.cameras;
    const camera = this.camera;
    if (!cameras || !camera) throw new Error('the camera view was closed');
    this.ctx.playback.seek(frame);
    // The Cameras tab marks the frame it has drawn, with its overlays, once they are all there.
    const detail = cameras.element.querySelector<HTMLElement>('#camera-detail');
    for (let i = 0; detail?.dataset.loadedFrame !== String(frame) || detail.dataset.camera !== camera; i++) {
      if (i === MAX_WAIT_FRAMES) throw new Error(`camera ${camera} at frame ${frame} was not drawn`);
      await nextAnimationFrame();
    }
    composeStage(cameras.stage, cameras.imageCanvas, out);
  }

  private async drawRig(frame: number, out: CanvasRenderingContext2D, k: number, n: number): Promise<void> {
    const rig = this.rigView;
    if (!rig) throw new Error('the 3D view was closed');
    this.ctx.playback.seek(frame);
    // The frame's landmarks and FLAME mesh are in the scene once the view's update settles.
    await rig.onFrame();
    this.turntable?.turn(k, n);
    out.drawImage(rig.scene3d.captureFrame(), 0, 0, out.canvas.width, out.canvas.height);
  }
}

/** The image and every visible canvas over it, each stretched over the image's place, as large as fits in `out`. */
function composeStage(stage: HTMLElement, image: HTMLCanvasElement, out: CanvasRenderingContext2D): void {
  const { width: w, height: h } = out.canvas;
  out.fillStyle = '#000';
  out.fillRect(0, 0, w, h);
  if (image.width === 0 || image.height === 0) return;
  const scale = Math.min(w / image.width, h / image.height);
  const dw = image.width * scale;
  const dh = image.height * scale;
  const dx = (w - dw) / 2;
  const dy = (h - dh) / 2;
  // Overlays cover the image's extent at their own resolution (sharp at the current zoom).
  for (const c of stage.querySelectorAll('canvas')) {
    if (c.width === 0 || c.height === 0 || c.hidden || getComputedStyle(c).display === 'none') continue;
    out.drawImage(c, 0, 0, c.width, c.height, dx, dy, dw, dh);
  }
}
