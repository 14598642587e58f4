import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  JoinAck,
  JoinRequest,
  PostEvent,
  ServerToClientEvents,
  ThreadEvent,
  ThreadSocketEvent,
  UnreadCounts,
} from '../server/realtime/realtime.events';
import { childList, countLater } from './reading';

/**
 * Live follow-ups. On a thread page, joins the thread over socket.io in the page's variant and
 * puts each new follow-up under its parent (highlighted), updates edited and deleted posts in
 * place, and shows how many are reading. Every event carries the thread's seq: one already seen
 * is dropped, and a gap (or a reconnect) asks the server for everything after the last one seen.
 * On a board index, new threads appear at the top and threads with new follow-ups move up.
 *
 * The event names and payloads are the server's contract (type-only: nothing of the server is
 * bundled), so the compiler checks every handler and emit here against what the server sends.
 */

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The socket events a thread reader applies in seq order: all of them, or this does not compile. */
const THREAD_EVENTS = { 'post:new': true, 'post:edit': true, 'post:delete': true, 'thread:state': true } as const satisfies Record<
  ThreadSocketEvent,
  true
>;

/** The page says which variant it was rendered in; it is always one the server takes. */
const pageVariant = (el: HTMLElement) => el.dataset.variant as JoinRequest['variant'];

let pageSocket: LiveSocket | undefined;

/** The page's one socket: the thread or board it follows and the member's own events share it. */
function connect(variant: JoinRequest['variant']): LiveSocket {
  // WebSocket only: a reader stays on one connection, so several app processes behind a load
  // balancer need no sticky sessions. The variant words the server's refusals, and a member's
  // events, in the page's script.
  pageSocket ??= io({ transports: ['websocket'], auth: { variant: variant ?? 'original' } });
  return pageSocket;
}

/**
 * A logged-in member's header: the unread 悄悄話 and notification counts rise as they arrive
 * (message:new, notification:new carry the counts after the new one), on every page.
 */
export function followMember(header: HTMLElement): void {
  const socket = connect(pageVariant(header));
  const show = (counts: UnreadCounts) => {
    for (const badge of Array.from(header.querySelectorAll<HTMLElement>('[data-unread]'))) {
      const count = counts[badge.dataset.unread as keyof UnreadCounts];
      if (count === undefined) continue;
      // The server counts up to the badge's data-cap (server/db/unread.ts); at the cap, "99+".
      const cap = Number(badge.dataset.cap);
      const shown = count >= cap ? `${cap - 1}+` : String(count);
      badge.textContent = shown;
      badge.setAttribute('aria-label', (badge.dataset.label ?? '%d').replace('%d', shown));
      badge.hidden = count === 0;
    }
  };
  socket.on('message:new', (e) => show(e.unread));
  socket.on('notification:new', (e) => show(e.unread));
  // Read or deleted in this tab or another: every tab shows the same counts.
  socket.on('unread:changed', (e) => show(e.unread));
}

function fragment(html: string): Element {
  const t = document.createElement('template');
  t.innerHTML = html.trim();
  return t.content.firstElementChild!;
}

/**
 * The members the page says its reader ignores (data-ignored: their names, as JSON) and the words
 * of a collapsed line (data-ignored-label: "已忽略 %s 的帖子"). Live lines are rendered once for
 * every reader, so their collapsing happens here; pages rendered by the server collapse their own.
 */
interface Ignored {
  names: ReadonlySet<string>;
  label: string;
}

function ignoredOn(el: HTMLElement): Ignored | undefined {
  if (!el.dataset.ignored) return undefined;
  try {
    const names = JSON.parse(el.dataset.ignored) as unknown;
    if (!Array.isArray(names)) return undefined;
    return { names: new Set(names.filter((n): n is string => typeof n === 'string')), label: el.dataset.ignoredLabel ?? '%s' };
  } catch {
    return undefined;
  }
}

/** A post's live line, collapsed as the server collapses it when its author is ignored (posts.lines.tsx collapsedLine). */
function lineOf(e: PostEvent, ignored: Ignored | undefined): Element {
  const line = fragment(e.html);
  if (!ignored?.names.has(e.post.author.name)) return line;
  const details = document.createElement('details');
  details.className = 'ignored';
  const summary = document.createElement('summary');
  summary.textContent = ignored.label.replace('%s', e.post.author.name);
  details.append(summary, line);
  return details;
}

