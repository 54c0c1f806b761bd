import type { CommonRequests, Loaded } from './common';

export interface BodyCompressSummary {
  fileName: string;
  fileSize: number;
  /** [0, 2, 1] for v0.2 files, null for legacy v0.1 files. */
  version: number[] | null;
  /** Frame count from the header (v0.2), or null when the file does not record it. */
  length: number | null;
}

export type BodyCompressRequests = CommonRequests & {
  summary: { params: null; result: Loaded<BodyCompressSummary> };
};

export type BodyCompressHostEvents = Record<never, never>;
