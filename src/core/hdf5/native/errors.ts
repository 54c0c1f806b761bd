/**
 * Failures of the native HDF5 metadata reader. Neither reaches the user directly: Hdf5File falls back
 * to h5wasm (the reference HDF5 library), which either reads the object or reports the file as corrupt.
 */

/** The bytes do not follow the HDF5 format where the reader expected a structure. */
export class Hdf5FormatError extends Error {
  override name = 'Hdf5FormatError';
}

/** Valid HDF5 that the native reader does not implement (dense link storage, shared messages, ...). */
export class Hdf5UnsupportedError extends Error {
  override name = 'Hdf5UnsupportedError';
}
