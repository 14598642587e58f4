/**
 * The soak's live readers (bench/soak.ts): socket.io clients following threads, and the tally of
 * every reply event against the readers of its thread.
 */
import { type Socket, io } from 'socket.io-client';

export interface Reader {
  socket: Socket;
  thread: string;
  arrivals: Map<string, number>;
  duplicates: number;
}

/** `count` live readers on `base`, spread over the threads `followed`, 50 connecting at a time. */
export async function connectReaders(base: string, followed: { id: string }[], count: number): Promise<Reader[]> {
  const readers: Reader[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, async (_, j) => {
        const thread = followed[(i + j) % followed.length]!.id;
        const socket = io(base, { transports: ['websocket'], forceNew: true, reconnection: false });
        const reader: Reader = { socket, thread, arrivals: new Map(), duplicates: 0 };
        socket.on('post:new', (e: { post: { id: string } }) => {
          if (reader.arrivals.has(e.post.id)) reader.duplicates++;
          else reader.arrivals.set(e.post.id, performance.now());
        });
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        const ack = (await socket.emitWithAck('thread:join', { threadId: thread, variant: 'zh-hant' })) as { seq?: number };
        if (ack.seq === undefined) throw new Error(`thread:join refused: ${JSON.stringify(ack)}`);
        return reader;
      }),
    );
    readers.push(...batch);
  }
  return readers;
}

/** Every reader of a thread gets every reply to it, once: deliveries expected, lost, duplicated, and the lag of each delivered. */
export function tallyEvents(
  readers: Reader[],
  sentReplies: { id: string; thread: string; at: number }[],
): { eventLags: number[]; expected: number; lost: number; duplicated: number } {
  const eventLags: number[] = [];
  let expected = 0;
  let lost = 0;
  let duplicated = 0;
  const byThread = new Map<string, Reader[]>();
  for (const r of readers) byThread.set(r.thread, [...(byThread.get(r.thread) ?? []), r]);
  for (const reply of sentReplies) {
    for (const r of byThread.get(reply.thread) ?? []) {
      expected++;
      const at = r.arrivals.get(reply.id);
      if (at === undefined) lost++;
      else eventLags.push(at - reply.at);
    }
  }
  for (const r of readers) duplicated += r.duplicates;
  return { eventLags, expected, lost, duplicated };
}
