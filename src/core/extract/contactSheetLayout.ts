/*
 * The layout of a contact sheet (every camera at one frame, in a grid): one for the extraction's
 * JPEG preview (visualize.ts, in Node) and the SMC editor's Export Contact Sheet (in the webview).
 * Pure arithmetic, so both sides import it.
 */

/** Contact-sheet thumbnails are at most this wide. */
export const THUMB_WIDTH = 320;
/** Pixels between thumbnails and around the sheet. */
export const SHEET_GAP = 4;

/**
 * Width and height of one contact-sheet thumbnail for images of `height` × `width` (the header's
 * resolution): at most THUMB_WIDTH wide and four times that high, whatever the header claims.
 */
export function thumbnailSize(height: number, width: number): [number, number] {
  const tw = Math.max(1, Math.min(THUMB_WIDTH, width));
  return [tw, Math.min(4 * THUMB_WIDTH, Math.max(1, Math.round((height * tw) / Math.max(1, width))))];
}

export interface ContactSheetLayout {
  columns: number;
  rows: number;
  /** One thumbnail's size. */
  thumbWidth: number;
  thumbHeight: number;
  /** The whole sheet's size. */
  width: number;
  height: number;
}

/** `count` thumbnails of images `height` × `width`, about 3 columns to 2 rows, row by row. */
export function contactSheetLayout(count: number, height: number, width: number): ContactSheetLayout {
  const [thumbWidth, thumbHeight] = thumbnailSize(height, width);
  const columns = Math.max(1, Math.ceil(Math.sqrt(count * 1.5)));
  const rows = Math.max(1, Math.ceil(count / columns));
  return {
    columns,
    rows,
    thumbWidth,
    thumbHeight,
    width: columns * (thumbWidth + SHEET_GAP) + SHEET_GAP,
    height: rows * (thumbHeight + SHEET_GAP) + SHEET_GAP,
  };
}

/** Top-left corner of thumbnail `i`. */
export function thumbnailAt(layout: ContactSheetLayout, i: number): [number, number] {
  return [SHEET_GAP + (i % layout.columns) * (layout.thumbWidth + SHEET_GAP), SHEET_GAP + Math.floor(i / layout.columns) * (layout.thumbHeight + SHEET_GAP)];
}
