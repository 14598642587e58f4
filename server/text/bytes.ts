import { writtenText } from './pins';

/** The size shown as "(N bytes)": UTF-8 bytes of the stored body (a CJK character is 3, most emoji 4). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * "(N bytes)" of a body's source: what readers read as written, so a pin counts as its first
 * alternative, never as its syntax (text/pins.ts; client/composer.ts counts alike as one types).
 */
export function writtenBytes(source: string): number {
  return utf8Bytes(writtenText(source));
}
