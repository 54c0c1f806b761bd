import type { CommonRequests, Loaded } from './common';

export interface SmcOverview {
  fileName: string;
  fileKind: 'anno' | 'raw';
  actorId: string;
  performancePart: string;
  performanceKind: 'expression' | 'speech' | 'head' | 'unknown';
  captureDate: string;
  actorInfo: {
    age: number | null;
    color: string | null;
    gender: string | null;
    height: number | null;
    weight: number | null;
  };
  cameraInfo: { numDevice: number; numFrame: number; resolution: [number, number] };
}

/** Requests the SMC webview sends to the host. */
export type SmcRequests = CommonRequests & {
  overview: { params: null; result: Loaded<SmcOverview> };
};

/** Events the host pushes to the SMC webview. */
export type SmcHostEvents = Record<never, never>;
