import type { Projection, SceneView } from '../common/scene3d';

/** The 3D view's background: the editor theme's, a fixed dark or light grey, or a colour (#rrggbb). */
export type Background = 'theme' | 'dark' | 'light' | `#${string}`;

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
  /** Mesh drawn as its triangle edges (when a mesh is drawn). */
  wireframe: boolean;
  projection: Projection;
  background: Background;
  /** Joint spheres and vertex points, relative to their size from the data's scale. */
  markerScale: number;
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
  wireframe: false,
  projection: 'perspective',
  background: 'theme',
  markerScale: 1,
  hidden: [],
  metadataOpen: [],
  scrollY: 0,
};
