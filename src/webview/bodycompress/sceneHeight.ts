/** Below this the 3D view stops shrinking and the page scrolls instead. */
const MIN_SCENE_PX = 260;
/** How long after the page is built the rows above the view are still followed. */
const ROWS_SETTLE_MS = 1500;
/** Room kept under the view's bottom edge (margins, the help line's spacing). */
const GAP_PX = 24;

/**
 * Keeps the 3D view as tall as the window allows. The rows above it wrap on narrow panes and the
 * tool panels below it open and close, so a fixed `calc(100vh - …)` either runs the view under the
 * docked timeline or wastes the pane: measure instead, when the page settles, when the window
 * changes and when a panel below opens or closes.
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
  // What follows the view takes room from it whenever a panel opens or closes.
  const panels = new ResizeObserver(fit);
  for (const e of below) panels.observe(e);
  // The rows before it settle as their controls render; after that a status text that wraps a row
  // must not resize the view under the user (nor a screenshot being saved): only the window does.
  const rows = new ResizeObserver(fit);
  for (const e of siblingsBefore(scene)) rows.observe(e);
  const settled = window.setTimeout(() => rows.disconnect(), ROWS_SETTLE_MS);
  window.addEventListener('resize', fit);
  fit();
  return () => {
    panels.disconnect();
    rows.disconnect();
    window.clearTimeout(settled);
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
