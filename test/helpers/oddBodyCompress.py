"""Writes valid-but-unusual and damaged BodyCompress files the way real pipelines write them.

Usage: /usr/bin/python3 oddBodyCompress.py OUT_DIR

Follows the reference writer (bodycompress v0.2.1, spec section 2.1): a header stream and the
metadata stream each compressed by `xz -5 -qq`, 64 zero bytes between them, the frames' msgpack
(msgpack_numpy.packb of the reference's compress()) piped through `xz --threads=0 -5`, and the
final header written over the initial one at close. Damage is then done to the bytes as it
happens: a writer killed before close, a copy cut at data_start, a copy missing its last bytes.

Prints a JSON object on stdout: per file, what numpy says the file holds (frame count, people,
bounds of the valid points, garbage points), the expected values of the tests.
"""

import json
import os
import subprocess
import sys
import warnings

import msgpack
import msgpack_numpy
import numpy as np

VERSION = (0, 2, 1)
FACTOR = 2.0  # 1 / quantization_mm, the reference's default 0.5 mm
# Past this many mm the format cannot hold a coordinate (2^30 half-mm differences, spec 5.2).
LIMIT_MM = 2.0**29


def xz(data, *args):
    return subprocess.run(['xz', *args], input=data, stdout=subprocess.PIPE, check=True).stdout


def quantize(x, factor, axis):
    """The reference's compress() of one array (spec 5.2): round half even, differences, int32."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', RuntimeWarning)
        r = np.round(x * x.dtype.type(factor))
        d = np.diff(r.astype(np.float64), axis=axis, prepend=0)
        return [d.astype(np.int32), float(factor)]


def dequantize(q, axis):
    """The reference's decompress() of one [Q, factor] pair (spec 5.3)."""
    arr, factor = q
    return (np.cumsum(arr, axis=axis, dtype=np.int64).astype(np.float32) / np.float32(factor)).astype(np.float32)


def compress(frame):
    d = dict(frame)
    out = {}
    for k, v in d.items():
        if k not in ('vertices', 'joints', 'vertex_uncertainties', 'joint_uncertainties'):
            out[k] = v
    for k in ('vertices', 'joints'):
        if k in d:
            out['qd_' + k] = quantize(d[k], FACTOR, -2)
    for k in ('vertex_uncertainties', 'joint_uncertainties'):
        if k in d:
            out['qd_' + k] = quantize(d[k], FACTOR * 1000, -1)
    return out


def header(length, data_start):
    return msgpack_numpy.packb({'__bodycompress_version__': VERSION, 'length': length, 'data_start': data_start})


def write(path, metadata, frames, finalize=True):
    """A file as BodyCompressor writes it; `finalize=False`: the writer never reached close()."""
    initial = xz(header(0, None), '-5', '-qq')
    meta = xz(msgpack_numpy.packb(metadata), '-5', '-qq')
    data_start = len(initial) + 64 + len(meta)
    data = xz(b''.join(msgpack_numpy.packb(compress(f)) for f in frames), '--threads=0', '-5', '--to-stdout')
    head = initial
    if finalize:
        final = xz(header(len(frames), data_start), '-5', '-qq')
        assert len(final) <= len(initial) + 64
        head = final + bytes(len(initial) + 64 - len(final))
    else:
        head = initial + bytes(64)
    with open(path, 'wb') as f:
        f.write(head + meta + data)
    return data_start


def decoded(frames):
    """The frames as the reference reader yields them (what the editor must show)."""
    return [{k[3:]: dequantize(v, -2 if k in ('qd_vertices', 'qd_joints') else -1) for k, v in compress(f).items() if k.startswith('qd_')} for f in frames]


def people(f):
    return max((f[k].shape[0] for k in ('vertices', 'joints') if k in f and f[k].ndim == 3), default=0)


def walking(rng, n, persons, vertices, joints, uncertainties=False):
    """People standing a metre apart, 1.7 m tall (y up), moving a little each frame, in mm."""
    frames = []
    for i in range(n):
        f = {'boxes': np.tile(np.array([[100, 50, 200, 400, 0.9]], np.float32), (persons, 1))}
        body = []
        for p in range(persons):
            centre = np.array([p * 1000.0 + i * 10.0, 850.0, 3000.0], np.float32)
            body.append(centre + rng.uniform(-1, 1, size=(max(vertices or 0, joints), 3)).astype(np.float32) * np.array([250, 850, 150], np.float32))
        body = np.stack(body).astype(np.float32)
        if vertices is not None:
            f['vertices'] = body[:, :vertices]
        f['joints'] = body[:, :joints]
        if uncertainties:
            f['vertex_uncertainties'] = rng.uniform(0.01, 0.05, size=(persons, vertices)).astype(np.float32)
        frames.append(f)
    return frames


