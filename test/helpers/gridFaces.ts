/**
 * A triangulated grid of rows × cols vertices (two triangles per cell, vertices row by row): a
 * faces array our own writers can store as .npy, .ply or .obj for template-faces tests.
 */
export function gridFaces(rows: number, cols: number): Uint32Array {
  const out: number[] = [];
  for (let r = 0; r + 1 < rows; r++) {
    for (let c = 0; c + 1 < cols; c++) {
      const a = r * cols + c;
      out.push(a, a + 1, a + cols, a + 1, a + cols + 1, a + cols);
    }
  }
  return Uint32Array.from(out);
}

/** Vertices of the same grid in the z = 0 plane, 10 mm apart. */
export function gridVertices(rows: number, cols: number): Float32Array {
  const v = new Float32Array(rows * cols * 3);
  for (let i = 0; i < rows * cols; i++) {
    v[i * 3] = (i % cols) * 10;
    v[i * 3 + 1] = Math.floor(i / cols) * 10;
  }
  return v;
}