/** Inserts a follow-up's line under its parent inside `scope`; false when its parent is not there. */
function insertReply(
  scope: Element,
  topList: () => HTMLUListElement,
  e: PostEvent,
  topParentId: string,
  ignored: Ignored | undefined,
): boolean {
  if (document.getElementById(`p${e.post.id}`)) return true;
  // Past the depth cap the follow-up is on the page of the line at the cap ("continue this
  // thread"), even when that line had no follow-ups before and so no link to it yet.
  if (e.post.depth > Number(scope.closest<HTMLElement>('[data-deepest]')?.dataset.deepest ?? Infinity)) return true;
  let list: HTMLUListElement;
  if (e.post.parentId === topParentId) {
    list = topList();
  } else {
    const parentLine = e.post.parentId ? document.getElementById(`p${e.post.parentId}`) : null;
    const parentItem = parentLine && scope.contains(parentLine) ? parentLine.closest('li') : null;
    if (!parentItem) return false;
    // A line at the depth cap links to its own page for its follow-ups: the new one is there, not nested here.
    if (parentItem.querySelector(':scope > a.continue')) return true;
    list = childList(parentItem);
  }
  dropHeld(scope, e);
  // Siblings are listed oldest first, and a new post is the newest: it goes last.
  const item = document.createElement('li');
  item.className = 'new';
  item.appendChild(lineOf(e, ignored));
  list.appendChild(item);
  return true;
}

/**
 * The reader's own follow-up waiting for review, shown in its place (server/posts/posts.lines.tsx
 * heldLine), goes when it arrives approved: the same parent, title and author. The approved post's
 * line then takes the same place, last under its parent.
 */
function dropHeld(scope: Element, e: PostEvent): void {
  for (const line of Array.from(scope.querySelectorAll<HTMLElement>('.line.held[data-parent]'))) {
    const { parent, title, author } = line.dataset;
    if (parent !== e.post.parentId || title !== e.post.title || author !== e.post.author.name) continue;
    const item = line.closest('li.held');
    const list = item?.parentElement;
    item?.remove();
    if (list?.classList.contains('held-list') && list.children.length === 0) list.remove();
    return;
  }
}

/** Replaces a follow-up's line inside `scope` (never the page's own post, which shares the id). */
function replaceLine(scope: Element, e: PostEvent): void {
  const line = scope.querySelector(`#p${e.post.id}.line`);
  if (line) line.replaceWith(fragment(e.html));
}

/** Applies events strictly in seq order, asking for what is missing when there is a gap. */
function sequencer(start: number, apply: (e: ThreadEvent) => void, resync: (since: number) => void) {
  let last = start;
  const pending = new Map<number, ThreadEvent>();
  return {
    get last() {
      return last;
    },
    take(e: ThreadEvent) {
      if (e.seq <= last) return; // seen already
      pending.set(e.seq, e);
      while (pending.has(last + 1)) {
        const next = pending.get(last + 1)!;
        pending.delete(last + 1);
        apply(next);
        last = next.seq;
      }
      if (pending.size) resync(last);
    },
  };
}

/** A thread page's top list of follow-ups, made when the first one arrives. */
export function topListOf(section: HTMLElement): () => HTMLUListElement {
  return () => {
    let ul = section.querySelector<HTMLUListElement>(':scope > ul.tree');
    if (!ul) {
      const none = section.querySelector('.no-replies');
      ul = document.createElement('ul');
      ul.className = 'tree';
      if (none) none.replaceWith(ul);
      else section.insertBefore(ul, section.querySelector(':scope > .more-lines, :scope > .new-later'));
    }
    return ul;
  };
}

