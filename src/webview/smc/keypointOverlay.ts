import type { SmcKeypointOverlay } from '../../protocol/smcProtocol';
import { themeColor } from '../common/scene3d';
import { toCanvas } from './imageCoordinates';

export interface OverlayLayers {
  detected: boolean;
  projected: boolean;
}

/**
 * Draws landmarks over an image shown at `scale` screen pixels per image pixel: projected 3D points
 * as crosses with the detected 2D points as dots on top, and a line from each detected point to its projection
 * when they are apart. Sizes are in screen pixels so they read the same at any zoom.
 */
export function drawKeypoints(canvas: HTMLCanvasElement, kp: SmcKeypointOverlay, layers: OverlayLayers, scale: number): void {
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const dpr = window.devicePixelRatio;
  const s = scale * dpr;
  const detected = layers.detected ? kp.detected : null;
  const projected = layers.projected ? kp.projected : null;
  if (detected && projected) {
    ctx.strokeStyle = themeColor('--vscode-charts-yellow', '#cca700');
    ctx.lineWidth = dpr;
    ctx.beginPath();
    for (let i = 0; 2 * i + 1 < Math.min(detected.length, projected.length); i++) {
      const [ax, ay, bx, by] = [detected[2 * i]!, detected[2 * i + 1]!, projected[2 * i]!, projected[2 * i + 1]!];
      if (![ax, ay, bx, by].every(Number.isFinite) || Math.hypot(ax - bx, ay - by) * s < 2 * dpr) continue;
      ctx.moveTo(toCanvas(ax, s), toCanvas(ay, s));
      ctx.lineTo(toCanvas(bx, s), toCanvas(by, s));
    }
    ctx.stroke();
  }
  if (projected) {
    ctx.strokeStyle = themeColor('--vscode-charts-red', '#f14c4c');
    ctx.lineWidth = 1.5 * dpr;
    const r = 3.5 * dpr;
    ctx.beginPath();
    for (let i = 0; 2 * i + 1 < projected.length; i++) {
      const x = toCanvas(projected[2 * i]!, s);
      const y = toCanvas(projected[2 * i + 1]!, s);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      ctx.moveTo(x - r, y - r);
      ctx.lineTo(x + r, y + r);
      ctx.moveTo(x + r, y - r);
      ctx.lineTo(x - r, y + r);
    }
    ctx.stroke();
  }
  if (detected) {
    ctx.fillStyle = themeColor('--vscode-charts-green', '#89d185');
    // One path for all dots: one fill per frame instead of one per landmark.
    const r = 2 * dpr;
    ctx.beginPath();
    for (let i = 0; 2 * i + 1 < detected.length; i++) {
      const x = toCanvas(detected[2 * i]!, s);
      const y = toCanvas(detected[2 * i + 1]!, s);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
    ctx.fill();
  }
}
