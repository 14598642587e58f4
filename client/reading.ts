/**
 * Reading a big thread (server/posts/posts.windows*.ts): the next window of follow-ups loads in
 * place, folded subtrees stay folded on the reader's next visit (per thread, in localStorage),
 * title-only leaves fold away or everything unfolds at a click, and the keys walk the tree:
 * j / k next and previous line, n the next new one, o folds or unfolds, m loads more. Every part
 * of this works without the module as plain links and <details>; this only makes it quicker.
 */

/** The list a follow-up goes into under a line's item: its folded list, its plain list, or a new one. */
export function childList(item: Element): HTMLUListElement {
  return (
    item.querySelector<HTMLUListElement>(':scope > details.sub > ul') ??
    item.querySelector<HTMLUListElement>(':scope > ul') ??
    item.appendChild(document.createElement('ul'))
  );
}

const foldKey = (threadId: string) => `gentie-fold:${threadId}`;

function readFolds(threadId: string): { folded: string[]; titleOnly: boolean } {
  try {
    const saved = JSON.parse(localStorage.getItem(foldKey(threadId)) ?? '{}') as { folded?: unknown; titleOnly?: unknown };
    const folded = Array.isArray(saved.folded) ? saved.folded.filter((id): id is string => typeof id === 'string' && /^\d+$/.test(id)) : [];
    return { folded, titleOnly: saved.titleOnly === true };
  } catch {
    return { folded: [], titleOnly: false };
  }
}

/** The folded subtrees of a thread, remembered (the 500 most recent folds at most). */
function saveFolds(section: HTMLElement, threadId: string): void {
  const folded = Array.from(section.querySelectorAll<HTMLDetailsElement>('details.sub:not([open]) > summary > .line'))
    .map((line) => line.id.slice(1))
    .slice(-500);
  const titleOnly = section.classList.contains('fold-title-only');
  try {
    if (folded.length === 0 && !titleOnly) localStorage.removeItem(foldKey(threadId));
    else localStorage.setItem(foldKey(threadId), JSON.stringify({ folded, titleOnly }));
  } catch {
    // Storage full or refused: folding still works for this visit.
  }
}

function applyFolds(section: HTMLElement, threadId: string): void {
  const { folded, titleOnly } = readFolds(threadId);
  for (const id of folded) {
    const details = document.getElementById(`p${id}`)?.closest('details.sub');
    if (details instanceof HTMLDetailsElement && section.contains(details)) details.open = false;
  }
  section.classList.toggle('fold-title-only', titleOnly);
}

/**
 * Loads the window a "more follow-ups" link names and puts its lines in place: each subtree under
 * the line it answers (the window repeats those lines as context), the next link after them.
 */
async function loadMore(section: HTMLElement, link: HTMLAnchorElement, topList: () => HTMLUListElement): Promise<void> {
  const holder = link.closest('.more-lines');
  link.setAttribute('aria-busy', 'true');
  link.textContent = section.dataset.loading ?? link.textContent;
  try {
    const response = await fetch(link.href, { headers: { Accept: 'text/html' }, credentials: 'same-origin' });
    if (!response.ok) throw new Error(String(response.status));
    const next = new DOMParser().parseFromString(await response.text(), 'text/html');
    const tree = next.querySelector('section.replies ul.tree');
    if (!tree) throw new Error('no tree');
    // The subtrees that are new here: items that are not context, under context or at the top.
    for (const item of Array.from(tree.querySelectorAll<HTMLLIElement>('li:not(.context)'))) {
      const above = item.parentElement?.closest('li');
      if (above && !above.classList.contains('context')) continue;
      const line = item.querySelector('.line');
      if (line && document.getElementById(line.id)) continue;
      const parentLine = above?.querySelector(':scope > .line');
      const parentItem = parentLine ? document.getElementById(parentLine.id)?.closest('li') : null;
      (parentItem ? childList(parentItem) : topList()).appendChild(document.adoptNode(item));
    }
    const more = next.querySelector('section.replies .more-lines');
    if (more) holder?.replaceWith(document.adoptNode(more));
    else holder?.remove();
    showLater(section);
    applyFolds(section, section.dataset.thread!);
  } catch {
    // Not loaded here: the link still works as a link.
    window.location.href = link.href;
  }
}

