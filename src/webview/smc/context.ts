import type { NoEvents, NoRequests, RpcEndpoint } from '../../protocol/rpc';
import type { SmcHostEvents, SmcImage, SmcOverview, SmcRequests, SmcViewModel } from '../../protocol/smcProtocol';
import { BitmapCache } from '../common/bitmapCache';
import { decodeImage } from '../common/images';
import type { PlaybackController } from '../common/playbackController';
import type { SceneView } from '../common/scene3d';
import type { ViewState } from '../common/viewState';

export type SmcHost = RpcEndpoint<SmcRequests, NoRequests, NoEvents, SmcHostEvents>;

export type ImageMode = 'color' | 'mask' | 'overlay';

/** Everything the SMC page remembers across hiding its tab. */
export interface SmcViewState {
  tab: string;
  frame: number;
  speed: number;
  loop: boolean;
  /** The camera shown large in the Cameras tab (null: the grid). */
  camera: string | null;
  mode: ImageMode;
  showDetected: boolean;
  showProjected: boolean;
  /** FLAME vertices / scan wireframe projected onto the large camera image. */
  showFlame: boolean;
  showScan: boolean;
  zoom: 'fit' | 'actual';
  /** Cameras side by side in the detail view, and the ones picked beside the large one. */
  compare: 1 | 2 | 4;
  compareCameras: string[];
  layers: { rig: boolean; keypoints: boolean; flame: boolean; scan: boolean };
  view3d: SceneView | null;
  scanMaskCamera: string | null;
  sound: boolean;
  structureFile: number;
  structurePath: string;
  structureOpen: string[];
  scrollY: number;
}

export const DEFAULT_VIEW_STATE: SmcViewState = {
  tab: 'overview',
  frame: 0,
  speed: 1,
  loop: true,
  camera: null,
  mode: 'color',
  showDetected: true,
  showProjected: true,
  showFlame: true,
  showScan: true,
  zoom: 'fit',
  compare: 1,
  compareCameras: [],
  layers: { rig: true, keypoints: true, flame: true, scan: true },
  view3d: null,
  scanMaskCamera: null,
  sound: true,
  structureFile: 0,
  structurePath: '/',
  structureOpen: [],
  scrollY: 0,
};

/** Decoded images kept in the webview: thumbnails of a few frames and a few full-size images. */
const BITMAP_CACHE_BYTES = 256 * 2 ** 20;

/** What every SMC view gets: the host, what the file holds, the shared playback and view state. */
export class SmcContext {
  readonly bitmaps = new BitmapCache(BITMAP_CACHE_BYTES);
  /** Set by the page: shows one camera large in the Cameras tab. */
  openCamera: (id: string) => void = () => undefined;

  constructor(
    readonly host: SmcHost,
    readonly overview: SmcOverview,
    readonly contents: SmcViewModel,
    readonly playback: PlaybackController,
    readonly state: ViewState<SmcViewState>,
  ) {}

  /** [width, height] of the stored images, from the header's (height, width). */
  get imageSize(): [number, number] {
    const [h, w] = this.overview.cameraInfo.resolution;
    return [w || 1, h || 1];
  }

  /**
   * A decoded image through the cache; `maxWidth` asks for a thumbnail (part of the key, rounded
   * up so resizing the page reuses thumbnails). Null when the file does not hold the image.
   */
  image(key: string, request: () => Promise<SmcImage | null>, maxWidth?: number): Promise<ImageBitmap | null> {
    const width = maxWidth ? Math.ceil(maxWidth / 64) * 64 : 0;
    return this.bitmaps.get(`${key}@${width}`, async () => {
      const img = await request();
      if (!img) return null;
      return decodeImage(img.bytes, img.mime, { maxWidth: width || undefined, width: img.width, height: img.height });
    });
  }
}
