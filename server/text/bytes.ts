/** The size shown as "(N bytes)": UTF-8 bytes of the stored body (a CJK character is 3, most emoji 4). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
