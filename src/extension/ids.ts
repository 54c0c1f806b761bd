/**
 * Every id the extension shares with package.json: custom editor view types and command ids.
 * test/unit/manifestIds.test.ts checks them against `contributes`, both ways.
 */

export const VIEW_TYPES = {
  smc: 'bodyCapture.smc',
  bodyCompress: 'bodyCapture.bodycompress',
} as const;

export const COMMANDS = {
  compress: 'bodyCapture.compressToBodyCompress',
  convertSmc: 'bodyCapture.convertSmcToBodyCompress',
  exportFrames: 'bodyCapture.exportBodyCompressFrames',
  screenshot: 'bodyCapture.saveBodyCompressScreenshot',
  setTemplateFaces: 'bodyCapture.setTemplateFaces',
  setSourceVideo: 'bodyCapture.setSourceVideo',
  compareBodyCompress: 'bodyCapture.compareBodyCompress',
  extractPerformance: 'bodyCapture.extractPerformance',
  extractFolder: 'bodyCapture.extractFolder',
  exploreFolder: 'bodyCapture.exploreFolder',
  exportVideo: 'bodyCapture.exportVideo',
  exportContactSheet: 'bodyCapture.exportContactSheet',
} as const;
