/** `1 frame`, `2 frames`, `1,024 frames`: a count with its noun in the right number (en-US digits). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
