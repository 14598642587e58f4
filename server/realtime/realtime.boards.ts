import type { LoadedPostEvent, Renderer, V } from './realtime.render';
import { type GentieSocket, type RealtimeServer, boardRoom, variantsWithReaders } from './realtime.rooms';

/**
 * Board index readers (room `b:<boardId>:<variant>`): each new thread and follow-up on the board
 * goes to them, rendered in their variant. Thread delivery hands every post:new it reads to
 * `publish`.
 */
export class BoardFeed {
  /** The slug of each board followed on this process (board:join is the only way into a board room). */
  private readonly slugs = new Map<string, string>();

  constructor(
    private readonly io: RealtimeServer,
    private readonly render: Renderer,
  ) {}

  /** Puts a socket among a board's index readers, in a variant. */
  async follow(socket: GentieSocket, board: { id: string; slug: string }, v: V): Promise<void> {
    this.slugs.set(board.id, board.slug);
    await socket.join(boardRoom(board.id, v));
  }

  /** True when the board has index readers on this process. */
  hasReaders(boardId: string): boolean {
    return variantsWithReaders(this.io, (v) => boardRoom(boardId, v)).length > 0;
  }

  /** Sends a new thread or follow-up to its board's readers here. */
  publish(e: LoadedPostEvent<'post:new'>): void {
    const { boardId, threadId } = e.post;
    const variants = variantsWithReaders(this.io, (v) => boardRoom(boardId, v));
    const boardSlug = this.slugs.get(boardId) ?? '';
    for (const v of variants) this.io.to(boardRoom(boardId, v)).emit('board:activity', { ...this.render.post(threadId, e, v), boardSlug });
  }
}
