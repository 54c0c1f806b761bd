import type { SmcFileKind } from './smcHeader';
import type { SmcInventory } from './smcInventory';
import { cameraKey, frameKey } from './smcKeys';

/*
 * Where the parts of a performance live: which file of the anno/raw pair usually holds each, and the
 * HDF5 groups that hold their datasets. The only place outside the SMC readers that knows the layout.
 */

/** The parts of an SMC file, named as in SmcInventory. */
export type SmcPart = 'color' | 'mask' | 'audio' | 'calibration' | 'keypoints2d' | 'keypoints3d' | 'flame' | 'uvTexture' | 'scan' | 'scanMask';

/** The file of the pair that normally holds a part: raw files hold colour images and audio, anno files the rest. */
export function usualHolder(part: SmcPart): SmcFileKind {
  return part === 'color' || part === 'audio' ? 'raw' : 'anno';
}

/**
 * The file of the pair whose inventory has `part` (by `has`; default: the part is present), asking the
 * usual holder first, so files that deviate from the usual split still work; null when neither has it.
 */
export function partHolder(
  inv: { anno: SmcInventory | null; raw: SmcInventory | null },
  part: SmcPart,
  has: (inv: SmcInventory) => boolean = (i) => i[part] !== null,
): SmcFileKind | null {
  const preferred = usualHolder(part);
  for (const kind of [preferred, preferred === 'raw' ? 'anno' : 'raw'] as const) {
    const i = inv[kind];
    if (i && has(i)) return kind;
  }
  return null;
}

/**
 * A group of datasets of one part, whose members are keyed by frame (images of a camera, 2D landmarks of
 * a camera, 3D landmarks, UV textures), by camera (scan masks) or by parameter name (one FLAME frame).
 */
export type SmcPartGroup =
  | { part: 'color' | 'mask' | 'keypoints2d'; camera: string | number }
  | { part: 'keypoints3d' | 'uvTexture' | 'scanMask' }
  | { part: 'flame'; frame: number | string };

/** A dataset per frame: landmarks, UV textures, or one FLAME parameter (e.g. verts). */
export type SmcFrameSeries = { part: 'keypoints3d' | 'uvTexture' } | { part: 'keypoints2d'; camera: string | number } | { part: 'flame'; parameter: string };

/**
 * HDF5 path of a part's group, or of its member `key` as the file spells it ("12", "05", "exp"). Null
 * for a FLAME frame that is not a frame number.
 */
export function smcPartPath(group: SmcPartGroup, key?: string): string | null {
  let path: string;
  switch (group.part) {
    case 'color':
    case 'mask':
      path = `/Camera/${cameraKey(group.camera)}/${group.part}`;
      break;
    case 'keypoints2d':
      path = `/Keypoints2d/${cameraKey(group.camera)}`;
      break;
    case 'keypoints3d':
      path = '/Keypoints3d';
      break;
    case 'uvTexture':
      path = '/UV_texture';
      break;
    case 'scanMask':
      path = '/ScanMask';
      break;
    case 'flame': {
      const f = frameKey(group.frame);
      if (f === null) return null;
      path = `/FLAME/${f}`;
    }
  }
  return key === undefined ? path : `${path}/${key}`;
}
