/**
 * Names read from a file (camera ids, actor ids, keys) can hold any character, a newline or NUL
 * included. Before such text reaches a message, a report or a terminal line it is made printable,
 * so that it stays on its line and cannot pass for other output.
 */

/** `text` with control characters shown escaped (`\n`, `\u0000`). */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** A name from a file, quoted and escaped for a message, and cut to `max` characters. */
export function quoteName(name: string, max = 80): string {
  const cut = name.length > max ? `${name.slice(0, max)}…` : name;
  return `"${escapeControl(cut.replace(/\\/g, '\\\\')).replace(/"/g, '\\"')}"`;
}
