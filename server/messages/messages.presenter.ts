import type { TextCache } from '../caches';
import { localized, localizedTitles, shownName, shownOn, textFor } from '../text/localize';
import type { Variant } from '../variants';
import type { Message } from './messages.service';

/**
 * Messages in the reader's script, and in the JSON contract. A message's title and body are
 * converted like a post's (text/localize.ts, the app's conversion cache); messages never change,
 * so each is cached under its own key ("m" and its id, revision 0), apart from posts'. The member
 * names are never converted, but for 已註銷用戶 (a deleted account), shown in the reader's script (shownName).
 */

/** The message with its two members' names as shownName gives them. */
const withShownNames = (m: Message, reader: Variant | undefined): Message => ({
  ...m,
  from: { ...m.from, name: shownName(m.from.name, reader) },
  to: { ...m.to, name: shownName(m.to.name, reader) },
});

// A 悄悄話 is on no board: the site's glossary applies.
const convertible = (m: Message) => ({ id: `m${m.id}`, revision: 0, variant: m.variant, title: m.title, body: m.body, board_id: null });

/** The quoted post's title in the reader's variant, by its board's glossary. */
function quotedIn(cache: TextCache, m: Message, reader: Variant | undefined): Message['quotedPost'] {
  const q = m.quotedPost;
  return q && q.title ? { ...q, title: textFor(shownOn(cache, q.boardId), q.title, q.variant, reader) } : q;
}

/** One message, title and body, in the reader's variant (undefined: as written). */
export function messageInVariant(cache: TextCache, m: Message, reader: Variant | undefined): Message {
  const { title, body } = localized(cache, convertible(m), reader);
  return { ...withShownNames(m, reader), title, body, quotedPost: quotedIn(cache, m, reader) };
}

/** Many messages, titles only, in the reader's variant (lists that show no bodies). */
export function titlesInVariant(cache: TextCache, messages: Message[], reader: Variant | undefined): Message[] {
  const titles = localizedTitles(cache, messages.map(convertible), reader);
  return messages.map((m, i) => ({ ...withShownNames(m, reader), title: titles[i]!.title }));
}

/** Many messages, titles and bodies, in the reader's variant. */
export function allInVariant(cache: TextCache, messages: Message[], reader: Variant | undefined): Message[] {
  return messages.map((m) => messageInVariant(cache, m, reader));
}

/** A message in the JSON contract. */
export function presentMessage(m: Message) {
  return {
    id: m.id,
    conversationId: m.conversationId,
    from: m.from,
    to: m.to,
    title: m.title,
    body: m.body,
    bytes: m.bytes,
    quotedPost: m.quotedPost ? { id: m.quotedPost.id, title: m.quotedPost.title } : null,
    createdAt: m.createdAt.toISOString(),
    readAt: m.readAt?.toISOString() ?? null,
  };
}
