import { projectPoints, type CameraCalibration } from '../../core/smc/calibration';
import type { SmcPerformance } from '../../core/smc/smcPerformance';
import type { BodyCompressFaces } from '../../protocol/bodyCompressProtocol';
import type { SmcFlameWireframe, SmcProjectedMesh, SmcReprojectionTable } from '../../protocol/smcProtocol';
import { meshEdges, reprojectionTable } from './smcReprojection';

/** Scan wireframe edges sent at most: enough to see the surface, quick to draw on every frame. */
export const MAX_SCAN_EDGES = 150_000;
/** Frames whose error tables are kept (stepping back and forth around the current frame). */
const CACHED_TABLES = 8;

/**
 * Meshes and landmarks projected through the calibration, for the Cameras tab: the per-camera
 * reprojection error table of a frame, the FLAME vertices of a frame and the (static) scan. Uses
 * the same projection as the landmark overlay (projectPoints: RT camera-to-world, OpenCV distortion).
 */
export class SmcProjections {
  private readonly tables = new Map<number, Promise<SmcReprojectionTable | null>>();
  private readonly scans = new Map<string, Promise<SmcProjectedMesh | null>>();
  private scanEdges?: Promise<{ positions: ArrayLike<number>; edges: Uint32Array; total: number } | null>;

  constructor(
    private readonly perf: SmcPerformance,
    private readonly calibrationAll: () => Promise<Map<string, CameraCalibration>>,
    /** Cameras with 2D landmarks. */
    private readonly landmarkCameras: () => Promise<string[]>,
  ) {}

  /** Every calibrated camera's landmark error at `frame`, reading the 3D landmarks once. */
  reprojectionErrors(frame: number): Promise<SmcReprojectionTable | null> {
    let table = this.tables.get(frame);
    if (!table) {
      table = this.buildTable(frame);
      this.tables.set(frame, table);
      void table.catch(() => this.tables.get(frame) === table && this.tables.delete(frame));
      if (this.tables.size > CACHED_TABLES) this.tables.delete(this.tables.keys().next().value!);
    }
    return table;
  }

  async projectedFlame(camera: string, frame: number): Promise<SmcProjectedMesh | null> {
    const [cal, verts] = await Promise.all([this.calibration(camera), this.perf.flameParameter(frame, 'verts')]);
    if (!cal || !verts) return null;
    return { points: Float32Array.from(projectPoints(cal, verts.data)), edges: null, totalEdges: 0 };
  }

  projectedScan(camera: string): Promise<SmcProjectedMesh | null> {
    let scan = this.scans.get(camera);
    if (!scan) {
      scan = this.buildScan(camera);
      this.scans.set(camera, scan);
      void scan.catch(() => this.scans.get(camera) === scan && this.scans.delete(camera));
    }
    return scan;
  }

  private async calibration(camera: string): Promise<CameraCalibration | null> {
    return (await this.calibrationAll()).get(camera) ?? null;
  }

  private async buildTable(frame: number): Promise<SmcReprojectionTable | null> {
    const [calibrations, points3d, withLandmarks] = await Promise.all([this.calibrationAll(), this.perf.keypoints3d(frame), this.landmarkCameras()]);
    if (!points3d || calibrations.size === 0) return null;
    const cameras = await Promise.all(
      [...calibrations].map(async ([camera, cal]) => ({
        camera,
        detected: withLandmarks.includes(camera) ? ((await this.perf.keypoints2d(camera, frame))?.data ?? null) : null,
        projected: projectPoints(cal, points3d.data),
      })),
    );
    return reprojectionTable(frame, cameras);
  }

  private async buildScan(camera: string): Promise<SmcProjectedMesh | null> {
    this.scanEdges ??= this.perf
      .scanMesh()
      .then((mesh) => (mesh ? { positions: mesh.vertices.data, ...meshEdges(mesh.faces, mesh.vertexCount, MAX_SCAN_EDGES) } : null));
    const [cal, scan] = await Promise.all([this.calibration(camera), this.scanEdges]);
    if (!cal || !scan) return null;
    return { points: Float32Array.from(projectPoints(cal, scan.positions)), edges: scan.edges, totalEdges: scan.total };
  }
}

/** FLAME's wireframe from template faces (see TemplateFacesLibrary): every distinct edge, as vertex pairs. */
export function flameWireframe(faces: BodyCompressFaces, vertexCount: number): SmcFlameWireframe {
  if (faces.status !== 'ok') return faces;
  return { status: 'ok', path: faces.path, edges: meshEdges(faces.indices, vertexCount, Number.MAX_SAFE_INTEGER).edges };
}
