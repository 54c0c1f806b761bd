import { plural } from '../../core/plural';

/**
 * Kinematic trees of the body models whose joints BodyCompress files usually hold: parent of each
 * joint (-1 for the root), as in each model's `kintree_table` (first row). A frame's joint count
 * picks the tree; other counts (landmarks, keypoint sets) are drawn as joints without bones.
 */

/** SMPL: 24 joints (pelvis … hands). */
export const SMPL_PARENTS = [-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21] as const;

/** The 22 body joints SMPL-H and SMPL-X share with SMPL (SMPL's hands 22, 23 are replaced by finger chains). */
const BODY_22 = SMPL_PARENTS.slice(0, 22);

/** Index, middle, pinky, ring and thumb: three joints each, the first one on the wrist. */
function hand(wrist: number, first: number): number[] {
  return Array.from({ length: 15 }, (_, k) => (k % 3 === 0 ? wrist : first + k - 1));
}

/** SMPL-H (and MANO-handed models): 22 body joints, then 15 left-hand and 15 right-hand joints. */
export const SMPLH_PARENTS: readonly number[] = [...BODY_22, ...hand(20, 22), ...hand(21, 37)];

/** SMPL-X: 22 body joints, jaw and the two eyes (on the head), then 15 left-hand and 15 right-hand joints. */
export const SMPLX_PARENTS: readonly number[] = [...BODY_22, 15, 15, 15, ...hand(20, 25), ...hand(21, 40)];

export interface Skeleton {
  /** The model's name as users know it. */
  name: string;
  /** Bones as pairs of joint indices (child, parent). */
  bones: [number, number][];
}

const bones = (parents: readonly number[]) => parents.flatMap((parent, child) => (parent < 0 ? [] : [[child, parent] as [number, number]]));

const SKELETONS = new Map<number, Skeleton>(
  [
    { name: 'SMPL', parents: SMPL_PARENTS },
    { name: 'SMPL-H', parents: SMPLH_PARENTS },
    { name: 'SMPL-X', parents: SMPLX_PARENTS },
  ].map(({ name, parents }) => [parents.length, { name, bones: bones(parents) }]),
);

/** The skeleton for bodies of `jointCount` joints, or null when no known model has that many. */
export function skeletonFor(jointCount: number): Skeleton | null {
  return SKELETONS.get(jointCount) ?? null;
}

/** Bones as pairs of joint indices (child, parent), for joint counts that have a known tree. */
export function bonesFor(jointCount: number): [number, number][] {
  return skeletonFor(jointCount)?.bones ?? [];
}

/** Which skeleton is drawn for `jointCount` joints, or why none is (for the Skeleton checkbox's tooltip). */
export function skeletonText(jointCount: number): string {
  const s = skeletonFor(jointCount);
  if (s) return `Bones of the ${s.name} ${jointCount}-joint tree`;
  const known = [...SKELETONS].map(([n, k]) => `${k.name} ${n}`).join(', ');
  if (jointCount === 0) return 'No skeleton: this frame has no joints';
  return `No skeleton for ${plural(jointCount, 'joint')} (bones are known for ${known} joints)`;
}
