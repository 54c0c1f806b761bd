import { loadViewState, patchViewState } from './host';

/**
 * A page's view state as one typed object, restored from VS Code's saved webview state and saved
 * on every change (it survives hiding the tab without retainContextWhenHidden).
 */
export class ViewState<T extends object> {
  private readonly value: T;

  constructor(defaults: T) {
    this.value = loadViewState(defaults);
  }

  get<K extends keyof T>(key: K): T[K] {
    return this.value[key];
  }

  set(patch: Partial<T>): void {
    Object.assign(this.value, patch);
    patchViewState(patch);
  }
}
