import type { ExtractPart } from '../../src/core/extract/extractOptions';
import { runH5py } from './h5py';

/** The extraction parts h5py finds in SMC files (metadata always; visualization with colour images). */
export function h5pyParts(files: readonly string[]): ExtractPart[] {
  return JSON.parse(
    runH5py(
      `import h5py, json, sys
parts = set(["metadata"])
for p in sys.argv[1:]:
    f = h5py.File(p, "r")
    for c in f.get("Camera", {}).values():
        if "color" in c and len(c["color"]) > 0: parts.update(["images", "visualization"])
        if "mask" in c and len(c["mask"]) > 0: parts.add("masks")
        if "audio" in c: parts.add("audio")
    for group, part in [("Calibration", "calibration"), ("Keypoints2d", "keypoints2d"), ("Keypoints3d", "keypoints3d"), ("FLAME", "flame"), ("UV_texture", "uv"), ("ScanMask", "scan_mask")]:
        if group in f and len(f[group]) > 0: parts.add(part)
    if "Scan" in f: parts.add("scan")
print(json.dumps(sorted(parts)))`,
      files,
    ),
  ) as ExtractPart[];
}
