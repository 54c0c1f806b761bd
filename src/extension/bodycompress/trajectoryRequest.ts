import type { BodyCompressFile } from '../../core/bodycompress/reader';
import { trajectoryPage } from '../../core/bodycompress/trajectory';
import { pageSamples } from '../../core/bodycompress/trajectorySampling';
import type { BodyCompressTrajectoryPage } from '../../protocol/bodyCompressProtocol';
import { intParam, oneOfParam, ParamError } from '../kit/requestParams';

/** Points and people per frame a webview may name (a dense scan has millions of vertices). */
const MAX_POINT_INDEX = 50_000_000;
const MAX_PERSON = 0x7fff;

/**
 * The `trajectory` request: one page (see pageSamples) of a point's path over the
 * indexed frames, from a sequential pass of its own (random access and its cache are left alone).
 * The webview asks for the next page while the pin stays, so changing the pin stops the reading.
 */
export async function trajectoryRequest(file: BodyCompressFile, params: unknown): Promise<BodyCompressTrajectoryPage> {
  const frames = file.indexProgress.frames;
  if (frames <= 0) throw new ParamError('This file has no frames');
  const ref = {
    person: intParam(params, 'person', 0, MAX_PERSON),
    kind: oneOfParam(params, 'kind', ['vertex', 'joint'] as const, 'point kind'),
    index: intParam(params, 'index', 0, MAX_POINT_INDEX),
  };
  const from = intParam(params, 'from', 0, frames - 1);
  const step = intParam(params, 'step', 1, Number.MAX_SAFE_INTEGER);
  return trajectoryPage((o) => file.frames(o), ref, { from, end: frames, step, count: pageSamples(step) });
}
