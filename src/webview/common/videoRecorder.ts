import { CanvasSource, Output, Quality, StreamTarget, WebMOutputFormat, canEncodeVideo, type StreamTargetChunk } from 'mediabunny';
import type { NoEvents, NoRequests, RpcEndpoint } from '../../protocol/rpc';
import type { VideoExportOffer, VideoExportPlan, VideoStop, videoExportRequests } from '../../protocol/videoExportProtocol';

/*
 * Export Video… in the webview: records a plan's frames one by one, frame-exact rather than in real
 * time (each frame is shown, waited for and drawn into a canvas before it is encoded), encodes them
 * with WebCodecs as VP8 and muxes a WebM with Mediabunny (MPL-2.0), whose pieces go to the host as
 * they come (1 MiB at most each); the host writes them under a temporary name.
 */

type VideoRequests = typeof videoExportRequests;
/** The part of an editor's channel the recorder uses. */
export type VideoHost = Pick<RpcEndpoint<VideoRequests, NoRequests, NoEvents, NoEvents>, 'request'>;

/** What a page records. */
export interface VideoCapture {
  /** What can be recorded now, or why nothing can. */
  offer(): VideoExportOffer;
  /** Before the first frame: set up `target` for pictures of width × height. */
  begin(target: string, width: number, height: number): void;
  /** Shows `frame`, waits until it is on screen, and draws it into `out` (the plan's size). */
  draw(frame: number, out: CanvasRenderingContext2D, k: number, n: number): Promise<void>;
  /** After the last frame (also after a failure): back to what the user had. */
  end(): void;
  /** One line of status on the page ('' clears it). */
  status(text: string): void;
}

/** The most bytes in one piece sent to the host. */
const CHUNK_BYTES = 2 ** 20;
const HIGH = new Quality('high');

/** A recording is under way in this webview (the command is ignored meanwhile). */
let busy = false;

/** Runs the command's part in the webview: asks the host for a plan, records it, and says how it went. */
export async function exportVideo(host: VideoHost, capture: VideoCapture): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    await planAndRecord(host, capture);
  } catch (err) {
    capture.status(`The video was not saved: ${(err as Error)?.message ?? String(err)}`);
  } finally {
    busy = false;
  }
}

async function planAndRecord(host: VideoHost, capture: VideoCapture): Promise<void> {
  const plan = await host.request('exportVideo', capture.offer());
  if (!plan) return;
  let error: string | null = null;
  let stop: VideoStop = null;
  capture.status(`Recording ${plan.path}…`);
  try {
    stop = await record(host, capture, plan);
  } catch (err) {
    error = (err as Error)?.message ?? String(err);
  }
  if (stop) {
    capture.status(stop === 'cancelled' ? 'The video export was cancelled; nothing was saved.' : 'The video was not saved.');
    return;
  }
  const { saved } = await host.request('videoFinish', { id: plan.id, error });
  capture.status(saved ? `Saved ${saved}` : `The video was not saved${error ? `: ${error}` : '.'}`);
}

async function record(host: VideoHost, capture: VideoCapture, plan: VideoExportPlan): Promise<VideoStop> {
  const { width, height, fps } = plan;
  if (typeof VideoEncoder === 'undefined') throw new Error('this window cannot encode video (WebCodecs VideoEncoder is missing)');
  if (!(await canEncodeVideo('vp8', { width, height, quality: HIGH, frameRate: fps }))) {
    throw new Error(`this window cannot encode VP8 video of ${width} × ${height}`);
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const out = canvas.getContext('2d', { alpha: false });
  if (!out) throw new Error('no 2D canvas for the video frames');

  let stop: VideoStop = null;
  const writable = new WritableStream<StreamTargetChunk>({
    write: async (chunk) => {
      if (stop) return;
      const d = chunk.data;
      // Only the view's bytes cross to the host, not the whole buffer behind it.
      const data = d.byteOffset === 0 && d.byteLength === d.buffer.byteLength ? d : d.slice();
      stop = (await host.request('videoWrite', { id: plan.id, position: chunk.position, data })).stop;
    },
  });
  const output = new Output({ format: new WebMOutputFormat(), target: new StreamTarget(writable, { chunked: true, chunkSize: CHUNK_BYTES }) });
  const video = new CanvasSource(canvas, { codec: 'vp8', quality: HIGH, keyFrameInterval: 1 });
  output.addVideoTrack(video, { frameRate: fps });
  await output.start();
  const n = Math.floor((plan.last - plan.first) / plan.step) + 1;
  capture.begin(plan.target, width, height);
  try {
    for (let k = 0; k < n; k++) {
      await capture.draw(plan.first + k * plan.step, out, k, n);
      await video.add(k / fps, 1 / fps);
      stop ??= (await host.request('videoProgress', { id: plan.id, done: k + 1 })).stop;
      if (stop) {
        await output.cancel();
        return stop;
      }
    }
    await output.finalize();
  } catch (err) {
    await output.cancel().catch(() => undefined);
    throw err;
  } finally {
    capture.end();
  }
  return stop;
}

/** Resolves on the next animation frame (what was changed is then drawn). */
export function nextAnimationFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}
