"""Copies an SMC file and turns one camera's calibration by a few degrees, as a bad calibration would.

Usage: python3 misalignSmc.py SRC DST CAMERA DEGREES [k1,k2,p1,p2,k3]
The camera-to-world RT (RenderMe360's convention) is rotated about the camera's own y axis (its
rotation R becomes R @ Ry(DEGREES)); the camera centre stays where it was. Written with h5py in place,
keeping the dataset's dtype and shape, the way a researcher patching a calibration would. With the
last argument, the camera's distortion D is set too (the fixtures' D is all zeros).
"""

import shutil
import sys

import h5py
import numpy as np

src, dst, camera, degrees = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
shutil.copyfile(src, dst)
a = np.radians(degrees)
ry = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
with h5py.File(dst, 'r+') as f:
    ds = f[f'Calibration/{camera}/RT']
    rt = ds[()]
    rt[:3, :3] = rt[:3, :3] @ ry
    ds[...] = rt
    if len(sys.argv) > 5:
        f[f'Calibration/{camera}/D'][...] = np.array([float(v) for v in sys.argv[5].split(',')])
