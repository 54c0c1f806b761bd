import type { BodyCompressCamera } from '../../protocol/bodyCompressProtocol';

/** Half the length of the principal point's cross, pane pixels. */
const CROSS = 10;

export interface CameraImageLines {
  /** Line segments (x, y, z pairs, world mm) of the image border and the principal point's cross. */
  frame: Float32Array;
  /** Line segments of the 2D boxes, four per box. */
  boxes: Float32Array;
  /** The person (box row) each box segment belongs to. */
  boxOwner: number[];
}

/**
 * What is drawn on the camera's image plane when looking through it: the image border (pixel
 * edges -0.5 … W-0.5), a cross on the principal point, and the frame's boxes (x, y, w, h pixels),
 * as world points `depth` mm in front of the camera. `paneScale` (pane pixels per image pixel)
 * keeps the cross a fixed size on screen.
 */
export function cameraImageLines(cam: BodyCompressCamera, boxes: Float32Array | null, depth: number, paneScale: number): CameraImageLines {
  const [, , cx, , , cy] = cam.K as [number, number, number, number, number, number];
  const world = imageToWorld(cam, depth);
  const rect = (u0: number, v0: number, u1: number, v1: number, out: number[]) => {
    const c: [number, number][] = [
      [u0, v0],
      [u1, v0],
      [u1, v1],
      [u0, v1],
    ];
    c.forEach(([u, v], i) => {
      const [nu, nv] = c[(i + 1) % 4]!;
      world(u, v, out);
      world(nu, nv, out);
    });
  };
  const [w, h] = cam.imageSize;
  const frame: number[] = [];
  rect(-0.5, -0.5, w - 0.5, h - 0.5, frame);
  const arm = CROSS / (paneScale > 0 ? paneScale : 1);
  world(cx - arm, cy, frame);
  world(cx + arm, cy, frame);
  world(cx, cy - arm, frame);
  world(cx, cy + arm, frame);
  const boxLines: number[] = [];
  const boxOwner: number[] = [];
  for (let i = 0; boxes && i * 5 + 3 < boxes.length; i++) {
    const [x, y, bw, bh] = [boxes[i * 5]!, boxes[i * 5 + 1]!, boxes[i * 5 + 2]!, boxes[i * 5 + 3]!];
    if (!Number.isFinite(x + y + bw + bh)) continue;
    rect(x, y, x + bw, y + bh, boxLines);
    boxOwner.push(i, i, i, i);
  }
  return { frame: Float32Array.from(frame), boxes: Float32Array.from(boxLines), boxOwner };
}

/** Image pixel (u, v) of the (pinhole) camera at `depth` mm along its optical axis, pushed to `out` as world x, y, z: R^T x + loc. */
export function imageToWorld(cam: BodyCompressCamera, depth: number): (u: number, v: number, out: number[]) => void {
  const [fx, skew, cx, , fy, cy] = cam.K as [number, number, number, number, number, number];
  const R = cam.R;
  const [lx, ly, lz] = cam.loc as [number, number, number];
  return (u, v, out) => {
    const y = ((v - cy) / (fy || 1)) * depth;
    const x = ((u - cx - (skew * (v - cy)) / (fy || 1)) / (fx || 1)) * depth;
    const z = depth;
    out.push(R[0]! * x + R[3]! * y + R[6]! * z + lx, R[1]! * x + R[4]! * y + R[7]! * z + ly, R[2]! * x + R[5]! * y + R[8]! * z + lz);
  };
}

/** The image rectangle's corners (pixel edges -0.5 … W-0.5) at `depth`: top-left, top-right, bottom-right, bottom-left, as world x, y, z. */
export function imageCorners(cam: BodyCompressCamera, depth: number): Float32Array {
  const world = imageToWorld(cam, depth);
  const [w, h] = cam.imageSize;
  const out: number[] = [];
  world(-0.5, -0.5, out);
  world(w - 0.5, -0.5, out);
  world(w - 0.5, h - 0.5, out);
  world(-0.5, h - 0.5, out);
  return Float32Array.from(out);
}

/** What the view says about the image it shows through the camera, e.g. "Camera image 1,920 × 1,080 px (size estimated from the principal point) · 2 boxes". */
export function cameraImageCaption(cam: BodyCompressCamera, boxCount: number): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const [w, h] = cam.imageSize;
  const size = `Camera image ${n(w)} × ${n(h)} px${cam.imageSizeEstimated ? ' (size estimated from the principal point)' : ''}`;
  return boxCount > 0 ? `${size} · ${n(boxCount)} ${boxCount === 1 ? 'box' : 'boxes'}` : size;
}
