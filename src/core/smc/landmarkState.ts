import type { SmcFile } from './smcFile';
import { frameKey } from './smcKeys';
import { smcPartPath } from './smcParts';

/**
 * Why a camera's 2D landmarks of a frame are (not) there. The reference reader returns None for all
 * three absences; the editor tells them apart: the camera has no Keypoints2d group (only the frontal
 * cameras 18-32 have one), the group lacks the frame, or the frame is an empty array (no detection).
 */
export type LandmarkState = 'present' | 'no-group' | 'missing-frame' | 'empty';

/** The state from what the file holds: whether the camera's group exists and the frame dataset's element count (null: no dataset). */
export function classifyLandmarks(groupExists: boolean, frameElements: number | null): LandmarkState {
  if (!groupExists) return 'no-group';
  if (frameElements === null) return 'missing-frame';
  return frameElements === 0 ? 'empty' : 'present';
}

/**
 * The state of camera `camera`'s 2D landmarks in `frame` over the files of a performance (usual holder
 * first): the first file with the camera's group decides. Reads metadata only.
 */
export function keypoints2dState(files: SmcFile[], camera: string, frame: number): LandmarkState {
  const group = smcPartPath({ part: 'keypoints2d', camera })!;
  const key = frameKey(frame);
  for (const f of files) {
    if (f.hdf5.kind(group) !== 'group') continue;
    const info = key === null ? null : f.hdf5.dataset(`${group}/${key}`);
    return classifyLandmarks(true, info ? info.elements : null);
  }
  return classifyLandmarks(false, null);
}
