import { followBoard, followHot, followMember, followThread, topListOf } from './live';
import { readThread } from './reading';
import { composers } from './composer';

/**
 * The browser module. Every page works without it; with it, the reader gets small comforts:
 * the post a URL's #p<id> points at is highlighted, posting forms become a composer (client/
 * composer.ts: toolbar, preview, byte count, drafts, images, quotes, reply in place), and threads
 * and boards update live.
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

window.addEventListener('hashchange', highlightTarget);
highlightTarget();
composers();

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