/**
 * The lines a reader can see, in display order: not those inside a folded subtree (a closed
 * <details> hides its content with content-visibility, which offsetParent does not notice) nor
 * those hidden by a fold of title-only leaves (display: none).
 */
const visibleLines = (section: HTMLElement) =>
  Array.from(section.querySelectorAll<HTMLElement>('ul.tree .line')).filter(
    (line) => line.offsetParent !== null && !line.closest('details:not([open]) > :not(summary)'),
  );

function focusLine(line: HTMLElement | undefined): void {
  if (!line) return;
  document.querySelectorAll('.line.current').forEach((el) => el.classList.remove('current'));
  line.classList.add('current');
  line.querySelector<HTMLAnchorElement>('a.title, a.tombstone')?.focus();
  line.scrollIntoView({ block: 'nearest' });
}

function keys(section: HTMLElement, more: () => HTMLAnchorElement | null): void {
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement | null;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    const lines = visibleLines(section);
    // The line holding the focus (moved by Tab or a click, too) comes first; else the one the keys left.
    const focused = target?.closest<HTMLElement>('section.replies .line');
    const current = focused && section.contains(focused) ? focused : section.querySelector<HTMLElement>('.line.current');
    const at = current ? lines.indexOf(current) : -1;
    switch (event.key) {
      case 'j':
        focusLine(lines[at + 1]);
        break;
      case 'k':
        focusLine(lines[Math.max(at - 1, 0)]);
        break;
      case 'n': {
        const fresh = lines.filter((line) => line.querySelector('.new-mark'));
        focusLine(fresh.find((line) => lines.indexOf(line) > at) ?? fresh[0]);
        break;
      }
      case 'o': {
        const details = current?.closest('details.sub');
        if (details instanceof HTMLDetailsElement) details.open = !details.open;
        break;
      }
      case 'm':
        more()?.click();
        break;
      default:
        return;
    }
    event.preventDefault();
  });
}

export function readThread(section: HTMLElement, topList: () => HTMLUListElement): void {
  const threadId = section.dataset.thread!;
  applyFolds(section, threadId);
  // Folding is remembered as the reader does it ('toggle' does not bubble: listen as it goes down).
  section.addEventListener(
    'toggle',
    (event) => {
      if ((event.target as Element).matches('details.sub')) saveFolds(section, threadId);
    },
    true,
  );
  const more = () => section.querySelector<HTMLAnchorElement>('.more-lines a[data-more]');
  section.addEventListener('click', (event) => {
    const link = (event.target as Element).closest<HTMLAnchorElement>('.more-lines a[data-more]');
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    void loadMore(section, link, topList);
  });
  for (const button of Array.from(section.querySelectorAll<HTMLButtonElement>('button[data-fold]'))) {
    button.hidden = false;
    button.addEventListener('click', () => {
      if (button.dataset.fold === 'title-only') section.classList.add('fold-title-only');
      else {
        section.classList.remove('fold-title-only');
        section.querySelectorAll<HTMLDetailsElement>('details.sub').forEach((d) => (d.open = true));
      }
      saveFolds(section, threadId);
    });
  }
  keys(section, more);
}

/** Live follow-ups of a page's section waiting in a window not loaded yet, by id. */
const waiting = new WeakMap<HTMLElement, Set<string>>();

/**
 * A live follow-up whose parent is in a window not loaded yet: counted under the tree, "N new in a
 * later part", until a window holding it is loaded (the next window may not be the one). Once no
 * window follows, a follow-up that is not on the page is nested past the depth cap: it is on its
 * own page, not in a later part, and is not counted.
 */
export function countLater(section: HTMLElement, postId: string): void {
  if (!section.querySelector('.more-lines a[data-more]')) return;
  const ids = waiting.get(section) ?? new Set<string>();
  waiting.set(section, ids.add(postId));
  showLater(section);
}

/** Shows how many live follow-ups are still in a later part: those not yet on the page. */
function showLater(section: HTMLElement): void {
  const later = section.querySelector<HTMLElement>('.new-later');
  const ids = waiting.get(section);
  if (!later || !ids) return;
  const more = section.querySelector('.more-lines a[data-more]');
  for (const id of ids) if (!more || document.getElementById(`p${id}`)) ids.delete(id);
  later.dataset.count = String(ids.size);
  later.textContent = (section.dataset.newLater ?? '%d').replace('%d', String(ids.size));
  later.hidden = ids.size === 0;
}
