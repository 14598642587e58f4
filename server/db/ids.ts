/** A row id as it may appear in a URL or a body: a positive bigint, at most 18 digits. */
export function isId(value: string): boolean {
  return /^[1-9][0-9]{0,17}$/.test(value);
}
