"""Writes second files to compare with reference fixtures, the way real pipelines write them.

Usage: /usr/bin/python3 compareBodyCompress.py FIXTURES_DIR OUT_DIR
       /usr/bin/python3 compareBodyCompress.py path FILE PERSON KIND INDEX   (a point's x, y, z in every frame)

Each file is read from a reference fixture (`xz -dc`: header, metadata and frames as
msgpack_numpy objects), its bodies changed with numpy, and written back like the reference writer
(bodycompress v0.2.1: header and metadata streams by `xz -5 -qq` with 64 zero bytes between them,
frames' msgpack through `xz --threads=0 -5`). Prints JSON: per pair, what numpy says the editor's
comparison must show (frames compared, basis, per-person mean of the per-frame mean distances,
with people matched per frame by least total centroid distance, tried over every permutation).
"""

import itertools
import json
import os
import subprocess
import sys

import msgpack
import msgpack_numpy
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oddBodyCompress import dequantize, write  # noqa: E402  (the reference writer's layout, in one place)


def unpack_all(path):
    raw = subprocess.run(['xz', '-dc', path], stdout=subprocess.PIPE, check=True).stdout
    u = msgpack.Unpacker(object_hook=msgpack_numpy.decode, raw=False, strict_map_key=False, max_buffer_size=2**31 - 1)
    u.feed(raw)
    objs = list(u)
    header, metadata, wire = objs[0], objs[1], objs[2:]
    frames = []
    for w in wire:
        f = {}
        for k, v in w.items():
            if k in ('qd_vertices', 'qd_joints'):
                f[k[3:]] = dequantize(v, -2)
            elif k.startswith('qd_'):
                f[k[3:]] = dequantize(v, -1)
            else:
                f[k] = v
        frames.append(f)
    return metadata, frames


def centroid(p):
    ok = np.all(np.isfinite(p), axis=1)
    return p[ok].astype(np.float64).mean(0) if ok.any() else None


def expected(a_frames, b_frames):
    """What the comparison of a with b must show, from numpy alone."""
    common = min(len(a_frames), len(b_frames))
    per_person = {}
    bases = set()
    differ = 0
    for fa, fb in zip(a_frames[:common], b_frames[:common]):
        va, vb = fa.get('vertices'), fb.get('vertices')
        basis = 'vertices' if va is not None and vb is not None and va.shape[1] == vb.shape[1] and va.shape[1] > 0 else 'joints'
        bases.add(basis)
        pa, pb = fa[basis], fb[basis]
        if len(pa) != len(pb):
            differ += 1
        ca = [centroid(p) for p in pa]
        cb = [centroid(p) for p in pb]
        best = None
        # Every way of pairing (the fewer people with as many of the others): least total distance.
        small, large = (ca, cb) if len(ca) <= len(cb) else (cb, ca)
        for perm in itertools.permutations(range(len(large)), len(small)):
            cost = sum(np.linalg.norm(small[i] - large[j]) for i, j in enumerate(perm))
            if best is None or cost < best[0]:
                best = (cost, perm)
        pairs = {}
        if best is not None:
            for i, j in enumerate(best[1]):
                pairs[i if len(ca) <= len(cb) else j] = j if len(ca) <= len(cb) else i
        for i, j in pairs.items():
            d = np.linalg.norm(pa[i].astype(np.float32) - pb[j].astype(np.float32), axis=1)
            per_person.setdefault(i, []).append(float(d.mean()))
    return {
        'common': common,
        'aFrames': len(a_frames),
        'bFrames': len(b_frames),
        'bases': sorted(bases),
        'personCountsDiffer': differ,
        'meanPerPerson': [float(np.mean(per_person[i])) for i in sorted(per_person)],
    }


def main(fixtures, out):
    os.makedirs(out, exist_ok=True)
    facts = {}
    offset = np.array([3.0, -4.0, 12.0], np.float32)  # 13 mm, on the 0.5 mm grid

    # Same file moved by a known offset: every distance is 13 mm.
    meta, frames = unpack_all(os.path.join(fixtures, 'single_person_30f.xz'))
    moved = [dict(f, vertices=f['vertices'] + offset, joints=f['joints'] + offset) for f in frames]
    write(os.path.join(out, 'compare_offset_13mm.xz'), meta, moved)
    facts['single_person_30f.xz|compare_offset_13mm.xz'] = expected(frames, moved)

    # Shorter (20 of 24 frames), people in reverse order, the last person of 3-person frames dropped, moved by 5 mm.
    meta, frames = unpack_all(os.path.join(fixtures, 'multi_person_varying.xz'))
    shift = np.array([0.0, 0.0, 5.0], np.float32)
    other = []
    for f in frames[:20]:
        g = dict(f)
        keep = slice(None, 2) if f['vertices'].shape[0] == 3 else slice(None)
        for k in ('vertices', 'joints'):
            g[k] = (f[k][keep] + shift)[::-1].copy()
        for k in ('vertex_uncertainties', 'joint_uncertainties', 'boxes'):
            if k in f:
                g[k] = f[k][keep][::-1].copy()
        other.append(g)
    write(os.path.join(out, 'compare_shorter_reordered.xz'), meta, other)
    facts['multi_person_varying.xz|compare_shorter_reordered.xz'] = expected(frames, other)

    # Another template: half the vertices, the same 24 joints moved by 13 mm: compared on joints.
    meta, frames = unpack_all(os.path.join(fixtures, 'tiny_full_1024v.xz'))
    sub = []
    for f in frames:
        g = {k: v for k, v in f.items() if k not in ('vertex_uncertainties',)}
        g['vertices'] = f['vertices'][:, :512] + offset
        g['joints'] = f['joints'] + offset
        sub.append(g)
    write(os.path.join(out, 'compare_512v.xz'), meta, sub)
    facts['tiny_full_1024v.xz|compare_512v.xz'] = expected(frames, sub)
    json.dump(facts, sys.stdout)


def path(file, person, kind, index):
    """A vertex's or joint's x, y, z (mm) in every frame, null where the frame lacks it."""
    _, frames = unpack_all(file)
    key = 'vertices' if kind == 'vertex' else 'joints'
    out = []
    for f in frames:
        a = f.get(key)
        out.append(a[person, index].tolist() if a is not None and a.shape[0] > person and a.shape[1] > index else None)
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    if sys.argv[1] == 'path':
        path(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
    else:
        main(sys.argv[1], sys.argv[2])
