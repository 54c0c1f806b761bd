"""BodyCompress files written the way the reference writer (bodycompress v0.2.1) writes them, for
end-to-end tests: msgpack-numpy frame maps with quantized, differenced `qd_*` arrays (spec 5.1,
5.2), three xz streams with the 64-byte gap, the header rewritten on close (spec 2.1). Run with
Debian's /usr/bin/python3 (numpy, msgpack, msgpack_numpy).

Also the camera maths the tests take their expectations from: Rodrigues rotation, projection of
world points through K, R, loc (spec 5.4: x = R (X - loc), then K)."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oddBodyCompress  # noqa: E402  (the reference writer's layout, in one place)


def write(path, frames, metadata=None):
    oddBodyCompress.write(path, metadata, frames)


def rodrigues(rotvec):
    r = np.asarray(rotvec, np.float64)
    th = np.linalg.norm(r)
    if th == 0:
        return np.eye(3)
    k = r / th
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + np.sin(th) * kx + (1 - np.cos(th)) * kx @ kx


def camera(rotvec, loc, K, up=(0, -1, 0), image_size=None):
    """The camera map cam_to_dict() stores (float32 arrays), optionally with an `image_size` (W, H)."""
    m = {
        'rotvec_w2c': np.asarray(rotvec, np.float32),
        'loc': np.asarray(loc, np.float32),
        'intr': np.asarray(K, np.float32)[:2],
        'up': np.asarray(up, np.float32),
    }
    if image_size is not None:
        m['image_size'] = np.asarray(image_size, np.int32)
    return m


def project(cam, points):
    """Image pixels (u, v) of world points through a stored camera map (as the viewer reads it: float32 values)."""
    R = rodrigues(cam['rotvec_w2c'].astype(np.float64))
    K = np.vstack([cam['intr'].astype(np.float64), [0, 0, 1]])
    x = (np.asarray(points, np.float64) - cam['loc'].astype(np.float64)) @ R.T
    p = x @ K.T
    return p[:, :2] / p[:, 2:3]


def unproject(cam, uv, depth):
    """World points at image pixels `uv` and camera-frame depth `depth` (mm)."""
    R = rodrigues(cam['rotvec_w2c'].astype(np.float64))
    K = np.vstack([cam['intr'].astype(np.float64), [0, 0, 1]])
    uv = np.atleast_2d(np.asarray(uv, np.float64))
    rays = np.c_[uv, np.ones(len(uv))] @ np.linalg.inv(K).T
    return (rays * np.reshape(depth, (-1, 1))) @ R + cam['loc'].astype(np.float64)
