/** HDF5 orders names by their bytes (strcmp), which for ASCII is JS code unit order. */
export function compareBytewise(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
