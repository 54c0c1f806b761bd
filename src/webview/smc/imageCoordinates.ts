/**
 * Where an image coordinate lands on a canvas drawn at `s` canvas pixels per image pixel.
 * Calibrations and landmarks follow OpenCV: integer coordinates are pixel centres (RenderMe360's
 * principal points sit near (W - 1) / 2), while a canvas draws image pixel i over [i, i + 1).
 */
export function toCanvas(v: number, s: number): number {
  return (v + 0.5) * s;
}
