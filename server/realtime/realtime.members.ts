import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import type { MemberAnnouncement, MemberEventKind } from '../events/member-events';
import type { Logger } from '../log';
import { unreadCounts } from '../members/unread.repository';
import { SESSION_COOKIE, cookieFrom } from '../sessions/sessions.cookies';
import { hashToken, liveSessions, memberForToken } from '../sessions/sessions.service';
import type { MemberSocketEvents } from './realtime.events';
import type { V } from './realtime.render';
import { type GentieSocket, type RealtimeServer, type SocketData, variantsWithReaders } from './realtime.rooms';

/**
 * A member's own live events: a 悄悄話 addressed to them, a notification. Each socket opened with
 * a session cookie joins its member's room (in the variant it reads in); when a member event is
 * announced (events/member-events.ts, ids only), the process holding that member's sockets reads
 * the row back through the feature's feed, which checks the party (the recipient, the notified
 * member), and sends it to those sockets whose session is still live, with the unread counts.
 */

/** The socket event each member event kind goes out as. */
const SOCKET_EVENT: { [K in MemberEventKind]: keyof MemberSocketEvents } = {
  message: 'message:new',
  notification: 'notification:new',
  unread: 'unread:changed',
};

/** A payload as a feed returns it: the socket event's, without the counts (added here). */
type FeedPayload<K extends MemberEventKind> = Omit<MemberSocketEvents[(typeof SOCKET_EVENT)[K]], 'unread'>;

/**
 * Reads row `id` for member `memberId` in variant `v`; undefined when it is not theirs or is gone.
 * Each feature that announces member events provides its kind's feed (app.ts wires them).
 */
export type MemberFeed<K extends MemberEventKind> = (
  db: Kysely<Database>,
  memberId: string,
  id: string,
  v: V,
) => Promise<FeedPayload<K> | undefined>;

/** The feed of each kind of member event; a kind without one is not sent live. */
export type MemberFeeds = { [K in Exclude<MemberEventKind, 'unread'>]?: MemberFeed<K> };

/** Changed counts carry nothing but the counts, which every delivery adds. */
const unreadFeed: MemberFeed<'unread'> = () => Promise.resolve({});

/** What a socket opened in a member's session remembers of it: the member, and the SHA-256 of the session token (checked again before each delivery). */
export type SocketMember = NonNullable<SocketData['member']>;

/** The room of a member's own sockets reading in one variant. */
export const memberRoom = (memberId: string, v: V) => `m:${memberId}:${v}`;

/** The member whose session cookie came with the handshake, or null. */
export async function socketMember(db: Kysely<Database>, socket: GentieSocket): Promise<(Member & SocketMember) | null> {
  const token = cookieFrom(socket.handshake.headers.cookie, SESSION_COOKIE);
  if (!token) return null;
  const found = await memberForToken(db, token);
  return found && found !== 'expired' ? { ...found, tokenHash: hashToken(token) } : null;
}

export class MemberDelivery {
  constructor(
    private readonly io: RealtimeServer,
    private readonly db: Kysely<Database>,
    private readonly feeds: MemberFeeds,
    private readonly log: Logger,
  ) {}

  /** A socket opened in a member's session: it hears that member's events from now on. */
  async joined(socket: GentieSocket, member: SocketMember, v: V): Promise<void> {
    socket.data.member = member;
    await socket.join(memberRoom(member.id, v));
  }

  /**
   * Each member's deliveries in the order their events were announced: each reads the database
   * before it sends, so two run side by side could overtake each other (a notification:new with the
   * counts from before a newer unread:changed, the header left showing a stale count).
   */
  private readonly queues = new Map<string, Promise<void>>();

  /** A member event was announced: sends it to the member's sockets on this process, if any, after the member's earlier ones. */
  heard(a: MemberAnnouncement): void {
    const sent = (this.queues.get(a.memberId) ?? Promise.resolve())
      .then(() => this.deliver(a))
      .catch((err: Error) => this.log.warn({ err: err.message, kind: a.kind }, 'realtime: member event not delivered'));
    this.queues.set(a.memberId, sent);
    void sent.then(() => {
      if (this.queues.get(a.memberId) === sent) this.queues.delete(a.memberId);
    });
  }

  private async deliver<K extends MemberEventKind>(a: MemberAnnouncement & { kind: K }): Promise<void> {
    const feed: MemberFeed<K> | undefined =
      a.kind === 'unread' ? (unreadFeed as MemberFeed<K>) : this.feeds[a.kind as Exclude<K, 'unread'>];
    const variants = variantsWithReaders(this.io, (v) => memberRoom(a.memberId, v));
    if (!feed || variants.length === 0) return;
    const sockets = variants.flatMap((v) => this.socketsIn(memberRoom(a.memberId, v)).map((socket) => ({ socket, v })));
    const live = await liveSessions(
      this.db,
      a.memberId,
      sockets.map(({ socket }) => socket.data.member!.tokenHash),
    );
    const allowed = sockets.filter(({ socket }) => live.some((hash) => hash.equals(socket.data.member!.tokenHash)));
    if (allowed.length === 0) return;
    const unread = await unreadCounts(this.db, a.memberId);
    const payloads = new Map<V, FeedPayload<K> | undefined>();
    for (const { socket, v } of allowed) {
      if (!payloads.has(v)) payloads.set(v, await feed(this.db, a.memberId, a.id, v));
      const payload = payloads.get(v);
      if (!payload) continue;
      // The event name and its payload type are tied by SOCKET_EVENT and MemberSocketEvents; the
      // compiler cannot follow that through the generic kind.
      (socket.emit as (name: string, payload: unknown) => void)(SOCKET_EVENT[a.kind], { ...payload, unread });
    }
  }

  /** The sockets of this process in a room. */
  private socketsIn(room: string): GentieSocket[] {
    const ids = this.io.sockets.adapter.rooms.get(room) ?? new Set<string>();
    return [...ids].map((id) => this.io.sockets.sockets.get(id)).filter((s): s is GentieSocket => s !== undefined);
  }
}
