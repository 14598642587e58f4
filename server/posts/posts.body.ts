import type { Kysely } from 'kysely';
import type { BodyFormat, Database } from '../db/database';
import { AppError, validationFailed } from '../errors';
import { recordThreadEvent } from '../events/thread-events';
import { utf8Bytes, writtenBytes } from '../text/bytes';
import { unpinned } from '../text/pins';
import { type ShownOn, htmlFor } from '../text/localize';
import { type SourceVariant, type Variant, detectVariant } from '../text/convert';
import { guessFormat, renderBody } from '../text/formats';
import { contentHash } from '../text/fingerprint';
import { type SearchDocument, searchDocument } from '../text/search-terms';
import { checkTitle } from '../text/title';
import * as repo from './posts.body.repository';
import { upsertSearchDoc } from './posts.repository';
import { findMentions } from './posts.mentions';
import { resolveQuotes } from './posts.quotes';

/** A post's title and body: checked, rendered and fingerprinted for posting, previewed, and rendered again (posts:resanitize). */

export interface PostInput {
  title: string;
  body?: string;
  /**
   * How the body is written. Absent (the JSON API before formats, deprecated): guessed as before,
   * HTML when the body holds anything like a tag, else text (text/formats.ts guessFormat).
   */
  format?: BodyFormat;
}

/** Largest body, in UTF-8 bytes of what the author wrote. A longer one is refused, never cut. */
export const BODY_MAX_BYTES = 100_000;

/**
 * A body rendered from its source: the source's bytes checked against BODY_MAX_BYTES (what the
 * author wrote is what is counted and limited), then rendered (text/formats.ts renderBody). The
 * one rendering of posts, previews and posts:resanitize.
 */
export function renderPostBody(format: BodyFormat, input: string): { html: string; source: string; bytes: number } {
  // Counted before rendering, on the source as stored (line breaks as \n): a refused body costs no rendering.
  const written = utf8Bytes(input.replace(/\r\n?/g, '\n'));
  if (written > BODY_MAX_BYTES) {
    throw new AppError(
      413,
      'PayloadTooLarge',
      `The body is ${written} bytes; the limit is ${BODY_MAX_BYTES}. Shorten it or split it into follow-ups.`,
      { params: { what: 'body', bytes: written, limit: BODY_MAX_BYTES } },
    );
  }
  const { html, source } = renderBody(format, input);
  return { html, source, bytes: writtenBytes(source) };
}

/** Validates and renders a title and body; refusals say what to fix. */
export function preparePost(input: PostInput): {
  title: string;
  body: string;
  bytes: number;
  format: BodyFormat;
  source: string;
  variant: SourceVariant;
  contentHash: string;
  /** Its search document (text/search-terms.ts): the lexemes are made here, before any transaction. */
  searchDoc: SearchDocument;
} {
  const title = checkTitle(input.title);
  if (!title.ok) throw validationFailed('title', title.invalid, `title: ${title.reason}`);
  const format = input.format ?? guessFormat(input.body ?? '');
  const { html: body, source, bytes } = renderPostBody(format, input.body ?? '');
  // Pins are never converted: the script is the rest's (text/pins.ts).
  const variant = detectVariant(unpinned(`${title.title}\n${body.replace(/<[^>]*>/g, ' ')}`));
  return {
    title: title.title,
    body,
    bytes,
    format,
    source,
    variant,
    contentHash: contentHash(title.title, body),
    searchDoc: searchDocument(title.title, body, variant),
  };
}

/**
 * A body as posting it would store it, for the preview (POST /api/preview, a form's preview
 * button): rendered by renderPostBody (so the same limit, format and allowlist), its mentions
 * linked as findMentions links them, its quotes attributed as resolveQuotes writes them, and, for
 * a reader of another variant, converted as the post would be shown to them. Nothing is written.
 * A body without a format is read as posting reads it.
 */
export async function previewBody(
  db: Kysely<Database>,
  input: { title?: string; body?: string; format?: BodyFormat },
  reader: Variant | undefined,
  /** Where the post would be shown: its board's glossary (and the site's) applies, as it will once posted. */
  on: ShownOn,
): Promise<{ html: string; bytes: number }> {
  const body = input.body ?? '';
  const { html, bytes } = renderPostBody(input.format ?? guessFormat(body), body);
  const title = input.title ?? '';
  const linked = html ? (await resolveQuotes(db, (await findMentions(db, title, html)).body)).body : '';
  // As written, pins read as their first alternative (text/pins.ts).
  if (!reader || !linked) return { html: htmlFor(on, linked, 'other', undefined), bytes };
  // The script it is written in, as posting detects it (a few ms for 10 KB): only to convert it.
  const variant = detectVariant(unpinned(`${title}\n${linked.replace(/<[^>]*>/g, ' ')}`));
  return { html: htmlFor(on, linked, variant, reader), bytes };
}

/**
 * Renders every stored body again from what its author wrote (after the sanitizer's rules or a
 * format's rendering change) and stores the result where it differs, with its mentions linked
 * and its quotes attributed again (from the quoted posts' authors as they are now), its
 * fingerprint and its search document. A body from before formats that was HTML is its own
 * source, so it is sanitized again, as before. Returns how many bodies changed.
 */
export async function resanitizeAll(db: Kysely<Database>, onProgress: (done: number, total: number) => void): Promise<number> {
  const total = await repo.countPosts(db);
  let done = 0;
  let changed = 0;
  for (let after = '0'; ;) {
    const batch = await repo.findBodies(db, after, 500);
    if (batch.length === 0) break;
    for (const row of batch) {
      // Stored bodies were accepted once: no limit is checked again.
      const { html, source } = renderBody(row.format, row.source);
      const bytes = writtenBytes(source);
      const mentions = await findMentions(db, row.title, html);
      const { body } = await resolveQuotes(db, mentions.body);
      if (body === row.body) continue;
      const content = { body, bytes, source, contentHash: contentHash(row.title, body) };
      // The change is an edit for live readers and caches: a thread event, in the same transaction.
      const done = await db.transaction().execute(async (tx) => {
        const updated = await repo.updateBodyIfUnchanged(tx, row.id, row.body, content);
        if (!updated) return false;
        await upsertSearchDoc(tx, row.id, searchDocument(row.title, body, row.variant));
        await recordThreadEvent(tx, { threadId: updated.thread_id, boardId: updated.board_id, kind: 'post:edit', postId: row.id });
        return true;
      });
      if (done) changed++;
    }
    done += batch.length;
    after = batch[batch.length - 1]!.id;
    onProgress(done, total);
  }
  return changed;
}
