/**
 * Members' avatars as pages show them, and the default avatar drawn from a name.
 *
 * Pages name an avatar by its member (/avatars/<name>/<size>), never by the picture's hash: a
 * thread page kept for anonymous readers (posts.pages.ts) stays right when its author changes
 * their avatar, since the address it names answers with whatever the avatar is now (the image's
 * own content-addressed URLs, /uploads/<hash>.<size>.webp, are for the member's settings). A
 * member with no avatar gets the default: the first character of their name on a colour derived
 * from the name, an SVG made here (no outside service is asked).
 */
import { h } from './html';

/** Sides of the squares pages ask for (uploads.images.ts makes each). */
export type AvatarSide = 32 | 64 | 128 | 256;

/** Where a member's avatar of `size` pixels is served. */
export const avatarPath = (name: string, size: AvatarSide) => `/avatars/${encodeURIComponent(name)}/${size}`;

/**
 * A member's avatar, `size` pixels square (twice that for screens with more pixels); decorative
 * beside the name it always goes with, so its alt text is empty.
 */
export function Avatar({ name, size }: { name: string; size: 32 | 64 | 128 }) {
  const double = (size * 2) as AvatarSide;
  return (
    <img
      class={`avatar avatar-${size}`}
      src={avatarPath(name, size)}
      srcset={`${avatarPath(name, double)} 2x`}
      width={size}
      height={size}
      alt=""
      loading="lazy"
    />
  );
}

/** A hue (0–359) from a name: FNV-1a over its UTF-16 code units, so the same name is always the same colour. */
export function nameHue(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 360;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * The default avatar of a name: its first character (a whole code point, upper-cased for Latin
 * letters) in white on a colour of its own, as a square SVG of `size` pixels. Nothing in it but
 * shapes and one text: no script, no link, no outside font.
 */
export function defaultAvatarSvg(name: string, size: number): string {
  const first = (Array.from(name.trim())[0] ?? '?').toUpperCase();
  const letter = first.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
  const hue = nameHue(name);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">` +
    `<rect width="100" height="100" fill="hsl(${hue}, 45%, 42%)"/>` +
    `<text x="50" y="50" dy="0.35em" text-anchor="middle" font-family="sans-serif" font-size="52" fill="#fff">${letter}</text>` +
    `</svg>`
  );
}
