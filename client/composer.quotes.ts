/**
 * Quotes (引用) in the composer: a quote of a post in source form (server/text/quotes.ts, which the
 * reply page uses without this module), from the page's 引用 links (the selection, else the first
 * paragraph) or, for a post the page shows only as a line, read over the JSON API.
 */
import { type Composer, errorOf, replaceSelection, say } from './composer.core';

/** Puts `text` into a composer at its caret (on lines of its own), then focuses it. */
function insertQuote(c: Composer, text: string): void {
  const { body } = c;
  const before = body.value.slice(0, body.selectionStart);
  const lead = before === '' || before.endsWith('\n\n') ? '' : before.endsWith('\n') ? '\n' : '\n\n';
  replaceSelection(c, lead + text);
  c.form.scrollIntoView({ block: 'nearest' });
}

/** A quote of a post in source form (server/text/quotes.ts quoteSource, which the reply page uses without this module). */
function quoteOf(author: string, postId: string, text: string, wrote: string): string {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .map((line) => `> ${line}`.replace(/\s+$/, ''));
  return `> [${author}](/t/${postId}) ${wrote}\n${lines.join('\n')}\n\n`;
}

/** The reader's selection when it lies within `within`, as text. */
function selectionIn(within: Element): string {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return '';
  const range = selection.getRangeAt(0);
  return within.contains(range.commonAncestorContainer) ? selection.toString() : '';
}

/** A body's first paragraph of its own (not of a quote in it), as text. */
function firstParagraphOf(body: Element | null): string {
  const block = body?.querySelector<HTMLElement>(':scope > p, :scope > ul > li, :scope > ol > li, :scope > pre');
  return block?.innerText.trim() ?? '';
}

/**
 * 引用 on a post's page: a quote of the post (the selected part of it, else its first paragraph,
 * else its title) goes into the page's reply form instead of opening the reply page.
 */
export function quoteLinks(reply: Composer): void {
  for (const link of Array.from(document.querySelectorAll<HTMLAnchorElement>('a.quote-post[data-post]'))) {
    link.addEventListener('click', (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      const article = link.closest('article');
      const body = article?.querySelector('.body') ?? null;
      const text = (body && selectionIn(body)) || firstParagraphOf(body) || article?.querySelector('h1')?.textContent?.trim() || '';
      insertQuote(reply, quoteOf(link.dataset.author ?? '', link.dataset.post ?? '', text, reply.words.wrote));
    });
  }
}

/** Quotes a post the page shows only as a line: its body read over the JSON API, in the page's variant. */
export async function quotePost(c: Composer, postId: string): Promise<void> {
  const variant = c.form.dataset.variant;
  try {
    const response = await fetch(`/api/posts/${postId}?limit=1${variant ? `&variant=${variant}` : ''}`, {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    });
    if (!response.ok) return say(c, await errorOf(response), true);
    const { post } = (await response.json()) as { post: { title: string; body: string; author: { name: string } } };
    const body = new DOMParser().parseFromString(`<div class="body">${post.body}</div>`, 'text/html').querySelector('.body');
    // innerText needs layout: the parsed document has none, so the paragraph's text is read by hand.
    const block = body?.querySelector(':scope > p, :scope > ul > li, :scope > ol > li, :scope > pre');
    block?.querySelectorAll('br').forEach((br) => br.replaceWith('\n'));
    const text = block?.textContent?.trim() || post.title;
    insertQuote(c, quoteOf(post.author.name, postId, text, c.words.wrote));
  } catch {
    say(c, c.words.offline, true);
  }
}
