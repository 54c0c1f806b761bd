/*
 * Values more than one part of the extension and the CLI rely on, defined once here (package.json
 * repeats DEFAULT_QUANTIZATION_MM as the default of the bodyCapture.compress.quantizationMm setting).
 */

/** Quantization step of vertices and joints in mm: 0.5 keeps every point within 0.25 mm. */
export const DEFAULT_QUANTIZATION_MM = 0.5;

/** The frame rate shown when a BodyCompress file's metadata has no `fps` (NLF runs on 30 fps video by default). */
export const DEFAULT_FPS = 30;

/** RenderMe360 is captured at 30 fps (the dataset's README); its .smc files do not record a rate. */
export const RENDERME360_FPS = 30;
