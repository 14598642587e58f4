import { seedDemo } from '../../demo/seed';
import { resanitizeMessages } from '../../messages/messages.service';
import { resanitizeAll } from '../../posts/posts.body';
import { reindex } from '../../search/search.service';
import { FOLDING_VERSION } from '../../text/search-terms';
import { UsageError, need } from '../args';
import { type AnyCliCommand, command } from '../command';
import { progressBar } from '../progress';

/**
 * The schema and the posts as a whole: migrate (every command on the database migrates first; this
 * one only says so), seed:demo, posts:resanitize, search:reindex.
 */

const nothing = (args: string[]) => need(args, 0, '');

export const POST_COMMANDS: AnyCliCommand[] = [
  command({
    name: 'migrate',
    check: nothing,
    run({ applied, say }) {
      say(applied.length ? `schema up to date (${applied.length} applied)` : 'schema already up to date');
    },
  }),
  command({
    name: 'seed:demo',
    check: nothing,
    async run({ db, say }) {
      await seedDemo(db, say);
    },
  }),
  command({
    name: 'posts:resanitize',
    check: nothing,
    async run({ db, io, say }) {
      const changed = await resanitizeAll(db, progressBar('posts re-rendered', io.stdout));
      // 悄悄話 too: their bodies go through the same formats and allowlist.
      const messages = await resanitizeMessages(db, progressBar('messages re-rendered', io.stdout));
      say(`done: ${changed} bodies changed, ${messages} messages changed`);
    },
  }),
  command({
    name: 'search:reindex',
    check(args, flags) {
      need(args, 0, '');
      const only = flags.get('only');
      if (only !== undefined && only !== 'stale') throw new UsageError('--only takes stale');
    },
    async run({ db, flags, io, say }) {
      const staleOnly = flags.get('only') === 'stale';
      const { indexed } = await reindex(db, { staleOnly }, progressBar(staleOnly ? 'posts checked' : 'posts', io.stdout));
      say(`done: ${indexed} posts indexed (folding version ${FOLDING_VERSION})`);
    },
  }),
];
