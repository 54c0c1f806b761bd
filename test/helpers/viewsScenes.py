"""Files for the BodyCompress editor's view tests (test/e2e/bodycompressViews.test.ts), written like
the reference writer does (bodycompressWriter.py), and what the tests expect of them, computed
here with numpy: image pixels of known 3D points through each frame's K, R, loc.

Usage: /usr/bin/python3 viewsScenes.py OUTDIR  -> writes OUTDIR/views_*.xz, prints JSON expectations."""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bodycompressWriter as w  # noqa: E402

out = sys.argv[1]
rng = np.random.default_rng(16)
expect = {}


def patch(cam, centre_uv, depth, half=30, n=31):
    """A square of n × n points facing the camera, covering centre ± half image pixels at `depth` mm."""
    g = np.linspace(-half, half, n)
    uv = np.array([(centre_uv[0] + a, centre_uv[1] + b) for b in g for a in g])
    return w.unproject(cam, uv, np.full(len(uv), depth)).astype(np.float32)


def joints_at(points, n=24):
    """n joints spread over a person's points (so Fit and the skeleton have something sensible)."""
    idx = np.linspace(0, len(points) - 1, n).astype(int)
    return points[idx]


# --- Through the camera: people at the image edge, boxes, the principal point --------------------------
# Frame 0: an NLF camera (principal point at the image centre, no stored size: estimated), rotated and
# moved. Frame 1: fx != fy, a principal point far off-centre and a stored image_size.
cams = [
    (w.camera([0.05, -0.3, 0.02], [200, -100, -500], [[1500, 0, 959.5], [0, 1500, 539.5], [0, 0, 1]]), (1920, 1080), True),
    (w.camera([-0.1, 0.2, 0.0], [-300, 50, 100], [[1000, 0, 900], [0, 1100, 250], [0, 0, 1]], image_size=(1280, 720)), (1280, 720), False),
]
centres = [[(1850, 985), (300, 200)], [(1245, 690), (90, 60)]]
frames = []
cam_expect = []
for (cam, size, estimated), people in zip(cams, centres):
    pts = [patch(cam, c, 3000 + 500 * i) for i, c in enumerate(people)]
    boxes = np.array([[u - 40, v - 40, 80, 80, 0.9] for u, v in people], np.float32)
    frames.append({'boxes': boxes, 'camera': cam, 'vertices': np.stack(pts), 'joints': np.stack([joints_at(p) for p in pts])})
    # The expectations come from the stored (float32) values, as a reader sees them.
    centre_px = [w.project(cam, p.astype(np.float64).mean(axis=0, keepdims=True))[0].tolist() for p in pts]
    cam_expect.append({
        'size': list(size),
        'estimated': estimated,
        'people': centre_px,
        'boxes': boxes[:, :4].astype(np.float64).tolist(),
        'principal': [float(cam['intr'][0, 2]), float(cam['intr'][1, 2])],
    })
w.write(os.path.join(out, 'views_camera.xz'), frames, {'fps': 30, 'world_up': np.array([0, -1, 0], np.float32)})
expect['camera'] = cam_expect

# --- A FLAME-sized head: 5,023 vertices on an ellipsoid ~190 mm wide, 106 landmarks on the face -----------
nlf = w.camera([0, 0, 0], [0, 0, 0], [[1844.1428, 0, 959.5], [0, 1844.1428, 539.5], [0, 0, 1]])
axes = np.array([95, 115, 100.0])
centre = np.array([0, 0, 700.0])
d = rng.normal(size=(5023, 3))
head = centre + axes * d / np.linalg.norm(d, axis=1, keepdims=True)
# Landmarks: a 10 x 11 grid (106 used) over the face, on the surface facing the camera (-z).
gx, gy = np.meshgrid(np.linspace(-55, 55, 10), np.linspace(-60, 70, 11))
xy = np.c_[gx.ravel(), gy.ravel()][:106]
z = -axes[2] * np.sqrt(np.clip(1 - (xy[:, 0] / axes[0]) ** 2 - (xy[:, 1] / axes[1]) ** 2, 0, 1))
landmarks = centre + np.c_[xy, z]
w.write(
    os.path.join(out, 'views_head.xz'),
    [{'camera': nlf, 'vertices': head[None].astype(np.float32), 'joints': landmarks[None].astype(np.float32)}],
    {'fps': 30, 'world_up': np.array([0, -1, 0], np.float32)},
)
stored_landmarks = np.round(landmarks.astype(np.float32) * 2) / 2  # as stored: 0.5 mm steps
dist = np.linalg.norm(stored_landmarks[:, None] - stored_landmarks[None], axis=2)
np.fill_diagonal(dist, np.inf)
expect['head'] = {'medianNearestNeighbour': float(np.median(dist.min(axis=1)))}

