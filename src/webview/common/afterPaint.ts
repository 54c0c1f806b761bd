/**
 * Runs `then` once what the page shows now has been painted: after the next animation frame, in a
 * task of its own. Calls made in one task run in the order they were made, so work scheduled after
 * a `markWhenPainted` does not delay that mark.
 */
export function afterPaint(then: () => void): void {
  requestAnimationFrame(() => setTimeout(then, 0));
}
