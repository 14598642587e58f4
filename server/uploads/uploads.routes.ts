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
import { type Request, Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database';
import { notFound } from '../errors';
import { requireMember } from '../http/context';
import { formText, refusedForm } from '../http/forms';
import { parseInput } from '../http/validate';
import { type Pacing, memberIsNew } from '../limits/paced';
import type { Settings } from '../settings/settings';
import { cleanReason } from '../text/reason';
import type { PageContext } from '../views/layout';
import { receiveUpload } from './uploads.receive';
import {
  HASH,
  type UploadDeps,
  checkMayUpload,
  describeUpload,
  findServed,
  listRecentUploads,
  purgeUpload,
  snippetsFor,
  uploadImage,
} from './uploads.service';
import { moderationImagesPage, uploadPage, uploadedPage } from './uploads.views';
import type { UploadStorage } from './uploads.storage';

/** The paths that take multipart bodies (the app lets them past its JSON-only rule for /api). */
export const MULTIPART_PATHS: readonly string[] = ['/api/uploads'];

const IMAGE_FILE = /^([0-9a-f]{64})(\.thumb)?\.([a-z]{3,4})$/;

/** A year: the longest a cache is asked to keep anything; the URL changes whenever the bytes do. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * An image response is never a document that runs anything: opened on its own, the browser gets no
 * script, no plugin, no form, and a sandbox (an SVG would be refused anyway; this covers any type
 * a browser might still guess).
 */
const IMAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

/** GET /uploads/<id>.<ext> and /uploads/<id>.thumb.webp (and HEAD), ahead of sessions. */
export function uploadsServing(deps: UploadDeps): Router {
  const router = Router();
  router.get('/uploads/:file', async (req, res) => {
    const m = IMAGE_FILE.exec(req.params.file);
    if (!m) throw notFound('UploadNotFound', 'No image is at this address.');
    const [, hash, thumb, ext] = m;
    const served = await findServed(deps, hash!, ext!, thumb !== undefined);
    const etag = `"${served.etag}"`;
    // Same for every reader, prefixed or not, with a cookie or without.
    res.removeHeader('Vary');
    res.set({
      'Cache-Control': IMMUTABLE,
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': IMAGE_CSP,
      'Content-Disposition': 'inline',
    });
    if (matchesTag(req.headers['if-none-match'], etag)) return void res.status(304).end();
    res.type(served.mime).set('Content-Length', String(served.data.length)).end(served.data);
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

const purgeBody = z.object({ reason: z.string({ error: 'reason must be text' }).optional() }).strict();

/** The upload API and pages, and the moderators' actions on images. */
export function uploadsRouter({ db, storage, settings, pacing, pageContext }: UploadsRouterDeps): Router {
  const router = Router();
  const deps: UploadDeps = { db, storage };
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
    const { file, alt } = await receiveUpload(req, limit, newMember);
    const upload = await uploadImage(deps, member, file, limits());
    return { upload, snippets: snippetsFor(upload, alt) };
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
