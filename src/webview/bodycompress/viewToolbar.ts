import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { Projection } from '../common/scene3d';
import { el } from '../common/dom';
import type { ViewState } from '../common/viewState';
import type { Background, BodyCompressViewState } from './state';
import { VIEW_PRESETS, type ViewPreset } from './viewPresets';

/** Marker sizes offered, relative to the size measured from the data. */
export const MARKER_SCALES = [0.25, 0.5, 1, 2, 4];
/** The fixed backgrounds: a dark and a light grey (what viewers like aitviewer offer beside the theme's). */
export const BACKGROUNDS: Record<'dark' | 'light', string> = { dark: '#202020', light: '#f0f0f0' };

type Select = HTMLElement & { value: string };

export interface ViewToolbarActions {
  preset(preset: ViewPreset): void;
  /** Projection, background or marker size changed; the view state holds the new value already. */
  changed(): void;
  /** "Source Video…": runs Set Source Video... for this file. */
  pickSourceVideo(): void;
  /** The source image's opacity over the background (0 … 1), behind the bodies. */
  imageOpacity(a: number): void;
}

/**
 * The row of view settings above the 3D view: front / side / top / camera presets, perspective or
 * orthographic, background and marker size (saved in the view state), and what the view says
 * about the camera image it looks through.
 */
export class ViewToolbar {
  readonly element: HTMLElement;
  private readonly caption = el('span', { class: 'detail-info', id: 'camera-image-info', role: 'status' });
  /** Through the camera: the source video's button, opacity slider and one line about it. */
  private readonly video: HTMLElement;
  private readonly videoInfo = el('span', { class: 'detail-info', id: 'source-video-info', role: 'status' });

  constructor(
    private readonly state: ViewState<BodyCompressViewState>,
    actions: ViewToolbarActions,
  ) {
    const presets = VIEW_PRESETS.map(({ preset, label, title }) => {
      const b = el('vscode-button', { id: `view-${preset}`, secondary: true, title }, label);
      b.addEventListener('click', () => actions.preset(preset));
      return b;
    });
    const select = (id: string, label: string, options: [string, string][], value: string, apply: (v: string) => void) => {
      const s = el(
        'vscode-single-select',
        { id, class: 'view-select', 'aria-label': label, title: label },
        ...options.map(([v, text]) => el('vscode-option', { value: v, selected: v === value }, text)),
      ) as Select;
      s.addEventListener('change', () => {
        apply(s.value);
        actions.changed();
      });
      return s;
    };
    const projection = select(
      'view-projection',
      'Projection',
      [
        ['perspective', 'Perspective'],
        ['orthographic', 'Orthographic'],
      ],
      state.get('projection'),
      (v) => state.set({ projection: v as Projection }),
    );
    const saved = state.get('background');
    const custom = saved.startsWith('#') ? saved : '#336699';
    const colour = el('input', { type: 'color', id: 'view-background-colour', value: custom, 'aria-label': 'Background colour', title: 'Background colour' });
    colour.hidden = !saved.startsWith('#');
    const background = select(
      'view-background',
      'Background',
      [
        ['theme', 'Theme background'],
        ['dark', 'Dark background'],
        ['light', 'Light background'],
        ['custom', 'Custom background'],
      ],
      saved.startsWith('#') ? 'custom' : saved,
      (v) => {
        colour.hidden = v !== 'custom';
        state.set({ background: (v === 'custom' ? colour.value : v) as Background });
      },
    );
    colour.addEventListener('input', () => {
      state.set({ background: colour.value as Background });
      actions.changed();
    });
    const markers = select(
      'view-markers',
      'Marker size (joint spheres and points), relative to the size measured from the data',
      MARKER_SCALES.map((m) => [String(m), m === 1 ? 'Markers: auto' : `Markers: ${m}×`]),
      String(state.get('markerScale')),
      (v) => state.set({ markerScale: Number(v) }),
    );
    const pick = el(
      'vscode-button',
      { id: 'set-source-video', secondary: true, icon: 'file-media', title: 'Set Source Video...: the video or folder of frame images behind the camera view' },
      'Source Video…',
    );
    pick.addEventListener('click', () => actions.pickSourceVideo());
    const opacity = el('input', {
      type: 'range',
      id: 'video-opacity',
      class: 'video-opacity',
      min: '0',
      max: '100',
      step: '5',
      value: '100',
      'aria-label': 'Image opacity behind the bodies',
      title: 'Image opacity behind the bodies',
    });
    opacity.addEventListener('input', () => actions.imageOpacity(Number(opacity.value) / 100));
    this.video = el(
      'span',
      { class: 'source-video-controls', id: 'source-video-controls' },
      pick,
      el('label', { class: 'detail-info', for: 'video-opacity' }, 'Image'),
      opacity,
      this.videoInfo,
    );
    this.video.hidden = true;
    this.element = el(
      'div',
      { class: 'toolbar', id: 'view-toolbar' },
      el('span', { class: 'detail-info' }, 'View:'),
      ...presets,
      projection,
      background,
      colour,
      markers,
      this.video,
      el('span', { class: 'spacer' }),
      this.caption,
    );
  }

  /** The background colour to draw (CSS), or null for the theme's. */
  backgroundColour(): string | null {
    const b = this.state.get('background');
    return b === 'theme' ? null : b === 'dark' || b === 'light' ? BACKGROUNDS[b] : b;
  }

  /** Shows the source video's controls while looking through the camera, with one line about the video (a problem stands out). */
  setSourceVideo(visible: boolean, message: string, problem: boolean): void {
    this.video.hidden = !visible;
    if (this.videoInfo.textContent !== message) this.videoInfo.textContent = message;
    this.videoInfo.classList.toggle('problem', problem);
  }

  /** What the view says about the camera image it looks through ('' when it does not). */
  setCaption(text: string): void {
    if (this.caption.textContent !== text) this.caption.textContent = text;
  }
}
