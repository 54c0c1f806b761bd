/**
 * The SMPL kinematic tree: parent of each of the 24 joints (-1 for the pelvis), as in the SMPL
 * model's `kintree_table`. Bodies with 24 joints are drawn with these bones.
 */
export const SMPL_PARENTS = [-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21] as const;

/** Bones as pairs of joint indices (child, parent), for joint counts that have a known tree. */
export function bonesFor(jointCount: number): [number, number][] {
  if (jointCount !== SMPL_PARENTS.length) return [];
  return SMPL_PARENTS.flatMap((parent, child) => (parent < 0 ? [] : [[child, parent] as [number, number]]));
}
