import type { Hdf5File } from '../../core/hdf5/hdf5File';
import { hyperslabProblem, type Hyperslab } from '../../core/hdf5/hyperslab';
import { pyFloatRepr, type FloatWidth } from '../../core/numpy/floatFormat';
import { imageHeaderInfo, sniffImageFormat } from '../../core/smc/imageFormat';
import type { Hdf5SliceView, SmcImage } from '../../protocol/smcProtocol';
import { boolParam, hdf5PathParam, ParamError } from '../kit/requestParams';
import { attributeText } from './smcStructure';

/** One table page or heatmap slice is read at most this large (the webview strides a heatmap to fit). */
export const MAX_SLICE_BYTES = 4 * 2 ** 20;
/** An image dataset is shown up to this size. */
const MAX_IMAGE_BYTES = 64 * 2 ** 20;

/** The values of a hyperslab of a dataset (params: path, start, count, step, text), read alone. */
export async function datasetSliceView(file: Hdf5File, params: unknown): Promise<Hdf5SliceView> {
  const path = hdf5PathParam(params);
  const info = file.dataset(path);
  if (!info) throw new ParamError(`No dataset at ${path}`);
  if (info.shape === null) return { shape: [0], numbers: null, text: [] };
  const rank = info.shape.length;
  const slab: Hyperslab = { start: intsParam(params, 'start', rank), count: intsParam(params, 'count', rank), step: intsParam(params, 'step', rank) };
  const problem = hyperslabProblem(info.shape, slab);
  if (problem) throw new ParamError(`Cannot select in ${path}: ${problem}`);
  const arr = await file.readSlice(path, slab, { maxBytes: MAX_SLICE_BYTES });
  if (!arr) throw new ParamError(`No dataset at ${path}`);
  const values = arr.data as ArrayLike<unknown>;
  const numeric = ArrayBuffer.isView(arr.data) || (values.length > 0 && typeof values[0] === 'bigint');
  const width = floatWidth(arr.dtype.name);
  return {
    shape: arr.shape,
    numbers: numeric ? Float64Array.from(values as ArrayLike<number | bigint>, Number) : null,
    text: boolParam(params, 'text') ? Array.from(values, (v) => elementText(v, width)) : null,
  };
}

/** The bytes of a dataset that holds a JPEG or PNG file, as an image. */
export async function datasetImageView(file: Hdf5File, params: unknown): Promise<SmcImage> {
  const path = hdf5PathParam(params);
  const info = file.dataset(path);
  if (info?.dtype.name !== 'uint8' || info.shape?.length !== 1) throw new ParamError(`${path} is not a dataset of bytes`);
  const bytes = await file.readBytes(path, { maxBytes: MAX_IMAGE_BYTES });
  const format = bytes ? sniffImageFormat(bytes) : 'unknown';
  if (!bytes || format === 'unknown') throw new ParamError(`${path} does not hold a JPEG or PNG image`);
  const header = imageHeaderInfo(bytes);
  return { bytes, mime: format === 'jpeg' ? 'image/jpeg' : 'image/png', width: header?.width ?? null, height: header?.height ?? null };
}

/** One element as numpy's str() prints it: floats in their own width's shortest digits. */
function elementText(v: unknown, width: FloatWidth | null): string {
  if (typeof v === 'number') return width ? pyFloatRepr(v, width) : String(v);
  if (typeof v === 'string') return v;
  return attributeText(v);
}

function floatWidth(dtype: string): FloatWidth | null {
  return dtype === 'float16' ? 16 : dtype === 'float32' ? 32 : dtype.startsWith('float') ? 64 : null;
}

/** `rank` non-negative safe integers. */
function intsParam(params: unknown, name: string, rank: number): number[] {
  const v = (params as Record<string, unknown>)[name];
  if (!Array.isArray(v) || v.length !== rank || !v.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) {
    throw new ParamError(`${name} must be ${rank} whole numbers`);
  }
  return v as number[];
}
