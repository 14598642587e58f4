/**
 * What the soak sends (bench/soak.ts): the kinds of request and their shares, the members who
 * write, and each request as a kind makes it, to threads as the mix spreads them (soak.mix.ts).
 */
import { cjkTitle } from './shape';
import type { ThreadMix } from './soak.mix';

/** The target rate: 200 requests/s with 500 live readers. */
export const TARGET_RATE = 200;

/** The kinds of request, their share of the mix (out of 100) and the status they must get. */
export const MIX = [
  { kind: 'board index', weight: 8 },
  { kind: 'board page', weight: 10 },
  { kind: 'thread (warm)', weight: 24 },
  { kind: 'thread zh-hans', weight: 8 },
  { kind: 'thread member', weight: 10 },
  { kind: 'thread api', weight: 10 },
  { kind: 'search', weight: 6 },
  { kind: 'hot', weight: 6 },
  { kind: 'reply', weight: 12 },
  { kind: 'new thread', weight: 2 },
  { kind: 'edit', weight: 4 },
] as const;
export type Kind = (typeof MIX)[number]['kind'];

const SEARCH_WORDS = ['跟帖', '測試', '論壇', '軟件', '天氣', '討論', 'soak'];

export interface Writer {
  name: string;
  cookie: string;
  /** The member's own posts, newest last: what an edit changes. */
  posts: string[];
}

/** One request as a kind makes it, and what its answer must be. */
export interface SoakRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  expect: number;
  writer?: Writer;
  /** A reply's thread; a new thread's board. */
  thread?: string;
  board?: string;
}

/** Titles and bodies as the writers write them, numbered in order (the seeding's and the soak's alike). */
export function soakTexts(random: () => number): { title: () => string; bodyText: () => string } {
  let serial = 0;
  const title = () => `${cjkTitle(random).slice(0, 20)} #${++serial}`;
  const bodyText = () => `<p>長跑測試 ${serial}：${SEARCH_WORDS[serial % SEARCH_WORDS.length]}，${cjkTitle(random)}</p>`;
  return { title, bodyText };
}

/** The request each kind makes, and the next kind as the mix's weights draw it. */
export function soakRequests(
  random: () => number,
  writers: Writer[],
  boards: string[],
  mix: ThreadMix,
  { title, bodyText }: ReturnType<typeof soakTexts>,
): { request: (kind: Kind) => SoakRequest; nextKind: () => Kind } {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  const plain = { 'accept-language': 'zh-TW' };
  const request = (kind: Kind): SoakRequest => {
    const thread = mix.readTarget();
    switch (kind) {
      case 'board index':
        return { method: 'GET', path: '/', headers: plain, expect: 200 };
      case 'board page':
        return { method: 'GET', path: `/b/${pick(boards)}`, headers: plain, expect: 200 };
      case 'thread (warm)':
        return { method: 'GET', path: `/t/${thread.id}`, headers: plain, expect: 200 };
      case 'thread zh-hans':
        return { method: 'GET', path: `/zh-hans/t/${thread.id}`, headers: plain, expect: 200 };
      case 'thread member':
        return { method: 'GET', path: `/t/${thread.id}`, headers: { cookie: pick(writers).cookie }, expect: 200 };
      case 'thread api':
        return { method: 'GET', path: `/api/posts/${thread.id}?limit=50`, headers: {}, expect: 200 };
      case 'search':
        return { method: 'GET', path: `/api/search?q=${encodeURIComponent(pick(SEARCH_WORDS))}`, headers: {}, expect: 200 };
      case 'hot':
        return { method: 'GET', path: `/api/hot?board=${pick(boards)}`, headers: {}, expect: 200 };
      case 'reply': {
        const writer = pick(writers);
        const target = mix.replyTarget();
        return {
          method: 'POST',
          path: `/api/posts/${target.parent}/replies`,
          thread: target.thread,
          headers: { cookie: writer.cookie },
          body: { title: title(), body: bodyText() },
          expect: 201,
          writer,
        };
      }
      case 'new thread': {
        const writer = pick(writers);
        const board = pick(boards);
        return {
          method: 'POST',
          path: `/api/boards/${board}/threads`,
          board,
          headers: { cookie: writer.cookie },
          body: { title: title(), body: bodyText() },
          expect: 201,
          writer,
        };
      }
      case 'edit': {
        const writer = pick(writers);
        return {
          method: 'PATCH',
          path: `/api/posts/${writer.posts.at(-1 - Math.floor(random() * Math.min(3, writer.posts.length)))}`,
          headers: { cookie: writer.cookie },
          body: { body: bodyText(), reason: '長跑' },
          expect: 200,
        };
      }
    }
  };
  const totalWeight = MIX.reduce((s, m) => s + m.weight, 0);
  const nextKind = (): Kind => {
    let r = random() * totalWeight;
    for (const m of MIX) if ((r -= m.weight) < 0) return m.kind;
    return MIX[0].kind;
  };

  return { request, nextKind };
}
