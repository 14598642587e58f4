import { type Request, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { PageContext } from '../views/layout';
import { answerVariant, freeTextIn } from '../http/answers';
import { formText } from '../http/forms';
import { passOnLink } from '../http/origin';
import { href } from '../http/paths';
import { addBoard, adminBoards, archiveBoard, deleteBoard, describeBoard, moveBoard, renameBoard, setBoardModerator } from './admin.boards';
import { inbox, inboxCounts, inboxInVariant } from './admin.inbox';
import type { TextCache } from '../caches';
import { type SiteBans, deleteMember, issueResetLink, liftSiteBan, setMemberRole, siteBanMember } from './admin.members';
import { memberDetail, searchMembers } from './admin.members.lookup';
import { boardsAdminPage } from './admin.boards.views';
import { consoleHomePage, inboxPage } from './admin.console.views';
import { memberAdminPage, membersAdminPage } from './admin.members.views';

/**
 * The admin console's pages and their JSON (admins only: each service refuses anyone else with
 * 401/403): `/admin`, `/admin/inbox`, `/admin/boards…`, `/admin/members…`, and the same under
 * `/api/admin/…`. Forms post and are redirected back (303); refusals go to the error page in the
 * reader's script.
 */

const text = (body: unknown, name: string) => formText(body, name) ?? '';

/** A whole number sent as JSON or typed in a form; NaN for anything else (the service refuses it). */
function wholeNumber(body: unknown, name: string): number {
  const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : NaN;
}

const queryText = (req: Request, name: string) => (typeof req.query[name] === 'string' ? req.query[name] : '');

/** Where a reset link sends its member: under PUBLIC_URL, never the request's Host (origin.ts, passOnLink). */
const resetLink = (publicUrl: URL | undefined, req: Request, token: string) =>
  passOnLink(publicUrl, `${req.variantPrefix ?? ''}/password/reset?token=${token}`);

export function adminConsoleRouter(
  db: Kysely<Database>,
  conversions: TextCache,
  pageContext: (req: Request) => PageContext,
  siteBans: SiteBans,
  boardsChanged: () => void,
  publicUrl: URL | undefined,
): Router {
  const router = Router();
  const back = (req: Request, res: Response, path: string) => res.redirect(303, href(pageContext(req), path));
  const boardsPath = (slug: string) => `/admin/boards#board-${slug}`;
  const memberPath = (name: string) => `/admin/members/${encodeURIComponent(name)}`;

  router.get('/api/admin', async (req, res) => {
    res.json({ counts: await inboxCounts(db, req.member) });
  });
  router.get('/admin', async (req, res) => {
    res.send(consoleHomePage(pageContext(req), await inboxCounts(db, req.member)));
  });

  router.get('/api/admin/inbox', async (req, res) => {
    // Titles, boards' names and reasons as `variant=` reads them (absent: as written), pins resolved (text/pins.ts).
    const variant = answerVariant(req);
    const data = inboxInVariant(conversions, await inbox(db, req.member), variant);
    res.json({
      counts: data.counts,
      reports: data.reports.map(({ post: _post, ...r }) => ({ ...r, latest: r.latest.toISOString() })),
      held: data.held.map(({ boardId: _id, ...q }) => ({ ...q, oldest: q.oldest.toISOString() })),
      glossaryFlags: data.glossaryFlags.map(({ boardId: _id, ...q }) => ({ ...q, oldest: q.oldest.toISOString() })),
      messageReports: data.messageReports.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })),
      addressBans: data.addressBans.map((b) => ({ range: b.range, reason: b.reason, expiresAt: b.expiresAt.toISOString() })),
    });
  });
  router.get('/admin/inbox', async (req, res) => {
    const ctx = pageContext(req);
    res.send(inboxPage(ctx, inboxInVariant(conversions, await inbox(db, req.member), ctx.variant)));
  });

  // Boards.
  router.get('/api/admin/boards', async (req, res) => {
    const list = await adminBoards(db, req.member);
    const shown = freeTextIn(conversions, answerVariant(req));
    res.json({
      boards: list.map((b) => ({
        slug: b.slug,
        name: shown(b.name, b.id),
        description: shown(b.description, b.id),
        position: b.position,
        archived: b.archivedAt !== null && b.archivedAt !== undefined,
        archivedAt: b.archivedAt?.toISOString() ?? null,
        threadCount: b.threadCount,
        moderators: b.moderators,
      })),
    });
  });
  router.get('/admin/boards', async (req, res) => {
    res.send(boardsAdminPage(pageContext(req), await adminBoards(db, req.member)));
  });

  const createBoard = (req: Request) =>
    addBoard(db, req.member, { slug: text(req.body, 'slug'), name: text(req.body, 'name'), description: text(req.body, 'description') });
  router.post('/api/admin/boards', async (req, res) => {
    const board = await createBoard(req);
    res.status(201).json({ board: { slug: board.slug, name: board.name, description: board.description } });
  });
  router.post('/admin/boards', async (req, res) => {
    const board = await createBoard(req);
    back(req, res, boardsPath(board.slug));
  });

  /** Each change to a board, by its path's last part: what it does with the request. */
  const boardChanges: Record<string, (req: Request<{ slug: string }>) => Promise<unknown>> = {
    rename: (req) => renameBoard(db, req.member, req.params.slug, text(req.body, 'name')),
    describe: (req) => describeBoard(db, req.member, req.params.slug, text(req.body, 'description')),
    move: (req) => moveBoard(db, req.member, req.params.slug, wholeNumber(req.body, 'position')),
    archive: async (req) => {
      const board = await archiveBoard(db, req.member, req.params.slug, true);
      boardsChanged();
      return board;
    },
    unarchive: async (req) => {
      const board = await archiveBoard(db, req.member, req.params.slug, false);
      boardsChanged();
      return board;
    },
    moderators: (req) => setBoardModerator(db, req.member, req.params.slug, text(req.body, 'name'), true),
    'moderators/remove': (req) => setBoardModerator(db, req.member, req.params.slug, text(req.body, 'name'), false),
  };
  for (const [change, run] of Object.entries(boardChanges)) {
    router.post(`/api/admin/boards/:slug/${change}`, async (req, res) => {
      res.json({ board: await run(req) });
    });
    router.post(`/admin/boards/:slug/${change}`, async (req, res) => {
      await run(req);
      back(req, res, boardsPath(req.params.slug));
    });
  }
  router.post('/api/admin/boards/:slug/delete', async (req, res) => {
    await deleteBoard(db, req.member, req.params.slug);
    res.json({ deleted: req.params.slug });
  });
  router.post('/admin/boards/:slug/delete', async (req, res) => {
    await deleteBoard(db, req.member, req.params.slug);
    back(req, res, '/admin/boards');
  });

  // Members.
  router.get('/api/admin/members', async (req, res) => {
    const found = await searchMembers(db, req.member, queryText(req, 'q'));
    res.json({ members: found.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) });
  });
  router.get('/admin/members', async (req, res) => {
    const q = queryText(req, 'q');
    // Asked even with nothing typed: the service is where non-admins are refused.
    const found = await searchMembers(db, req.member, q);
    res.send(membersAdminPage(pageContext(req), q, q.trim() ? found : null));
  });

  router.get('/api/admin/members/:name', async (req, res) => {
    const m = await memberDetail(db, req.member, req.params.name);
    // Titles and reasons as `variant=` reads them (absent: as written), pins resolved.
    const shown = freeTextIn(conversions, answerVariant(req));
    res.json({
      member: {
        ...m,
        createdAt: m.createdAt.toISOString(),
        deletedAt: m.deletedAt?.toISOString() ?? null,
        posts: m.posts.map((p) => ({ ...p, title: shown(p.title, p.boardId), createdAt: p.createdAt.toISOString() })),
        reportsBy: m.reportsBy.map((r) => ({ ...r, reason: shown(r.reason, r.boardId), createdAt: r.createdAt.toISOString() })),
        reportsAbout: m.reportsAbout.map((r) => ({ ...r, reason: shown(r.reason, r.boardId), createdAt: r.createdAt.toISOString() })),
        bans: m.bans.map((b) => ({
          ...b,
          reason: shown(b.reason, b.boardId),
          createdAt: b.createdAt.toISOString(),
          expiresAt: b.expiresAt.toISOString(),
        })),
        signIns: m.signIns.map((s) => ({ ...s, at: s.at.toISOString() })),
      },
    });
  });
  router.get('/admin/members/:name', async (req, res) => {
    res.send(memberAdminPage(pageContext(req), await memberDetail(db, req.member, req.params.name)));
  });

  const memberChanges: Record<string, (req: Request<{ name: string }>) => Promise<unknown>> = {
    role: (req) => setMemberRole(db, req.member, req.params.name, text(req.body, 'role')),
    ban: (req) =>
      siteBanMember(siteBans, req.member, { name: req.params.name, days: wholeNumber(req.body, 'days'), reason: text(req.body, 'reason') }),
    unban: (req) => liftSiteBan(siteBans, req.member, text(req.body, 'ban')),
  };
  for (const [change, run] of Object.entries(memberChanges)) {
    router.post(`/api/admin/members/:name/${change}`, async (req, res) => {
      res.json({ done: change, result: (await run(req)) ?? null });
    });
    router.post(`/admin/members/:name/${change}`, async (req, res) => {
      await run(req);
      back(req, res, memberPath(req.params.name));
    });
  }

  router.post('/api/admin/members/:name/delete', async (req, res) => {
    res.json(await deleteMember(db, req.member, req.params.name, text(req.body, 'posts')));
  });
  router.post('/admin/members/:name/delete', async (req, res) => {
    await deleteMember(db, req.member, req.params.name, text(req.body, 'posts'));
    back(req, res, memberPath(req.params.name));
  });

  // The link is in the answer only: a page shown once (never a redirect to a URL holding it).
  router.post('/api/admin/members/:name/reset-link', async (req, res) => {
    const made = await issueResetLink(db, req.member, req.params.name);
    const link = resetLink(publicUrl, req, made.token);
    res
      .set('Cache-Control', 'no-store')
      .json({ name: made.name, url: link.url, absolute: link.absolute, expiresAt: made.expiresAt.toISOString() });
  });
  router.post('/admin/members/:name/reset-link', async (req, res) => {
    const made = await issueResetLink(db, req.member, req.params.name);
    const detail = await memberDetail(db, req.member, made.name);
    res.set('Cache-Control', 'no-store').send(memberAdminPage(pageContext(req), detail, { reset: resetLink(publicUrl, req, made.token) }));
  });

  return router;
}
