import * as THREE from 'three';

/** The view buttons: from the front, the side, the top, or from where the frame's camera stands. */
export type ViewPreset = 'front' | 'side' | 'top' | 'camera';

export const VIEW_PRESETS: { preset: ViewPreset; label: string; title: string }[] = [
  { preset: 'front', label: 'Front', title: "Look at the people horizontally, from the camera's side" },
  { preset: 'side', label: 'Side', title: 'Look at the people horizontally, from their right (a quarter turn from the front)' },
  { preset: 'top', label: 'Top', title: 'Look down at the people from above' },
  { preset: 'camera', label: 'Camera', title: "Look from where the frame's camera stands, along its axis (orbiting stays possible)" },
];

/**
 * The direction from the people towards the viewer for a preset. Front is horizontal, towards the
 * camera when the frame has one (`towardsCamera`, made horizontal), else along `fallback`; side
 * is a quarter turn from the front about `up`; top looks down along `up`, with the front at the
 * bottom of the screen.
 */
export function presetDirection(
  preset: Exclude<ViewPreset, 'camera'>,
  up: THREE.Vector3,
  towardsCamera: THREE.Vector3 | null,
  fallback: THREE.Vector3,
): THREE.Vector3 {
  const horizontal = (v: THREE.Vector3) => v.clone().addScaledVector(up, -v.dot(up));
  let front = towardsCamera ? horizontal(towardsCamera) : fallback.clone();
  if (front.lengthSq() < 1e-12) front = fallback.clone();
  front.normalize();
  if (preset === 'front') return front;
  if (preset === 'side') return front.applyAxisAngle(up, Math.PI / 2);
  // Straight down would leave the screen's up undefined (and the orbit controls at their pole).
  return up.clone().addScaledVector(front, 1e-3).normalize();
}
