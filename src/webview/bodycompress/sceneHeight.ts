/** Below this the 3D view stops shrinking and the page scrolls instead. */
const MIN_SCENE_PX = 260;
/** Room kept under the view's bottom edge (margins, the help line's spacing). */
const GAP_PX = 12;

/**
 * Keeps the 3D view as tall as the window allows. The rows above it wrap on narrow panes and the
 * tool panels below it open and close, so a fixed `calc(100vh - …)` either runs the view under the
 * docked timeline or wastes the pane: measure instead, whenever any of them or the window changes.
 * Returns the function that stops following.
 */
export function followSceneHeight(scene: HTMLElement, below: HTMLElement[], dock: () => HTMLElement | null): () => void {
  const fit = () => {
    const top = scene.getBoundingClientRect().top + window.scrollY;
    const under = below.reduce((sum, e) => sum + (e.hidden ? 0 : e.offsetHeight), 0);
    const docked = dock()?.offsetHeight ?? 0;
    const height = Math.max(MIN_SCENE_PX, Math.floor(window.innerHeight - top - under - docked - GAP_PX));
    if (scene.style.height !== `${height}px`) scene.style.height = `${height}px`;
  };
  // Everything laid out before the view moves it; what follows it takes room from it.
  const watched = [...below, ...siblingsBefore(scene)];
  const observer = new ResizeObserver(fit);
  for (const e of watched) observer.observe(e);
  window.addEventListener('resize', fit);
  fit();
  return () => {
    observer.disconnect();
    window.removeEventListener('resize', fit);
  };
}

/** The elements laid out above `e`: its earlier siblings and those of each ancestor. */
function siblingsBefore(e: HTMLElement): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (let at: Element | null = e; at && at !== document.body; at = at.parentElement) {
    for (let s = at.previousElementSibling; s; s = s.previousElementSibling) if (s instanceof HTMLElement) out.push(s);
  }
  return out;
}
