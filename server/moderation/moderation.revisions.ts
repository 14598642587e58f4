import type { Kysely } from 'kysely';
import * as boards from '../boards/boards.repository';
import type { BoardRole, Database } from '../db/database';
import type { Member } from '../db/member';
import { type Post, getPost } from '../posts/posts.model';
import { authorize, can } from '../policy/policy';
import { actorOn } from '../policy/policy.repository';
import type { VersionText } from './moderation.diff';
import * as repo from './moderation.repository';

/**
 * A post's history as `/t/:id/revisions` (and its API) pages it: each version with who made it and
 * the version it is compared with, hidden ones kept in place but emptied for readers who may not
 * see them. Hiding a version is a change to the post (moderation.service.ts setRevisionHidden).
 */

/** Versions of a post on one page of `/t/:id/revisions` (and of its API). */
export const VERSIONS_PER_PAGE = 20;

/** One version of a post as the revisions page shows it, with the version it is compared with. */
export interface Version extends VersionText {
  by: { name: string; role: BoardRole };
  at: Date;
  reason: string | null;
  /** Hidden by a moderator: for readers who may not see it, title, body and reason are empty. */
  hidden: boolean;
  /**
   * The version shown as changed into this one (null: shown whole). For readers who may not see
   * hidden versions, the newest one below that is not hidden, so no diff reveals a hidden one.
   */
  previous: VersionText | null;
}

/** A page of a post's history: the post as it is now and the versions on the page. */
export interface Revisions {
  post: Post;
  versions: Version[];
  page: number;
  pages: number;
  total: number;
  /** The viewer may see hidden versions' content (they moderate the board). */
  seesHidden: boolean;
  /** The viewer may hide and show versions. */
  canHide: boolean;
}

/**
 * A page of a post's versions, newest first: the current one, then each it replaced, 20 a page.
 * Only rows of the page (and the one before it) are read, whatever the post's history; hidden
 * versions keep their place but lose their content unless the viewer moderates the board.
 */
export async function postRevisions(db: Kysely<Database>, member: Member | null, postId: string, page = 1): Promise<Revisions> {
  const post = await getPost(db, postId);
  const [actor, board] = await Promise.all([actorOn(db, member, post.boardId), boards.findBoardState(db, post.boardId)]);
  if (post.deleted) authorize(actor, 'seeDeleted', null);
  const seesHidden = can(actor, 'seeHiddenRevisions', null);
  // On an archived board only admins hide or show versions (setRevisionHidden).
  const canHide = can(actor, 'hideRevision', null) && (!board.archived_at || actor?.role === 'admin');
  const total = post.revision + 1;
  const pages = Math.ceil(total / VERSIONS_PER_PAGE);
  const newest = post.revision - (page - 1) * VERSIONS_PER_PAGE;
  if (newest < 0) return { post, versions: [], page, pages, total, seesHidden, canHide };
  const oldest = Math.max(0, newest - VERSIONS_PER_PAGE + 1);
  // Version k was written by the edit recorded on the row of version k-1 (version 0 by the author),
  // which is also the version k is compared with: the page's rows and the one below them.
  const lowest = Math.max(0, oldest - 1);
  const rows = await repo.findRevisions(db, post.id, lowest, Math.min(newest, post.revision - 1));
  const byRevision = new Map(rows.map((r) => [r.revision, r]));
  const content = (revision: number): VersionText => {
    if (revision === post.revision) return { revision, title: post.title, body: post.body, bytes: post.bytes };
    const row = byRevision.get(revision);
    if (!row) throw new Error(`post ${post.id} has no revision ${revision}`);
    return { revision, title: row.title, body: row.body, bytes: row.bytes };
  };
  const concealed = (revision: number) => !seesHidden && (byRevision.get(revision)?.hidden_at ?? null) !== null;
  // Below the rows read, only when every one of them under a version is hidden from this viewer.
  let further: Promise<VersionText | null> | undefined;
  const previousOf = async (revision: number): Promise<VersionText | null> => {
    for (let r = revision - 1; r >= lowest; r--) if (!concealed(r)) return content(r);
    if (lowest === 0) return null;
    further ??= repo.findShownRevisionBelow(db, post.id, lowest).then((row) => row ?? null);
    return further;
  };
  const versions: Version[] = [];
  for (let revision = newest; revision >= oldest; revision--) {
    const edit = byRevision.get(revision - 1);
    const by = edit ? { name: edit.replaced_by_name, role: edit.replaced_role } : { name: post.author.name, role: 'member' as BoardRole };
    const at = edit ? edit.replaced_at : post.createdAt;
    const hidden = revision !== post.revision && byRevision.get(revision)!.hidden_at !== null;
    versions.push(
      concealed(revision)
        ? { revision, title: '', body: '', bytes: 0, by, at, reason: null, hidden, previous: null }
        : { ...content(revision), by, at, reason: edit?.reason ?? null, hidden, previous: await previousOf(revision) },
    );
  }
  return { post, versions, page, pages, total, seesHidden, canHide };
}
