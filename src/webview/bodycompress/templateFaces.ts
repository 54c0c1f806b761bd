import type { BodyCompressFaces } from '../../protocol/bodyCompressProtocol';
import { LatestOnly, STALE } from '../common/latestReply';

const n = (v: number) => v.toLocaleString('en-US');

/** What the faces are for: the 3D view, which draws a mesh with them and points without. */
export interface FacesTarget {
  setFaces(vertexCount: number, indices: Uint32Array | null): void;
}

/**
 * The template faces (from the bodyCapture.templateFaces setting) for the bodies drawn: asked for
 * once per vertex count, the newest question winning. Faces that do not fit, or cannot be loaded,
 * are explained in a warning, and the bodies are drawn as points.
 */
export class TemplateFaces {
  private readonly reply = new LatestOnly();
  private askedFor = 0;
  private status: BodyCompressFaces['status'] = 'none';

  constructor(
    private readonly ask: (vertexCount: number) => Promise<BodyCompressFaces>,
    private readonly target: FacesTarget,
    /** Shows (or with null takes away) the warning about faces that cannot be used. */
    private readonly warn: (message: string | null) => void,
    /** The answer is in (or failed): the page updates its toggles and redraws. */
    private readonly changed: () => void,
  ) {}

  /** Faces that fit the bodies are set: a mesh can be drawn. */
  get ok(): boolean {
    return this.status === 'ok';
  }

  /** Bodies of `vertexCount` vertices are drawn: asks for their faces unless asked already. */
  follow(vertexCount: number): void {
    if (vertexCount > 0 && vertexCount !== this.askedFor) void this.check(vertexCount);
  }

  /** The setting changed: answers on their way no longer count; asks again for the bodies shown (if any). */
  refresh(shownVertexCount: number | null): void {
    this.askedFor = 0;
    this.reply.invalidate();
    if (shownVertexCount !== null) void this.check(shownVertexCount);
  }

  dispose(): void {
    this.reply.invalidate();
  }

  private async check(vertexCount: number): Promise<void> {
    this.askedFor = vertexCount;
    this.warn(null);
    try {
      const faces = await this.reply.run(() => this.ask(vertexCount));
      if (faces === STALE) return;
      this.status = faces.status;
      this.target.setFaces(vertexCount, faces.status === 'ok' ? faces.indices : null);
      if (faces.status === 'error') {
        this.warn(`The template faces for ${n(vertexCount)}-vertex bodies cannot be used, so the bodies are shown as points: ${faces.message}`);
      }
    } catch (err) {
      this.status = 'error';
      this.target.setFaces(vertexCount, null);
      this.warn(`Template faces could not be loaded: ${(err as Error)?.message ?? err}`);
    }
    this.changed();
  }
}
