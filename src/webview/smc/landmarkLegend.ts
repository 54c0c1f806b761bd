import type { SmcKeypointOverlay } from '../../protocol/smcProtocol';

/**
 * The words for a camera's landmark layers in one frame. The three ways 2D landmarks can be absent
 * are told apart (see core/smc/landmarkState), and so are the reasons nothing is projected.
 */
export function detectedLegend(kp: SmcKeypointOverlay, camera: string, frame: number): string {
  if (kp.detected) return `detected 2D (${kp.detected.length / 2})`;
  switch (kp.detectedState) {
    case 'no-group':
      return `no 2D landmarks: camera ${camera} has no Keypoints2d group`;
    case 'missing-frame':
      return `no 2D landmarks: frame ${frame} is missing from camera ${camera}'s Keypoints2d`;
    case 'empty':
      return `empty detection: frame ${frame} of camera ${camera} holds no 2D landmarks`;
    case 'present':
      return `the 2D landmarks of frame ${frame} could not be read`;
  }
}

export function projectedLegend(kp: SmcKeypointOverlay, camera: string, fileHas3d: boolean): string {
  if (kp.projected) return `projected 3D (${kp.projected.length / 2})`;
  if (!kp.calibrated) return `camera ${camera} is not calibrated, so 3D landmarks cannot be projected`;
  return fileHas3d ? 'no 3D landmarks in this frame' : 'this file has no 3D landmarks';
}
