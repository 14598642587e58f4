import type { Kysely } from 'kysely';
import type { Database } from '../../server/db/database';
import type { HttpClient, Reply } from '../helpers/app';
import { type TestMember, createMember, createTestBoard, createThread } from '../factories';
import { png, upload } from '../uploads/images';

/** The paced actions as the settings registry's LIMITS_* variables name them. */
const ACTIONS = ['THREAD', 'REPLY', 'EDIT', 'REPORT', 'MESSAGE', 'UPLOAD'];

/**
 * Small windows for every paced action, set as an operator would (LIMITS_* variables, README):
 * `member` for members new or not, `address` for an address, each as "burst sustained" rates.
 */
export function smallLimits(member: [string, string], address: [string, string]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const action of ACTIONS) {
    for (const scope of ['MEMBER', 'NEW_MEMBER']) {
      env[`LIMITS_${action}_${scope}_BURST`] = member[0];
      env[`LIMITS_${action}_${scope}_SUSTAINED`] = member[1];
    }
    env[`LIMITS_${action}_ADDRESS_BURST`] = address[0];
    env[`LIMITS_${action}_ADDRESS_SUSTAINED`] = address[1];
  }
  return env;
}

/** One try at a paced action by a member's client; `i` makes each try's text its own. */
export type Act = (c: HttpClient, member: TestMember, i: number, headers?: Record<string, string>) => Promise<Reply>;

/** One way to do each paced action through the API, against fresh targets in `db`. */
export async function pacedActions(db: Kysely<Database>): Promise<Record<string, Act>> {
  const board = await createTestBoard(db);
  const thread = await createThread(db, { board });
  const addressee = await createMember(db);
  return {
    thread: (c, _m, i, h) => c.post(`/api/boards/${board.slug}/threads`, { title: `主題 ${i}` }, h),
    reply: (c, _m, i, h) => c.post(`/api/posts/${thread.id}/replies`, { title: `跟帖 ${i}` }, h),
    edit: async (c, member, i, h) => {
      const own = await createThread(db, { board, author: member });
      return c.request('PATCH', `/api/posts/${own.id}`, { json: { title: `改 ${i}` } }, h);
    },
    report: async (c, _m, i, h) => {
      const post = await createThread(db, { board });
      return c.post(`/api/posts/${post.id}/report`, { reason: `廣告 ${i}` }, h);
    },
    message: (c, _m, i, h) => c.post('/api/messages', { to: addressee.name, title: `你好 ${i}` }, h),
    upload: async (c, _m, i, h) => upload(c, await png(10 + i, 10), { headers: h }),
  };
}