export function followThread(section: HTMLElement): void {
  const threadId = section.dataset.thread!;
  const postId = section.dataset.post!;
  const variant = pageVariant(section);
  const ignored = ignoredOn(section);
  const readers = document.querySelector<HTMLElement>('.readers');
  const topList = topListOf(section);
  const socket = connect(variant);
  let syncing = false;
  const join = (since: number) => {
    syncing = true;
    socket.emit('thread:join', { threadId, variant, since }, (ack: JoinAck) => {
      syncing = false;
      if ('seq' in ack) {
        showReaders(ack.readers);
        // Catch-up comes a page at a time: far behind, ask for the next page at once.
        if (ack.more) join(seq.last);
      }
      // The database may be restarting: try again shortly, from the last seq applied.
      else setTimeout(() => join(seq.last), 3000);
    });
  };
  const seq = sequencer(
    Number(section.dataset.seq),
    (e) => {
      if (!('post' in e)) return void document.body.classList.toggle('thread-locked', e.locked);
      // A follow-up under a line of a window not loaded yet is counted, not shown.
      if (e.kind === 'post:new') {
        if (!insertReply(section, topList, e, postId, ignored)) countLater(section, e.post.id);
      } else replaceLine(section, e);
    },
    (since) => {
      if (!syncing) join(since);
    },
  );
  const showReaders = (count: number) => {
    if (!readers) return;
    readers.textContent = (readers.dataset.template ?? '%d').replace('%d', String(count));
    readers.hidden = count < 1;
  };
  socket.on('connect', () => join(seq.last));
  for (const name of Object.keys(THREAD_EVENTS) as ThreadSocketEvent[]) socket.on(name, (e: ThreadEvent) => seq.take(e));
  socket.on('thread:readers', (e) => showReaders(e.count));
}

export function followBoard(list: HTMLElement): void {
  const slug = list.dataset.board!;
  const variant = pageVariant(list);
  const ignored = ignoredOn(list);
  const socket = connect(variant);
  socket.on('connect', () => socket.emit('board:join', { slug, variant }, () => undefined));
  socket.on('board:activity', (e) => {
    const firstUnpinned = list.querySelector(':scope > li.thread:not(.pinned)');
    if (e.post.depth === 0) {
      if (document.getElementById(`p${e.post.id}`)) return;
      const item = document.createElement('li');
      item.className = 'thread new';
      item.appendChild(lineOf(e, ignored));
      list.insertBefore(item, firstUnpinned);
      return;
    }
    const rootLine = document.getElementById(`p${e.post.threadId}`);
    const thread = rootLine?.closest<HTMLLIElement>('li.thread');
    if (!thread) return;
    const tree = (): HTMLUListElement => {
      let ul = thread.querySelector<HTMLUListElement>(':scope > ul.tree');
      if (!ul) {
        ul = document.createElement('ul');
        ul.className = 'tree';
        thread.appendChild(ul);
      }
      return ul;
    };
    insertReply(thread, tree, e, e.post.threadId, ignored);
    // Bump: the thread with new activity moves to the top (below pinned threads).
    if (!thread.classList.contains('pinned') && thread !== firstUnpinned) list.insertBefore(thread, firstUnpinned);
  });
}

/**
 * The hot threads on `/` or a board's page (section.hot): follows the list the page shows (its
 * board and period) in the page's variant, and puts each hot:update in its place. The update is
 * rendered once for every reader, ten threads shown and the next ten hidden: those started by
 * members the reader ignores (the page's data-ignored) are dropped and the first ten of the rest shown.
 */
export function followHot(section: HTMLElement): void {
  const board = section.dataset.board ?? '';
  const period = section.dataset.period === 'week' ? 'week' : 'today';
  const variant = pageVariant(section);
  const ignored = ignoredOn(section);
  const socket = connect(variant);
  socket.on('connect', () => socket.emit('hot:join', { board: board || undefined, period, variant }, () => undefined));
  socket.on('hot:update', (e) => {
    if ((e.board?.slug ?? '') !== board || e.period !== period) return;
    const list = fragment(e.html) as HTMLElement;
    const size = Number(list.dataset.size ?? 10);
    const items = Array.from(list.querySelectorAll<HTMLElement>(':scope > li.hot-thread'));
    for (const li of items) if (ignored?.names.has(li.dataset.author ?? '')) li.remove();
    list.querySelectorAll<HTMLElement>(':scope > li.hot-thread').forEach((li, i) => {
      li.hidden = i >= size;
    });
    section.querySelector('.hot-list')?.replaceWith(list);
  });
}
