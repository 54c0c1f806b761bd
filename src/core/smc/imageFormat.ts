import { extname } from 'node:path';

/** What an encoded image is, from its first bytes: SMC images are complete JPEG or PNG files. */
export type ImageFormat = 'jpeg' | 'png' | 'unknown';

export function sniffImageFormat(bytes: Uint8Array): ImageFormat {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 4 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  return 'unknown';
}

/** File name extension for a sniffed format (".bin" when unknown, so bytes are never mislabelled). */
export function imageExtension(format: ImageFormat): string {
  return format === 'jpeg' ? '.jpg' : format === 'png' ? '.png' : '.bin';
}

/**
 * Where stored image bytes planned as `path` are written: `path` when its extension names the format
 * the bytes hold, else the same name with their own extension (bytes are never mislabelled), with a
 * note saying so. Extraction plans a camera's extension from its first frame.
 */
export function imageTarget(path: string, bytes: Uint8Array, dataset: string): { path: string; note: string | null } {
  const ext = imageExtension(sniffImageFormat(bytes));
  const planned = extname(path);
  if (ext === planned) return { path, note: null };
  const actual = path.slice(0, path.length - planned.length) + ext;
  return { path: actual, note: `${dataset} holds ${ext.slice(1).toUpperCase()} data, unlike the camera's first frame; written as ${actual}` };
}

/**
 * Pixel size and channel count from the image header, without decoding: PNG's IHDR chunk, or the JPEG
 * start-of-frame segment (found by walking the segment lengths). Null if the header is not found.
 */
export function imageHeaderInfo(bytes: Uint8Array): { width: number; height: number; channels: number } | null {
  const format = sniffImageFormat(bytes);
  if (format === 'png') {
    if (bytes.length < 26) return null;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const colorType = bytes[25]!;
    const channels = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 }[colorType as 0 | 2 | 3 | 4 | 6] ?? 0;
    return { width: dv.getUint32(16), height: dv.getUint32(20), channels };
  }
  if (format !== 'jpeg') return null;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 10 > bytes.length) return null;
      const height = (bytes[i + 5]! << 8) | bytes[i + 6]!;
      const width = (bytes[i + 7]! << 8) | bytes[i + 8]!;
      return { width, height, channels: bytes[i + 9]! };
    }
    if (marker === 0xda) return null; // start of scan before any frame header
    i += 2 + length;
  }
  return null;
}
