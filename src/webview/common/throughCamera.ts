/**
 * Looking through a pinhole camera with its full intrinsics: the image rectangle letterboxed in
 * the view pane, and the off-centre projection (focal lengths, skew, principal point) that puts a
 * point where the camera's image has it. Pure arithmetic, so it is unit-tested against numpy.
 */

/** Pane pixels kept free around a letterboxed image, so its border shows on every side. */
export const IMAGE_MARGIN = 8;

/** Where the camera's image lies in the pane, in pane pixels (y down): the largest rectangle of the image's aspect inside the margin, centred. */
export interface Letterbox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Pane pixels per image pixel. */
  scale: number;
}

export function letterbox(paneWidth: number, paneHeight: number, imageWidth: number, imageHeight: number): Letterbox {
  const scale = Math.max(0, Math.min((paneWidth - 2 * IMAGE_MARGIN) / imageWidth, (paneHeight - 2 * IMAGE_MARGIN) / imageHeight));
  const width = imageWidth * scale;
  const height = imageHeight * scale;
  return { x: (paneWidth - width) / 2, y: (paneHeight - height) / 2, width, height, scale };
}

/**
 * Where image pixel (u, v) of the camera (OpenCV convention: pixel centres at integers, so the
 * image spans -0.5 … W-0.5) lies in the pane.
 */
export function imageToPane(box: Letterbox, u: number, v: number): [number, number] {
  return [box.x + (u + 0.5) * box.scale, box.y + (v + 0.5) * box.scale];
}

/**
 * The projection matrix (column-major 4×4, as three.js and WebGL take it) of a camera with the
 * row-major intrinsic matrix `K` whose `imageWidth` × `imageHeight` image is letterboxed in a
 * `paneWidth` × `paneHeight` pane. It works in the viewer's camera frame (x right, y up, looking
 * along -z), i.e. OpenCV's (x, -y, -z); depth is mapped to [-1, 1] between `near` and `far`.
 */
export function intrinsicProjection(
  K: ArrayLike<number>,
  imageWidth: number,
  imageHeight: number,
  paneWidth: number,
  paneHeight: number,
  near: number,
  far: number,
): number[] {
  const [fx, skew, cx, , fy, cy] = [K[0]!, K[1]!, K[2]!, K[3]!, K[4]!, K[5]!];
  const box = letterbox(paneWidth, paneHeight, imageWidth, imageHeight);
  const s = box.scale;
  // Pane pixel of a camera-frame point (X, Y, Z) = OpenCV (x, -y, -z): px = box.x + s (fx X + skew Y + (cx + 0.5) Z) / Z;
  // NDC x = 2 px / W - 1 and NDC y = 1 - 2 py / H, times the clip w = Z = -z.
  const ax = (2 * s * fx) / paneWidth;
  const bx = (-2 * s * skew) / paneWidth;
  const cxz = 1 - (2 * (box.x + s * (cx + 0.5))) / paneWidth;
  const ay = (2 * s * fy) / paneHeight;
  const cyz = (2 * (box.y + s * (cy + 0.5))) / paneHeight - 1;
  const a = -(far + near) / (far - near);
  const b = (-2 * far * near) / (far - near);
  // Rows: [ax, bx, cxz, 0], [0, ay, cyz, 0], [0, 0, a, b], [0, 0, -1, 0]; stored by columns.
  return [ax, 0, 0, 0, bx, ay, 0, 0, cxz, cyz, a, -1, 0, 0, b, 0];
}
