/**
 * Uploaded images over HTTP:
 * - `GET /uploads/<id>.<ext>` and `/uploads/<id>.thumb.webp`: the image and its thumbnail, served
 *   with long-lived caching (the URL names the bytes, so they never change), an entity tag, their
 *   type, nosniff and a Content-Security-Policy that lets nothing run (uploadsServing, mounted
 *   before sessions: an image is the same for everyone).
 * - `POST /api/uploads` (multipart: `file`, optional `alt`) → 201 `{id, url, thumbnailUrl, …}`,
 *   and `GET /upload` / `POST /upload`: the same as a plain form answering with the snippet to paste.
 * - Moderators and admins: `POST /api/uploads/:id/purge` and `/block`, and `/moderation/images`.
 */
import { type Request, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database';
import { type AppError, notFound } from '../errors';
import { requireMember } from '../http/context';
import { formText, refusedForm } from '../http/forms';
import { parseInput } from '../http/validate';
import { type Pacing, memberIsNew } from '../limits/paced';
import type { Settings } from '../settings/settings';
import { cleanReason } from '../text/reason';
import type { PageContext } from '../views/layout';
import { type ReceivedUpload, receiveUpload, removeUpload } from './uploads.receive';
import {
  HASH,
  type UploadDeps,
  checkMayUpload,
  describeUpload,
  findServed,
  listRecentUploads,
  purgeUpload,
  readBytes,
  snippetsFor,
  uploadImage,
} from './uploads.service';
import { findOwnAvatar, memberAvatar, removeAvatar, setAvatar } from './uploads.avatars';
import { AVATAR_SIZES, type AvatarSize, sha256 } from './uploads.images';
import { defaultAvatarSvg } from '../views/avatar';
import { avatarPage, moderationImagesPage, uploadPage, uploadedPage } from './uploads.views';
import type { UploadStorage } from './uploads.storage';

/** The paths that take multipart bodies (the app lets them past its JSON-only rule for /api). */
export const MULTIPART_PATHS: readonly string[] = ['/api/uploads', '/api/me/avatar'];

// An image, its thumbnail, or one of an avatar's smaller squares.
const IMAGE_FILE = /^([0-9a-f]{64})(?:\.(thumb|32|64|128))?\.([a-z]{3,4})$/;

/** A year: the longest a cache is asked to keep anything; the URL changes whenever the bytes do. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * A member's avatar by name may change at any time: kept ten minutes, then asked again (answered
 * 304 when it did not change; a day more may be used stale while that is asked).
 */
const MEMBER_AVATAR = 'public, max-age=600, stale-while-revalidate=86400';

/**
 * An image response is never a document that runs anything: opened on its own, the browser gets no
 * script, no plugin, no form, and a sandbox (an SVG would be refused anyway; this covers any type
 * a browser might still guess).
 */
const IMAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

/** The headers of every image answer: the same for every reader, prefixed or not, with a cookie or without. */
function imageHeaders(res: Response, cacheControl: string, etag: string): void {
  res.removeHeader('Vary');
  res.set({
    'Cache-Control': cacheControl,
    ETag: etag,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': IMAGE_CSP,
    'Content-Disposition': 'inline',
  });
}

/**
 * GET /uploads/<id>.<ext>, /uploads/<id>.thumb.webp, /uploads/<id>.<size>.webp and
 * /avatars/<name>/<size> (and HEAD), ahead of sessions. A copy still current is answered 304
 * before any bytes are read; the bytes come from the cache of hot images when they are there.
 */
export function uploadsServing(deps: UploadDeps): Router {
  const router = Router();
  router.get('/uploads/:file', async (req, res) => {
    const m = IMAGE_FILE.exec(req.params.file);
    if (!m) throw notFound('UploadNotFound', 'No image is at this address.');
    const [, hash, variant, ext] = m;
    const served = await findServed(
      deps.db,
      hash!,
      ext!,
      variant === undefined
        ? { kind: 'image' }
        : variant === 'thumb'
          ? { kind: 'thumb' }
          : { kind: 'size', size: Number(variant) as AvatarSize },
    );
    const etag = `"${served.key}"`;
    imageHeaders(res, IMMUTABLE, etag);
    if (matchesTag(req.headers['if-none-match'], etag)) return void res.status(304).end();
    const data = await readBytes(deps, served.key);
    res.type(served.mime).set('Content-Length', String(data.length)).end(data);
  });

  router.get('/avatars/:name/:size', async (req, res) => {
    const size = Number(req.params.size) as AvatarSize;
    if (!(AVATAR_SIZES as readonly number[]).includes(size)) throw notFound('UploadNotFound', 'No image is at this address.');
    const avatar = await memberAvatar(deps.db, req.params.name, size);
    if (avatar.kind === 'image') {
      const etag = `"${avatar.key}"`;
      imageHeaders(res, MEMBER_AVATAR, etag);
      if (matchesTag(req.headers['if-none-match'], etag)) return void res.status(304).end();
      const data = await readBytes(deps, avatar.key);
      return void res.type('image/webp').set('Content-Length', String(data.length)).end(data);
    }
    const svg = Buffer.from(defaultAvatarSvg(avatar.name, size));
    const etag = `"d${sha256(svg).slice(0, 32)}"`;
    imageHeaders(res, MEMBER_AVATAR, etag);
    if (matchesTag(req.headers['if-none-match'], etag)) return void res.status(304).end();
    res.type('image/svg+xml').set('Content-Length', String(svg.length)).end(svg);
  });
  return router;
}

/** True when If-None-Match names the tag (or is *). */
function matchesTag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.trim() === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** What the uploads router needs. */
export interface UploadsRouterDeps extends UploadDeps {
  db: Kysely<Database>;
  storage: UploadStorage;
  settings: Settings;
  pacing: Pacing;
  pageContext: (req: Request) => PageContext;
}

/** Works on a received file, then removes it, whatever the work's outcome. */
async function received<T>(upload: ReceivedUpload, work: (upload: ReceivedUpload) => Promise<T>): Promise<T> {
  try {
    return await work(upload);
  } finally {
    await removeUpload(upload.file);
  }
}

const purgeBody = z.object({ reason: z.string({ error: 'reason must be text' }).optional() }).strict();

/** The upload API and pages, and the moderators' actions on images. */
export function uploadsRouter({ db, storage, images, worker, settings, pacing, pageContext }: UploadsRouterDeps): Router {
  const router = Router();
  const deps: UploadDeps = { db, storage, images, worker };
  const limits = () => ({ maxPixels: settings.get('uploads.maxPixels'), maxSide: settings.get('uploads.maxSide') });

  /**
   * One upload, from the member's checks to the stored image: a site ban refuses, the upload is
   * paced (the day's quota; a new member's is smaller, and so is their largest file), the body is
   * read within that size, and the image is made safe and stored.
   */
  async function receive(req: Request) {
    const member = requireMember(req);
    await checkMayUpload(db, member);
    const { newMember } = await pacing(member, req.ip ?? '')('upload');
    const limit = settings.get(newMember ? 'uploads.newMemberMaxBytes' : 'uploads.maxBytes');
    return received(await receiveUpload(req, limit, newMember), async ({ file, alt }) => {
      const upload = await uploadImage(deps, member, file, limits());
      return { upload, snippets: snippetsFor(upload, alt) };
    });
  }

  /** The largest file the member of a request may upload (for the form's hint). */
  const maxBytesFor = async (req: Request) =>
    settings.get((await memberIsNew(db, settings, requireMember(req))) ? 'uploads.newMemberMaxBytes' : 'uploads.maxBytes');

  router.post('/api/uploads', async (req, res) => {
    const { upload, snippets } = await receive(req);
    res.status(201).json({ ...upload, snippets });
  });

  router.get('/api/uploads/:id', async (req, res) => {
    res.json({ upload: await describeUpload(db, req.params.id) });
  });

  router.post('/api/uploads/:id/:action', async (req, res, next) => {
    const action = req.params.action;
    if (action !== 'purge' && action !== 'block') return next();
    const { reason } = parseInput(purgeBody, req.body ?? {});
    const result = await purgeUpload(deps, req.member ?? null, req.params.id, {
      reason: cleanReason(reason) ?? '',
      block: action === 'block',
    });
    res.json({ upload: result });
  });

  /** A new avatar from a request: checked, paced and limited as an upload is (receive). */
  async function receiveAvatar(req: Request) {
    const member = requireMember(req);
    await checkMayUpload(db, member);
    const { newMember } = await pacing(member, req.ip ?? '')('upload');
    const limit = settings.get(newMember ? 'uploads.newMemberMaxBytes' : 'uploads.maxBytes');
    return received(await receiveUpload(req, limit, newMember), ({ file }) => setAvatar(deps, member, file, limits()));
  }

  router.get('/api/me/avatar', async (req, res) => {
    res.json({ avatar: await findOwnAvatar(db, requireMember(req)) });
  });

  router.post('/api/me/avatar', async (req, res) => {
    res.status(201).json({ avatar: await receiveAvatar(req) });
  });

  router.delete('/api/me/avatar', async (req, res) => {
    await removeAvatar(db, requireMember(req));
    res.json({ avatar: null });
  });

  /** The avatar page of the member of a request, with the last try's refusal. */
  const avatarPageFor = async (req: Request, error?: AppError) => {
    const member = requireMember(req);
    return avatarPage(pageContext(req), member.name, await findOwnAvatar(db, member), await maxBytesFor(req), error);
  };

  router.get('/settings/avatar', async (req, res) => {
    res.send(await avatarPageFor(req));
  });

  router.post('/settings/avatar', async (req, res) => {
    try {
      await receiveAvatar(req);
      res.redirect(303, `${req.variantPrefix ?? ''}/settings/avatar`);
    } catch (error) {
      await refusedForm(res, error, (refusal) => avatarPageFor(req, refusal));
    }
  });

  router.post('/settings/avatar/remove', async (req, res) => {
    await removeAvatar(db, requireMember(req));
    res.redirect(303, `${req.variantPrefix ?? ''}/settings/avatar`);
  });

  router.get('/upload', async (req, res) => {
    res.send(uploadPage(pageContext(req), await maxBytesFor(req)));
  });

  router.post('/upload', async (req, res) => {
    try {
      const { upload, snippets } = await receive(req);
      res.send(uploadedPage(pageContext(req), upload, snippets, await maxBytesFor(req)));
    } catch (error) {
      await refusedForm(res, error, async (refusal) => uploadPage(pageContext(req), await maxBytesFor(req), refusal));
    }
  });

  router.get('/moderation/images', async (req, res) => {
    res.send(moderationImagesPage(pageContext(req), await listRecentUploads(db, req.member ?? null)));
  });

  router.post('/moderation/images', async (req, res) => {
    const body: unknown = req.body;
    // The form takes an image's address as well as its id: the hash is the id either way.
    const id = /[0-9a-f]{64}/.exec(formText(body, 'id') ?? '')?.[0] ?? '';
    try {
      if (!HASH.test(id)) throw notFound('UploadNotFound', 'No image has this id.');
      await purgeUpload(deps, req.member ?? null, id, {
        reason: cleanReason(formText(body, 'reason')) ?? '',
        block: formText(body, 'action') === 'block',
      });
      res.redirect(303, `${req.variantPrefix ?? ''}/moderation/images`);
    } catch (error) {
      await refusedForm(res, error, async (refusal) =>
        moderationImagesPage(pageContext(req), await listRecentUploads(db, req.member ?? null), refusal),
      );
    }
  });

  return router;
}
