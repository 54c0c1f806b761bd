"""BodyCompress files written the way the reference writer (bodycompress v0.2.1) writes them, for
end-to-end tests: msgpack-numpy frame maps with quantized, differenced `qd_*` arrays (spec 5.1,
5.2), three xz streams with the 64-byte gap, the header rewritten on close (spec 2.1). Run with
Debian's /usr/bin/python3 (numpy, msgpack, msgpack_numpy).

Also the camera maths the tests take their expectations from: Rodrigues rotation, projection of
world points through K, R, loc (spec 5.4: x = R (X - loc), then K)."""

import subprocess

import msgpack_numpy
import numpy as np

VERSION = (0, 2, 1)


def _xz(data, *args):
    return subprocess.run(['xz', '-5', '-qq', *args], input=data, stdout=subprocess.PIPE, check=True).stdout


def _quantize(x, factor, axis):
    x = np.asarray(x)
    r = np.round(x * x.dtype.type(factor))
    d = np.diff(r.astype(np.float64), axis=axis, prepend=0)
    return [d.astype(np.int32), float(factor)]


def compress(frame, quantization_mm=0.5):
    """The reference's compress(): body arrays become qd_* at the end, everything else stays in order."""
    f = 1 / quantization_mm
    d = dict(frame)
    for key in ('vertices', 'joints'):
        d['qd_' + key] = _quantize(d.pop(key), f, -2)
    for key in ('vertex_uncertainties', 'joint_uncertainties'):
        if key in d:
            d['qd_' + key] = _quantize(d.pop(key), f * 1000, -1)
    return d


def write(path, frames, metadata=None):
    header = lambda length, start: msgpack_numpy.packb({'__bodycompress_version__': VERSION, 'length': length, 'data_start': start})
    initial = _xz(header(0, None))
    meta = _xz(msgpack_numpy.packb(metadata))
    data = _xz(b''.join(msgpack_numpy.packb(compress(f)) for f in frames), '-T1')
    data_start = len(initial) + 64 + len(meta)
    final = _xz(header(len(frames), data_start))
    assert len(final) <= len(initial) + 64
    with open(path, 'wb') as out:
        out.write(initial + bytes(64) + meta + data)
        out.seek(0)
        out.write(final)


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
