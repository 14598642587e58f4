import type { Member } from '../../server/db/member';
import type { Rules } from '../../server/policy/policy';
import { createThread, reply } from '../../server/posts/posts.service';
import { getPostWindow } from '../../server/posts/posts.windows';
import { type TestApp, startTestApp } from '../helpers/app';
import { createMember, createTestBoard } from '../factories';
import { unpaced } from '../../server/limits/paced';

// A thread page's window says what the viewer may do to the post (`can`), so pages show only those buttons.

/** What the viewer may do to the post, as its page (getPostWindow, first window) is told. */
async function canOn(id: string, viewer: Member | null, rules?: Rules) {
  const answer = await getPostWindow(app.db, id, viewer, { size: 50, depthCap: 12, rules });
  if (!('window' in answer)) throw new Error('expected a window');
  return answer.window.can;
}

let app: TestApp;
let author: Member;
let other: Member;
let moderator: Member;
let rootId: string;
let replyId: string;

beforeAll(async () => {
  app = await startTestApp();
  const suffix = Math.random().toString(36).slice(2, 6);
  author = await createMember(app.db, { name: `author_${suffix}` });
  other = await createMember(app.db, { name: `other_${suffix}` });
  moderator = await createMember(app.db, { name: `mod_${suffix}` });
  const board = await createTestBoard(app.db, { moderators: [moderator.name] });
  rootId = (await createThread(app.db, author, board.slug, { title: '主帖' }, unpaced)).id;
  replyId = (await reply(app.db, author, rootId, { title: '跟帖' }, unpaced)).id;
});
afterAll(() => app.close());

describe('what a viewer may do to a post', () => {
  it('gives a reader who is not logged in no actions', async () => {
    expect(await canOn(rootId, null)).toBeNull();
  });

  it('lets the author edit and delete, not report, lock, pin or feature', async () => {
    expect(await canOn(rootId, author)).toEqual({
      edit: true,
      delete: true,
      restore: false,
      lock: false,
      pin: false,
      feature: false,
      report: false,
    });
  });

  it('lets another member only report', async () => {
    expect(await canOn(rootId, other)).toEqual({
      edit: false,
      delete: false,
      restore: false,
      lock: false,
      pin: false,
      feature: false,
      report: true,
    });
  });

  it('lets a moderator change the thread from its root only', async () => {
    const root = await canOn(rootId, moderator);
    const followUp = await canOn(replyId, moderator);
    expect(root).toMatchObject({ edit: true, delete: true, lock: true, pin: true, feature: true, report: true });
    expect(followUp).toMatchObject({ edit: true, delete: true, lock: false, pin: false, feature: false });
  });

  it('closes the author’s edit after the edit window of the rules', async () => {
    expect(await canOn(rootId, author, { editWindowMinutes: -1 })).toMatchObject({ edit: false, delete: true });
  });
});
