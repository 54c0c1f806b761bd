import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { BodyCompressFrame } from '../../protocol/bodyCompressProtocol';
import { el } from '../common/dom';
import type { ViewState } from '../common/viewState';
import { colorLegend } from './colorMap';
import { skeletonFor, skeletonText } from './skeleton';
import type { BodyCompressViewState } from './state';

/** The display settings with a checkbox above the 3D view. */
export type Toggle = 'mesh' | 'wireframe' | 'joints' | 'skeleton' | 'uncertainty' | 'camera' | 'throughCamera' | 'grid';
type Checkbox = HTMLElement & { checked: boolean; disabled: boolean };

export interface DisplayToolbarActions {
  /** A display toggle changed; the view state holds its new value already. */
  toggled(key: Toggle, checked: boolean): void;
  fit(): void;
  screenshot(): void;
  exportFrame(): void;
  exportAll(): void;
}

/** The first row above the 3D view: what to draw (saved in the view state), and the view's actions. */
export class DisplayToolbar {
  readonly element: HTMLElement;
  private readonly boxes = new Map<Toggle, Checkbox>();

  constructor(
    private readonly state: ViewState<BodyCompressViewState>,
    actions: DisplayToolbarActions,
  ) {
    const toggle = (key: Toggle, label: string, title?: string) => {
      const box = el('vscode-checkbox', { label, checked: state.get(key), id: `show-${key}`, title }) as Checkbox;
      box.addEventListener('change', () => {
        state.set({ [key]: box.checked });
        actions.toggled(key, box.checked);
      });
      this.boxes.set(key, box);
      return box;
    };
    const button = (id: string, icon: string, label: string, title: string, action: () => void) => {
      const b = el('vscode-button', { id, icon, secondary: true, title }, label);
      b.addEventListener('click', action);
      return b;
    };
    this.element = el(
      'div',
      { class: 'toolbar' },
      toggle('mesh', 'Mesh', 'Shaded mesh (needs template faces: Set Template Faces…)'),
      toggle('wireframe', 'Wireframe', "The mesh's triangle edges instead of its shaded surface"),
      toggle('joints', 'Joints'),
      toggle('skeleton', 'Skeleton', 'Bones of the SMPL 24-joint tree'),
      toggle('uncertainty', 'Uncertainty', 'Colour vertices by their uncertainty'),
      toggle('camera', 'Camera', "The frame's camera as a frustum"),
      toggle('throughCamera', 'Through camera', "Look through the frame's camera"),
      toggle('grid', 'Grid'),
      el('span', { class: 'spacer' }),
      button('fit-view', 'screen-full', 'Fit', 'Fit the view to the people shown', () => actions.fit()),
      button('screenshot', 'device-camera', 'Screenshot', 'Save the 3D view as a PNG', () => actions.screenshot()),
      button('export-frame', 'export', 'Export frame…', 'Export this frame (npz, ply or obj)', () => actions.exportFrame()),
      button('export-frames', 'export', 'Export…', 'Export a range of frames (npz, ply or obj)', () => actions.exportAll()),
    );
  }

  /** Unchecks a toggle from the page (the caller saves the setting). */
  uncheck(key: Toggle): void {
    const box = this.boxes.get(key);
    if (box) box.checked = false;
  }

  /**
   * Enables only the toggles the frame can use. One it cannot use is shown unticked (whatever the
   * saved setting, which comes back once it applies) with a tooltip saying why.
   */
  updateEnabled(f: BodyCompressFrame, facesOk: boolean): void {
    const set = (key: Toggle, enabled: boolean, title: string) => {
      const box = this.boxes.get(key);
      if (!box) return;
      box.disabled = !enabled;
      box.checked = enabled && this.state.get(key);
      box.title = title;
    };
    const vertices = f.vertexCount.toLocaleString('en-US');
    const noFaces =
      f.vertexCount > 0 ? `No template faces for ${vertices}-vertex bodies: Set Template Faces… to draw a mesh` : 'No mesh: this frame has no vertices';
    set('mesh', facesOk, facesOk ? `Shaded mesh of the ${vertices}-vertex bodies (template faces set)` : noFaces);
    set('wireframe', facesOk, facesOk ? "The mesh's triangle edges instead of its shaded surface" : noFaces);
    set('skeleton', skeletonFor(f.jointCount) !== null, skeletonText(f.jointCount));
    const uncertain = f.keys.some((k) => k.key === 'vertex_uncertainties');
    set('uncertainty', uncertain, uncertain ? 'Colour vertices by their uncertainty' : 'No vertex uncertainties in this frame');
    const cam = f.camera !== null;
    set('camera', cam, cam ? "The frame's camera as a frustum" : 'This frame has no camera');
    set('throughCamera', cam, cam ? "Look through the frame's camera: its whole image, letterboxed" : 'This frame has no camera');
  }
}

/**
 * The second row above the 3D view: a checkbox per person slot (coloured like the 3D view; hidden
 * slots are saved in the view state), the uncertainty colour legend, and a status line.
 */
export class PeoplePanel {
  readonly element: HTMLElement;
  private readonly persons = el('div', { class: 'person-toggles', id: 'persons', role: 'group', 'aria-label': 'People' });
  private readonly legend = el('div', { class: 'legend-box', id: 'uncertainty-legend' });
  private readonly status = el('span', { class: 'detail-info', id: 'view-status', role: 'status' });
  private slotCount = 0;

  constructor(
    private readonly state: ViewState<BodyCompressViewState>,
    private readonly onHiddenChange: () => void,
  ) {
    this.legend.hidden = !state.get('uncertainty');
    this.element = el('div', { class: 'toolbar' }, this.persons, el('span', { class: 'spacer' }), this.legend, this.status);
  }

  /** Person slots listed (as many as the most people in one frame seen so far). */
  get slots(): number {
    return this.slotCount;
  }

  setSlots(slots: number): void {
    if (slots === this.slotCount) return;
    this.slotCount = slots;
    const hidden = new Set(this.state.get('hidden'));
    const boxes = Array.from({ length: slots }, (_, i) => {
      const box = el(
        'vscode-checkbox',
        { id: `person-${i}`, checked: !hidden.has(i), title: `Show person ${i + 1} (slot ${i} of each frame)` },
        el('span', { class: `person-swatch slot-${i % 6}`, 'aria-hidden': 'true' }),
        `Person ${i + 1}`,
      ) as Checkbox;
      box.addEventListener('change', () => {
        const h = new Set(this.state.get('hidden'));
        if (box.checked) h.delete(i);
        else h.add(i);
        this.state.set({ hidden: [...h].sort((a, b) => a - b) });
        this.onHiddenChange();
      });
      return box;
    });
    this.persons.replaceChildren(
      ...(slots
        ? [el('span', { class: 'detail-info' }, 'People:'), ...boxes]
        : [el('span', { class: 'detail-info' }, 'No people in the frames indexed so far')]),
    );
  }

  showLegend(on: boolean): void {
    this.legend.hidden = !on;
  }

  /** The legend of the uncertainty colours, from 0 to `max` metres. */
  setUncertaintyScale(max: number): void {
    const mm = (m: number) => `${Number((m * 1000).toPrecision(3))} mm`;
    this.legend.replaceChildren(colorLegend('Vertex uncertainty', mm(0), mm(max)));
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }
}
