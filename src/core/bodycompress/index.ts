/*
 * BodyCompress (.xz) codec: the public surface for the extension, the CLI and tests.
 * Reader: openBodyCompress → BodyCompressFile (header, metadata, background index with progress
 * events, first frame, any frame by number, sequential frames, close). Writer:
 * createBodyCompressWriter → append / close / abort.
 */
export { openBodyCompress, BodyCompressFile, ReaderClosedError, decodedKeys } from './reader';
export type { OpenOptions, IndexProgress, Seekability, BodyCompressSummary } from './reader';
export { createBodyCompressWriter, BodyCompressWriter } from './writer';
export type { WriterOptions, WriteResult } from './writer';
export { BODY_KEYS, decodeFrame, encodeFrame } from './frame';
export type { BodyFrame, BodyKey, FrameInput } from './frame';
export { Camera, cameraView } from './camera';
export type { CameraView } from './camera';
export { frameArrays, personsOf } from './frameArrays';
export { PyFloat, NpScalar, PyComplex, MsgExt, toJsonValue, fromJsonValue, dictGet, asNumber } from './pyValues';
export type { PyValue, PyDict } from './pyValues';
export { probeBodyCompress } from './probe';
export type { BodyCompressProbe } from './probe';
