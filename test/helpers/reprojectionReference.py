"""Ground truth for the projection overlays, from the SMC file with h5py and numpy only.

Usage: python3 reprojectionReference.py FILE.smc FRAME CAMERA
Prints JSON: "errors", per calibrated camera the count of detected 2D landmarks and the mean / max
distance in pixels between them and the frame's 3D landmarks projected through the camera; "flame"
and "scan", the frame's FLAME vertices and the scan's vertices projected through CAMERA.
Projection: world-to-camera = inverse(RT) (RT is camera-to-world), then OpenCV's pinhole model with
distortion (k1, k2, p1, p2, k3), as cv2.projectPoints computes it.
"""

import json
import sys

import h5py
import numpy as np


def project(K, D, RT, X):
    w2c = np.linalg.inv(RT)
    c = X @ w2c[:3, :3].T + w2c[:3, 3]
    k1, k2, p1, p2, k3 = (list(D) + [0.0] * 5)[:5]
    x = c[:, 0] / c[:, 2]
    y = c[:, 1] / c[:, 2]
    r2 = x * x + y * y
    radial = 1 + k1 * r2 + k2 * r2**2 + k3 * r2**3
    xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x)
    yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y
    uv = np.stack([K[0, 0] * xd + K[0, 1] * yd + K[0, 2], K[1, 1] * yd + K[1, 2]], axis=1)
    uv[c[:, 2] <= 0] = np.nan
    return uv


path, frame, camera = sys.argv[1], sys.argv[2], sys.argv[3]
with h5py.File(path, 'r') as f:
    cal = {c: [np.asarray(f[f'Calibration/{c}/{k}'][()], dtype=np.float64) for k in ('K', 'D', 'RT')] for c in f['Calibration']}
    points3d = f[f'Keypoints3d/{frame}'][()].astype(np.float64)
    errors = {}
    for c, (K, D, RT) in cal.items():
        row = {'landmarks': 0, 'mean': None, 'max': None}
        key = f'Keypoints2d/{c}/{frame}'
        if key in f:
            detected = f[key][()].astype(np.float64)
            d = np.linalg.norm(detected - project(K, D, RT, points3d), axis=1)
            d = d[np.isfinite(d)]
            row = {'landmarks': int(np.isfinite(detected).all(axis=1).sum()), 'mean': float(d.mean()), 'max': float(d.max())}
        errors[c] = row
    K, D, RT = cal[camera]
    flame = project(K, D, RT, f[f'FLAME/{frame}/verts'][()].astype(np.float64))
    scan = project(K, D, RT, f['Scan/vertex'][()].astype(np.float64))
print(json.dumps({'errors': errors, 'flame': flame.tolist(), 'scan': scan.tolist()}))
