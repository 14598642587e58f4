import { type Kysely, sql } from 'kysely';
import type { TextCache } from '../caches';
import type { Database } from '../db/database';
import { freeTextIn, localizedTitles } from '../text/localize';
import type { SourceVariant, Variant } from '../variants';
import { type AddressBan, activeAddressBans } from '../limits/address-bans';
import { type Operator, adminActor } from './admin.boards';

/**
 * The admin inbox (/admin/inbox) and the console's counts (/admin): every board's open reports,
 * every review queue, every glossary's flagged conversions (轉換有誤), the open 悄悄話 reports and
 * the address bans in force, in one place, each linking to the page where it is handled (the
 * board's reports, queue and glossary, the message report, the address bans). Read only: the
 * handling stays where it was.
 *
 * Titles are read as stored; the routes show them in the reader's variant, pins resolved
 * (inboxInVariant).
 */

/** How many lines of each kind the inbox shows (the pages it links to have the rest). */
export const INBOX_LINES = 100;

export interface InboxCounts {
  reports: number;
  held: number;
  /** Open flags of wrong conversions, every board's. */
  glossaryFlags: number;
  messageReports: number;
  addressBans: number;
}

export interface Inbox {
  counts: InboxCounts;
  /** Reported posts, one line per post, with their open reports counted. */
  reports: {
    board: string;
    boardName: string;
    postId: string;
    threadId: string;
    title: string;
    count: number;
    latest: Date;
    /** What the title is converted from, and by which board's glossary (text/localize.ts). */
    post: ReportedPost;
  }[];
  /** Posts waiting for review, one line per board. */
  held: { board: string; boardName: string; boardId: string; count: number; oldest: Date }[];
  /** Open flags of wrong conversions, one line per board (its glossary page's queue). */
  glossaryFlags: { board: string; boardName: string; boardId: string; count: number; oldest: Date }[];
  messageReports: { id: string; reporter: string; reason: string; createdAt: Date }[];
  addressBans: AddressBan[];
}

/** A reported post as its title is converted. */
export interface ReportedPost {
  id: string;
  revision: number;
  variant: SourceVariant;
  title: string;
  body: '';
  board_id: string;
}

/** The inbox with its titles as a reader of `variant` reads them (undefined: as written, pins resolved). */
export function inboxInVariant(conversions: TextCache, data: Inbox, variant: Variant | undefined): Inbox {
  const titles = localizedTitles(
    conversions,
    data.reports.map((r) => r.post),
    variant,
  );
  // Boards' names by each board's glossary, pins resolved.
  const shown = freeTextIn(conversions, variant);
  const named = <L extends { boardName: string; boardId: string }>(l: L): L => ({ ...l, boardName: shown(l.boardName, l.boardId) });
  return {
    ...data,
    reports: data.reports.map((r, i) => ({ ...r, boardName: shown(r.boardName, r.post.board_id), title: titles[i]!.title })),
    held: data.held.map(named),
    glossaryFlags: data.glossaryFlags.map(named),
    messageReports: data.messageReports.map((m) => ({ ...m, reason: shown(m.reason) })),
    addressBans: data.addressBans.map((b) => ({ ...b, reason: shown(b.reason) })),
  };
}

/** The counts that need an admin's attention: open reports, held posts, flagged conversions, open message reports, address bans. */
export async function inboxCounts(db: Kysely<Database>, who: Operator): Promise<InboxCounts> {
  adminActor(who);
  // One round trip: five counts, each a scan of a small partial set (open or pending rows).
  const { rows } = await sql<{ reports: string; held: string; glossary_flags: string; message_reports: string; address_bans: string }>`
    select
      (select count(*) from reports where resolved_at is null) as reports,
      (select count(*) from held_posts where decided_at is null) as held,
      (select count(*) from glossary_flags where resolved_at is null) as glossary_flags,
      (select count(*) from message_reports where resolved_at is null) as message_reports,
      (select count(*) from address_bans where lifted_at is null and expires_at > now()) as address_bans`.execute(db);
  const r = rows[0]!;
  return {
    reports: Number(r.reports),
    held: Number(r.held),
    glossaryFlags: Number(r.glossary_flags),
    messageReports: Number(r.message_reports),
    addressBans: Number(r.address_bans),
  };
}

export async function inbox(db: Kysely<Database>, who: Operator): Promise<Inbox> {
  const counts = await inboxCounts(db, who);
  const [reports, held, flags, messageReports, addressBans] = await Promise.all([
    db
      .selectFrom('reports as r')
      .innerJoin('posts as p', 'p.id', 'r.post_id')
      .innerJoin('boards as b', 'b.id', 'r.board_id')
      .select([
        'b.slug',
        'b.name',
        'r.post_id',
        'p.thread_id',
        'p.title',
        'p.variant',
        'p.revision',
        'p.board_id',
        sql<string>`count(*)`.as('count'),
        sql<Date>`max(r.created_at)`.as('latest'),
      ])
      .where('r.resolved_at', 'is', null)
      .groupBy(['b.slug', 'b.name', 'r.post_id', 'p.thread_id', 'p.title', 'p.variant', 'p.revision', 'p.board_id'])
      .orderBy(sql`max(r.created_at)`, 'desc')
      .limit(INBOX_LINES)
      .execute(),
    db
      .selectFrom('held_posts as h')
      .innerJoin('boards as b', 'b.id', 'h.board_id')
      .select(['b.id', 'b.slug', 'b.name', sql<string>`count(*)`.as('count'), sql<Date>`min(h.created_at)`.as('oldest')])
      .where('h.decided_at', 'is', null)
      .groupBy(['b.id', 'b.slug', 'b.name', 'b.position'])
      .orderBy('b.position')
      .execute(),
    db
      .selectFrom('glossary_flags as f')
      .innerJoin('boards as b', 'b.id', 'f.board_id')
      .select(['b.id', 'b.slug', 'b.name', sql<string>`count(*)`.as('count'), sql<Date>`min(f.created_at)`.as('oldest')])
      .where('f.resolved_at', 'is', null)
      .groupBy(['b.id', 'b.slug', 'b.name', 'b.position'])
      .orderBy('b.position')
      .execute(),
    db
      .selectFrom('message_reports as m')
      .innerJoin('users as u', 'u.id', 'm.reporter_id')
      .select(['m.id', 'u.name', 'm.reason', 'm.created_at'])
      .where('m.resolved_at', 'is', null)
      .orderBy('m.id', 'desc')
      .limit(INBOX_LINES)
      .execute(),
    activeAddressBans(db),
  ]);
  return {
    counts,
    reports: reports.map((r) => ({
      board: r.slug,
      boardName: r.name,
      postId: r.post_id,
      threadId: r.thread_id,
      title: r.title,
      count: Number(r.count),
      latest: r.latest,
      post: { id: r.post_id, revision: r.revision, variant: r.variant, title: r.title, body: '' as const, board_id: r.board_id },
    })),
    held: held.map((h) => ({ board: h.slug, boardName: h.name, boardId: h.id, count: Number(h.count), oldest: h.oldest })),
    glossaryFlags: flags.map((f) => ({ board: f.slug, boardName: f.name, boardId: f.id, count: Number(f.count), oldest: f.oldest })),
    messageReports: messageReports.map((m) => ({ id: m.id, reporter: m.name, reason: m.reason, createdAt: m.created_at })),
    addressBans,
  };
}
