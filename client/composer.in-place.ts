/**
 * Reply in place, on a thread page: a "回覆" button under each follow-up line opens a copy of the
 * page's reply form under it, addressed to that post; it sends over the JSON API and closes, and
 * the follow-up then arrives live, as everyone else's do (client/live.ts).
 */
import { type Composer, type Words, errorOf, fill, formatOf, say } from './composer.core';
import { dropDraft } from './composer.drafts';
import { quotePost } from './composer.quotes';

/** Sets up a posting form as a composer (composer.ts setUpComposer, passed in: it holds this module's parts). */
export type SetUp = (form: HTMLFormElement) => Composer | undefined;

/** Whether a line can be answered in place: a post's line, not a tombstone nor a held post. */
const answerable = (line: HTMLElement) => /^p\d+$/.test(line.id) && !line.classList.contains('deleted');

/**
 * The reply box under follow-up lines of a thread page: each line gets a "回覆" button; it opens
 * a copy of the page's reply form under the line, addressed to that post, which sends over the
 * JSON API and closes; the follow-up then comes back live into the tree.
 */
export function replyInPlace(section: HTMLElement, pageForm: HTMLFormElement, words: Words, setUp: SetUp): void {
  const addButtons = () => {
    for (const line of Array.from(section.querySelectorAll<HTMLElement>('ul.tree .line:not([data-reply-here])'))) {
      line.dataset.replyHere = '';
      if (!answerable(line)) continue;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'reply-here';
      button.textContent = words.replyHere;
      button.dataset.post = line.id.slice(1);
      line.after(button);
    }
  };
  addButtons();
  // Lines that arrive live or with the next window get theirs as they come.
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      addButtons();
    });
  }).observe(section, { childList: true, subtree: true });

  section.addEventListener('click', (e) => {
    const button = (e.target as Element).closest<HTMLButtonElement>('button.reply-here');
    if (!button) return;
    // Inside a fold's summary the click would fold the subtree too.
    e.preventDefault();
    const postId = button.dataset.post!;
    const open = section.querySelector<HTMLFormElement>(`form[data-in-place="${postId}"]`);
    if (open) return void open.querySelector<HTMLInputElement>('input[name=title]')?.focus();
    const line = document.getElementById(`p${postId}`);
    if (!line) return;
    const details = button.closest('details');
    if (details instanceof HTMLDetailsElement) details.open = true;
    openBox(button, postId, line.querySelector('a.title')?.textContent ?? '', pageForm, words, setUp);
  });
}

/** Opens the reply box for `postId` after `after` (its line's button). */
function openBox(after: Element, postId: string, title: string, pageForm: HTMLFormElement, words: Words, setUp: SetUp): void {
  const form = pageForm.cloneNode(true) as HTMLFormElement;
  form.classList.add('in-place');
  form.dataset.inPlace = postId;
  form.dataset.draft = `/t/${postId}/reply`;
  form.action = pageForm.action.replace(/\/t\/\d+\/reply$/, `/t/${postId}/reply`);
  form.setAttribute('aria-label', fill(words.replyTo, { s: title }));
  form.querySelectorAll('.error-message, section.preview, .discard-draft').forEach((el) => el.remove());
  form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[name=title], textarea[name=body]').forEach((f) => (f.value = ''));
  const heading = document.createElement('p');
  heading.className = 'in-place-heading';
  heading.textContent = fill(words.replyTo, { s: title });
  form.prepend(heading);
  const actions = form.querySelector('.form-actions');
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'cancel';
  cancel.textContent = words.cancel;
  cancel.addEventListener('click', () => form.remove());
  const quote = document.createElement('button');
  quote.type = 'button';
  quote.className = 'quote-parent';
  quote.textContent = words.quoteParent;
  actions?.querySelector('button[type=submit]:not([name])')?.after(' ', cancel, ' ', quote);
  after.after(form);
  const c = setUp(form);
  if (!c) return;
  quote.addEventListener('click', () => void quotePost(c, postId));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void sendInPlace(c, postId);
  });
  c.title?.focus();
}

/** Sends a reply box's follow-up; on success the box closes (the follow-up arrives live). */
async function sendInPlace(c: Composer, postId: string): Promise<void> {
  const send = c.form.querySelector<HTMLButtonElement>('button[type=submit]:not([name])');
  if (send?.disabled) return;
  if (c.title && !c.title.reportValidity()) return;
  if (send) send.disabled = true;
  say(c, c.words.sending);
  try {
    const response = await fetch(`/api/posts/${postId}/replies`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ title: c.title?.value ?? '', body: c.body.value, format: formatOf(c) }),
    });
    if (response.status === 201 || response.status === 202) {
      dropDraft(c.form);
      if (response.status === 202) {
        const notice = document.createElement('p');
        notice.className = 'held-notice';
        notice.setAttribute('role', 'status');
        notice.textContent = c.words.held;
        c.form.before(notice);
      }
      c.form.remove();
      return;
    }
    say(c, await errorOf(response), true);
  } catch {
    say(c, c.words.offline, true);
  } finally {
    if (send) send.disabled = false;
  }
}
