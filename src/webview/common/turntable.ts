import * as THREE from 'three';
import type { Scene3d } from './scene3d';

/** A turntable for a recording: the camera goes once around the orbit centre, about the world's up, over `n` pictures. */
export class Turntable {
  private readonly centre: THREE.Vector3;
  private readonly offset: THREE.Vector3;
  private readonly up: THREE.Vector3;

  constructor(private readonly scene3d: Scene3d) {
    const v = scene3d.view;
    this.centre = new THREE.Vector3(...v.target);
    this.offset = new THREE.Vector3(...v.position).sub(this.centre);
    this.up = scene3d.camera.up.clone().normalize();
  }

  /** Places the camera for picture `k` of `n`. */
  turn(k: number, n: number): void {
    const p = this.offset
      .clone()
      .applyAxisAngle(this.up, (2 * Math.PI * k) / n)
      .add(this.centre);
    this.scene3d.view = { position: [p.x, p.y, p.z], target: [this.centre.x, this.centre.y, this.centre.z] };
  }
}
