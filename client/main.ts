import { followBoard, followHot, followMember, followThread, topListOf } from './live';
import { readThread } from './reading';

/**
 * The browser module. Every page works without it; with it, the reader gets small comforts:
 * the post a URL's #p<id> points at is highlighted, the reply form keeps what was typed if the tab
 * is closed by mistake (per post, in sessionStorage), and threads and boards update live.
 */

function highlightTarget(): void {
  document.querySelectorAll('.line.target').forEach((el) => el.classList.remove('target'));
  const id = location.hash.slice(1);
  if (!/^p\d+$/.test(id)) return;
  const target = document.getElementById(id);
  // A follow-up in a window not on this page (or nested past its depth cap): the thread page
  // opens the window holding it.
  const url = new URL(location.href);
  if (!target && document.querySelector('section.replies .more-lines, section.replies a.continue') && !url.searchParams.has('at')) {
    url.searchParams.delete('after');
    url.searchParams.set('at', id.slice(1));
    location.replace(url.href);
    return;
  }
  target?.classList.add('target');
}

function keepDrafts(): void {
  for (const form of Array.from(document.querySelectorAll<HTMLFormElement>('form.post-form'))) {
    const key = `gentie-draft:${form.getAttribute('action') ?? ''}`;
    const fields = Array.from(form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[name=title], textarea[name=body]'));
    const saved = sessionStorage.getItem(key);
    if (saved && fields.every((f) => f.value === '')) {
      const values = JSON.parse(saved) as Record<string, string>;
      for (const f of fields) f.value = values[f.name] ?? '';
    }
    form.addEventListener('input', () => {
      sessionStorage.setItem(key, JSON.stringify(Object.fromEntries(fields.map((f) => [f.name, f.value]))));
    });
    form.addEventListener('submit', () => sessionStorage.removeItem(key));
  }
}

window.addEventListener('hashchange', highlightTarget);
highlightTarget();
keepDrafts();

const thread = document.querySelector<HTMLElement>('section.replies[data-thread]');
if (thread) {
  readThread(thread, topListOf(thread));
  followThread(thread);
}
const board = document.querySelector<HTMLElement>('ul.threads[data-board]');
if (board) followBoard(board);
const hot = document.querySelector<HTMLElement>('section.hot[data-period]');
if (hot) followHot(hot);
const header = document.querySelector<HTMLElement>('header.site[data-member]');
if (header) followMember(header);
