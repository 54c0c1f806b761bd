"""An NLF-style BodyCompress file over its source video, for the through-camera video tests.

Usage: /usr/bin/python3 videoScene.py OUT_DIR

Writes (with the reference writer's layout, oddBodyCompress.write):
- `video/walk.webm`: VP8, 320 x 240, 30 fps, FRAMES frames. Each frame is dark grey with a
  magenta ring (radius 6-10 px) centred on the distorted projection of each of the person's
  vertices in that frame, and the frame number in binary as 8 cells along the bottom (white = 1,
  most significant first), so a screenshot tells which video frame is shown.
- `video/short.webm`: the same for the first SHORT frames only (frame-count mismatch), and
  `video/walk_h264.mp4` (H.264, to check what the webview decodes), `video/walk_vp9.webm` (VP9).
- `walk.xz`: FRAMES frames, one person of MARKERS vertices and one joint, a camera per frame
  (rotating a little) with five distortion coefficients; metadata as NLF writes it, `video_path`
  the absolute path of walk.webm.
- `walk_missing.xz`: the same frames, `video_path` naming a video that does not exist.
- `walk_frames.xz`: the same frames, `video_path` the relative folder `frames` of PNG images
  frame_0.png … frame_39.png (natural order); `video/broken.mp4`: not a video.

Expected pixels come from numpy here: x = R (X - loc), perspective division, OpenCV's
distortion (k1, k2, p1, p2, k3: radial 1 + k1 r^2 + k2 r^4 + k3 r^6, tangential 2 p1 x y +
p2 (r^2 + 2 x^2) and p1 (r^2 + 2 y^2) + 2 p2 x y), then K. Prints them as JSON on stdout.
"""

import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oddBodyCompress  # noqa: E402
from bodycompressWriter import camera, rodrigues, unproject  # noqa: E402

W, H, FPS = 320, 240, 30
FRAMES = 40
SHORT = 30
MARKERS = 5
DISTCOEF = np.array([-0.25, 0.08, 0.002, -0.003, -0.01], np.float32)
BACKGROUND = 60
RING = (255, 0, 255)
# Where the markers sit (pinhole pixels) before their circular motion: corners, where the lens
# distorts most, and one off-centre.
BASE = np.array([[48, 40], [272, 40], [48, 168], [272, 168], [205, 95]], np.float64)


def distort(xn, d):
    """OpenCV's distortion (cv::projectPoints) of normalized points (N, 2) with k1, k2, p1, p2, k3."""
    k1, k2, p1, p2, k3 = (float(c) for c in d[:5])
    x, y = xn[:, 0], xn[:, 1]
    r2 = x * x + y * y
    radial = 1 + k1 * r2 + k2 * r2**2 + k3 * r2**3
    xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x)
    yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y
    return np.c_[xd, yd]


def project(cam, points, distorted=True):
    R = rodrigues(cam['rotvec_w2c'].astype(np.float64))
    K = np.vstack([cam['intr'].astype(np.float64), [0, 0, 1]])
    x = (np.asarray(points, np.float64) - cam['loc'].astype(np.float64)) @ R.T
    xn = x[:, :2] / x[:, 2:3]
    if distorted:
        xn = distort(xn, cam['distcoef'])
    p = np.c_[xn, np.ones(len(xn))] @ K.T
    return p[:, :2]


def frame_camera(f):
    cam = camera([0.05, -0.1 + 0.002 * f, 0.02], [100, -50, 200], [[260, 0, (W - 1) / 2], [0, 260, (H - 1) / 2], [0, 0, 1]])
    cam['distcoef'] = DISTCOEF
    return cam


def image(f, uv):
    img = np.full((H, W, 3), BACKGROUND, np.uint8)
    yy, xx = np.mgrid[0:H, 0:W]
    for u, v in uv:
        r = np.hypot(xx - u, yy - v)
        img[(r >= 6) & (r <= 10)] = RING
    for b in range(8):
        x0 = 8 + b * 38
        img[206:232, x0 + 4 : x0 + 34] = 230 if (f >> (7 - b)) & 1 else 20
    return img