def bounds(points):
    """Min and max per axis of the points whose coordinates are all finite and within the format's range."""
    p = points.reshape(-1, 3)
    ok = np.all(np.isfinite(p) & (np.abs(p) < LIMIT_MM), axis=1)
    return {'valid': int(ok.sum()), 'invalid': int((~ok).sum()), 'min': p[ok].min(0).tolist() if ok.any() else None, 'max': p[ok].max(0).tolist() if ok.any() else None}


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(16)
    facts = {}

    # Joints-only, the reference's way: vertices (P, 0, 3).
    frames = walking(rng, 12, 2, 0, 24)
    write(os.path.join(out, 'odd_joints_empty_vertices.xz'), {'fps': 30}, frames)
    dec = decoded(frames)
    facts['odd_joints_empty_vertices.xz'] = {'frames': len(frames), 'maxPersons': max(people(f) for f in dec), 'joints': bounds(dec[0]['joints'])}

    # Joints-only from an estimator that writes no vertices key at all (not the reference writer).
    frames = walking(rng, 12, 1, None, 17)
    write(os.path.join(out, 'odd_joints_no_vertices.xz'), {'fps': 30}, frames)
    dec = decoded(frames)
    facts['odd_joints_no_vertices.xz'] = {'frames': len(frames), 'maxPersons': max(people(f) for f in dec), 'joints': bounds(dec[0]['joints'])}

    # A writer killed before close(): header length 0, data_start nil; 19 of the 20 frames
    # announced in the metadata reached xz (the last sat in the pipe buffer).
    frames = walking(rng, 19, 1, 100, 24)
    write(os.path.join(out, 'odd_killed_writer.xz'), {'fps': 30, 'n_frames': 20}, frames, finalize=False)
    facts['odd_killed_writer.xz'] = {'frames': 19, 'metadataFrames': 20}

    # Finalized, then cut at data_start: the data stream is absent.
    frames = walking(rng, 10, 1, 100, 24)
    path = os.path.join(out, 'odd_no_data_stream.xz')
    data_start = write(path, {'fps': 30, 'subject': 'cut after the metadata'}, frames)
    with open(path, 'r+b') as f:
        f.truncate(data_start)
    facts['odd_no_data_stream.xz'] = {'frames': 0, 'headerFrames': 10, 'dataStart': data_start}

    # Finalized, missing only its last 5 bytes (the xz stream footer): every frame is there.
    frames = walking(rng, 10, 1, 100, 24)
    path = os.path.join(out, 'odd_last_bytes_missing.xz')
    write(path, {'fps': 30}, frames)
    size = os.path.getsize(path)
    with open(path, 'r+b') as f:
        f.truncate(size - 5)
    facts['odd_last_bytes_missing.xz'] = {'frames': 10, 'headerFrames': 10}

    # Finalized with no frame at all (a zero-block data stream).
    write(os.path.join(out, 'odd_zero_frames.xz'), {'fps': 30}, [])
    facts['odd_zero_frames.xz'] = {'frames': 0}

    # Garbage coordinates: NaN, Inf and out-of-range values become INT32_MIN differences; the
    # column is garbage from there on (spec 5.2 step 4, 8.2). Frame 2 person 1 vertex 50 x is
    # NaN, frame 3 person 0 joint 5 z is Inf and vertex 10 y is 1e12 mm; a vertex uncertainty is NaN.
    frames = walking(rng, 6, 2, 100, 24, uncertainties=True)
    frames[2]['vertices'][1, 50, 0] = np.nan
    frames[3]['joints'][0, 5, 2] = np.inf
    frames[3]['vertices'][0, 10, 1] = 1e12
    frames[4]['vertex_uncertainties'][0, 30] = np.nan
    write(os.path.join(out, 'odd_garbage_coordinates.xz'), {'fps': 30}, frames)
    dec = decoded(frames)
    per_frame = []
    for i, f in enumerate(dec):
        per = []
        for p in range(f['vertices'].shape[0]):
            points = np.concatenate([f['vertices'][p], f['joints'][p]])
            per.append(bounds(points))
        u = f['vertex_uncertainties']
        per_frame.append({'persons': per, 'negativeUncertainties': int((u < 0).sum())})
    facts['odd_garbage_coordinates.xz'] = {'frames': len(frames), 'perFrame': per_frame}

    json.dump(facts, sys.stdout)


if __name__ == '__main__':
    main(sys.argv[1])
