/**
 * The text shown for a thrown value: its `message` when it has one (an Error, a DOMException, the
 * host's RemoteError), else the value itself as text.
 */
export function errorText(err: unknown): string {
  const message = (err as { message?: unknown } | null | undefined)?.message;
  return String(message ?? err);
}