def encode(path, images, *codec):
    args = ['ffmpeg', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', f'{W}x{H}', '-r', str(FPS), '-i', '-', *codec, '-pix_fmt', 'yuv420p', path]
    subprocess.run(args, input=b''.join(i.tobytes() for i in images), check=True)


def main(out):
    os.makedirs(os.path.join(out, 'video'), exist_ok=True)
    frames, expected, pinhole, images = [], [], [], []
    for f in range(FRAMES):
        cam = frame_camera(f)
        a = 2 * np.pi * f / FRAMES
        uv0 = BASE + 10 * np.c_[np.full(MARKERS, np.cos(a)), np.full(MARKERS, np.sin(a))]
        world = unproject(cam, uv0, 3000 + 5 * f).astype(np.float32)
        # As the reader gives them back: quantized to 0.5 mm (spec 5.2).
        stored = oddBodyCompress.decoded([{'vertices': world[None]}])[0]['vertices'][0]
        uv = project(cam, stored)
        expected.append(uv.tolist())
        pinhole.append(project(cam, stored, distorted=False).tolist())
        images.append(image(f, uv))
        joint = unproject(cam, [[110, 130]], 3000 + 5 * f).astype(np.float32)
        frames.append({'camera': cam, 'vertices': world[None], 'joints': joint[None]})
    video = os.path.join(out, 'video', 'walk.webm')
    vp8 = ['-c:v', 'libvpx', '-b:v', '4M', '-crf', '4', '-g', '10', '-auto-alt-ref', '0']
    encode(video, images, *vp8)
    encode(os.path.join(out, 'video', 'short.webm'), images[:SHORT], *vp8)
    encode(os.path.join(out, 'video', 'walk_h264.mp4'), images, '-c:v', 'libx264', '-crf', '10', '-g', '10')
    encode(os.path.join(out, 'video', 'walk_vp9.webm'), images, '-c:v', 'libvpx-vp9', '-crf', '10', '-b:v', '0')
    # Not a video at all: what the page says about a file it cannot play.
    with open(os.path.join(out, 'video', 'broken.mp4'), 'wb') as f:
        f.write(b'not a video ' * 100)
    # The frames as PNG images frame_0.png … frame_39.png: in natural order, frame_2 comes before frame_10.
    frames_dir = os.path.join(out, 'frames')
    os.makedirs(frames_dir, exist_ok=True)
    args = ['ffmpeg', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', f'{W}x{H}', '-i', '-', '-start_number', '0', os.path.join(frames_dir, 'frame_%d.png')]
    subprocess.run(args, input=b''.join(i.tobytes() for i in images), check=True)

    def metadata(video_path):
        # What NLF's run_nlf.py writes (spec 5.5).
        return {
            'video_path': video_path,
            'world_up': np.array([0, -1, 0], np.float32),
            'config': {'model': 'nlf_l', 'fov': 55.0, 'batch_size': 8, 'downscale_factor': 1},
            'created_time': '2026-12-07T22:00:00',
            'n_frames': FRAMES,
        }

    oddBodyCompress.write(os.path.join(out, 'walk.xz'), metadata(os.path.abspath(video)), frames)
    oddBodyCompress.write(os.path.join(out, 'walk_missing.xz'), metadata('/nonexistent/capture/cam0.mp4'), frames)
    # A relative video_path naming a folder of frame images next to the file.
    oddBodyCompress.write(os.path.join(out, 'walk_frames.xz'), metadata('frames'), frames)
    json.dump({'size': [W, H], 'fps': FPS, 'frames': FRAMES, 'short': SHORT, 'markers': expected, 'pinhole': pinhole, 'ring': RING, 'background': BACKGROUND}, sys.stdout)


if __name__ == '__main__':
    main(sys.argv[1])