# --- A box-shaped person: 400 wide (x), 1600 tall (y, up is -y), 200 deep (z) -----------------------------
def box_surface(size, centre, step=10.0):
    sx, sy, sz = size
    pts = []
    for axis in range(3):
        others = [a for a in range(3) if a != axis]
        a = np.arange(-size[others[0]] / 2, size[others[0]] / 2 + 1e-6, step)
        b = np.arange(-size[others[1]] / 2, size[others[1]] / 2 + 1e-6, step)
        A, B = np.meshgrid(a, b)
        for side in (-1, 1):
            p = np.zeros((A.size, 3))
            p[:, others[0]] = A.ravel()
            p[:, others[1]] = B.ravel()
            p[:, axis] = side * size[axis] / 2
            pts.append(p)
    return np.concatenate(pts) + centre


body = box_surface((400, 1600, 200), np.array([0, -100, 4000.0]))
w.write(
    os.path.join(out, 'views_box.xz'),
    [{'camera': nlf, 'vertices': body[None].astype(np.float32), 'joints': joints_at(body)[None].astype(np.float32)}],
    {'fps': 30, 'world_up': np.array([0, -1, 0], np.float32)},
)
expect['box'] = {'size': [400, 1600, 200]}

# --- Two equal squares (300 mm), one twice as far: perspective shrinks the far one, orthographic does not ---
def square(centre, size=300.0, n=41):
    g = np.linspace(-size / 2, size / 2, n)
    A, B = np.meshgrid(g, g)
    return np.c_[A.ravel(), B.ravel(), np.zeros(A.size)] + centre


near, far = square([-400, 0, 3000.0]), square([400, 0, 6000.0])
w.write(
    os.path.join(out, 'views_depth.xz'),
    [{'camera': nlf, 'vertices': np.stack([near, far]).astype(np.float32), 'joints': np.stack([joints_at(near), joints_at(far)]).astype(np.float32)}],
    {'fps': 30, 'world_up': np.array([0, -1, 0], np.float32)},
)

# --- SMPL-X: 55 joints at known image points (depth 3000), vertices in a corner ------------------------------
smplx_uv = np.c_[rng.uniform(500, 1400, 55), rng.uniform(200, 880, 55)]
smplx_joints = w.unproject(nlf, smplx_uv, np.full(55, 3000.0))
smplx_vertices = patch(nlf, (100, 100), 3000)
w.write(
    os.path.join(out, 'views_smplx.xz'),
    [{'camera': nlf, 'vertices': smplx_vertices[None], 'joints': smplx_joints[None].astype(np.float32)}],
    {'fps': 30, 'world_up': np.array([0, -1, 0], np.float32)},
)
stored = w.project(nlf, smplx_joints.astype(np.float32).astype(np.float64))
expect['smplx'] = {'joints': stored.tolist(), 'size': [1920, 1080]}

# --- A 32 x 32 grid sheet (1,024 vertices, the tiny fixture's count) 1 m in front of the camera, for the mesh ---
sheet = np.array([((i % 32) * 10.0 - 155, (i // 32) * 10.0 - 155, 1000.0) for i in range(1024)])
w.write(
    os.path.join(out, 'views_sheet.xz'),
    [{'camera': nlf, 'vertices': sheet[None].astype(np.float32), 'joints': joints_at(sheet)[None].astype(np.float32)}],
    {'fps': 30, 'world_up': np.array([0, -1, 0], np.float32)},
)

print(json.dumps(expect))
