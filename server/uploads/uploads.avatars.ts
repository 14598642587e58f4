/**
 * Members' avatars: a picture a member uploads, cropped square and stored as an upload (the
 * 256-pixel square is the upload; its 128, 64 and 32-pixel squares are blobs of their own,
 * `upload_sizes`), named by users.avatar_hash, which keeps it from the cleanup job while it is
 * the member's avatar. Served under the member's name (/avatars/<name>/<size>: views/avatar.tsx
 * says why) and at the upload's own addresses.
 *
 * Whose avatar shows:
 * - A member with none, or whose avatar a moderator purged: the default drawn from their name.
 * - A deleted account: the default (deleting an account clears its avatar: people.repository.ts;
 *   the picture is then unused and goes with the next cleanup after uploads.unusedDays).
 * - A member banned from the whole site: their avatar stays (it is who they were when they
 *   wrote); they cannot upload another while banned (as any upload), but may remove theirs. An
 *   offensive avatar is purged by a moderator like any image (/moderation/images).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import { AppError } from '../errors';
import { checkName } from '../members/names';
import { AVATAR_SIZES, type AvatarSize, type ImageInput, type ImageLimits, processAvatar } from './uploads.images';
import * as repo from './uploads.repository';
import { type UploadDeps, checkMayUpload, imagePath } from './uploads.service';

/** A member's avatar as the API answers it: its upload id and the address of each size. */
export interface AvatarInfo {
  id: string;
  /** Each square's own address (never changes; cached for a year). */
  urls: Record<AvatarSize, string>;
}

/** The address of one size of an avatar upload (the largest is the upload itself). */
export const avatarSizePath = (hash: string, size: AvatarSize) =>
  size === AVATAR_SIZES[0] ? imagePath(hash, 'image/webp') : `/uploads/${hash}.${size}.webp`;

const present = (hash: string): AvatarInfo => ({
  id: hash,
  urls: Object.fromEntries(AVATAR_SIZES.map((size) => [size, avatarSizePath(hash, size)])) as Record<AvatarSize, string>,
});

/** The member's avatar, or null when they show the default. */
export async function findOwnAvatar(db: Kysely<Database>, member: Member): Promise<AvatarInfo | null> {
  const hash = await repo.findAvatarOf(db, member.id);
  return hash ? present(hash) : null;
}

/**
 * Makes an uploaded picture the member's avatar (replacing any): squared and stored, every size,
 * before it is named as theirs. The same picture again is stored once. A blocked picture is
 * refused (422 ImageRefused 'blocked'), as an upload is.
 */
export async function setAvatar(deps: UploadDeps, member: Member, file: ImageInput, limits: ImageLimits): Promise<AvatarInfo> {
  const { db, storage } = deps;
  await checkMayUpload(db, member);
  const avatar = await processAvatar(file, limits);
  const [largest, ...smaller] = avatar.sizes;
  if (await repo.isBlocked(db, largest!.hash)) {
    throw new AppError(422, 'ImageRefused', 'A moderator blocked this picture.', { params: { reason: 'blocked' } });
  }
  // Bytes first, then the rows that make them served (as uploadImage does).
  for (const s of avatar.sizes) await storage.put(s.hash, s.data);
  const thumb = smaller.find((s) => s.size === 128)!;
  await db.transaction().execute(async (tx) => {
    await repo.upsertUpload(tx, {
      hash: largest!.hash,
      ownerId: member.id,
      mime: 'image/webp',
      width: largest!.size,
      height: largest!.size,
      bytes: largest!.data.length,
      animated: false,
      thumbHash: thumb.hash,
      thumbWidth: thumb.size,
      thumbHeight: thumb.size,
    });
    await repo.insertSizes(
      tx,
      largest!.hash,
      smaller.map((s) => ({ size: s.size, blobHash: s.hash })),
    );
    await repo.setAvatar(tx, member.id, largest!.hash);
  });
  return present(largest!.hash);
}

/** Removes the member's avatar: the default shows again. The picture is left to the cleanup job. */
export async function removeAvatar(db: Kysely<Database>, member: Member): Promise<void> {
  await repo.setAvatar(db, member.id, null);
}

/** What /avatars/<name>/<size> answers: an avatar's square from storage, or the default drawn from `name`. */
export type MemberAvatar = { kind: 'image'; key: string } | { kind: 'default'; name: string };

/**
 * The avatar a member's name shows now. A name nobody has (a member renamed since a page was
 * kept, or a made-up one) gets the default drawn from it: an avatar is only ever a picture, and
 * a broken one helps nobody.
 */
export async function memberAvatar(db: Kysely<Database>, name: string, size: AvatarSize): Promise<MemberAvatar> {
  const checked = checkName(name);
  const row = checked.ok ? await repo.findMemberAvatar(db, checked.key) : undefined;
  if (!row?.avatar || row.deleted_at) return { kind: 'default', name: row?.name ?? name };
  if (size === AVATAR_SIZES[0]) return { kind: 'image', key: row.avatar };
  const blob = await repo.findSizeBlob(db, row.avatar, size);
  return blob ? { kind: 'image', key: blob } : { kind: 'default', name: row.name };
}
