import type { SceneView } from '../common/scene3d';

/** Everything the BodyCompress page remembers across hiding its tab and reloading the file. */
export interface BodyCompressViewState {
  frame: number;
  speed: number;
  loop: boolean;
  view3d: SceneView | null;
  /** Shaded mesh when template faces are configured for the vertex count (else points). */
  mesh: boolean;
  joints: boolean;
  skeleton: boolean;
  uncertainty: boolean;
  camera: boolean;
  throughCamera: boolean;
  grid: boolean;
  /** Person slots (index in the frame) that are hidden. */
  hidden: number[];
  /** Metadata tree paths that are open. */
  metadataOpen: string[];
  scrollY: number;
}

export const DEFAULT_VIEW_STATE: BodyCompressViewState = {
  frame: 0,
  speed: 1,
  loop: true,
  view3d: null,
  mesh: true,
  joints: true,
  skeleton: true,
  uncertainty: false,
  camera: true,
  throughCamera: false,
  grid: true,
  hidden: [],
  metadataOpen: [],
  scrollY: 0,
};
