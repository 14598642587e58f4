/**
 * A path on this site to send the reader back to (next=, back=), or `fallback`. Only "/…" paths:
 * never "//host" or "/\host" (browsers read both as another site), never control characters.
 */
export function localPath(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\\\u0000-\u001f]*$/.test(value) ? value : fallback;
}
