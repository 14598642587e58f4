import { createBoard } from '../../server/boards/boards.service';
import { AppError } from '../../server/errors';
import { type TestDatabase, createTestDatabase } from '../helpers/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(AppError);
      return error as AppError;
    },
  );

describe('createBoard', () => {
  it.each([
    ['a right-to-left override in the description', { description: '家長\u202e里短' }],
    ['a left-to-right isolate in the description', { description: '\u2066家長里短' }],
    ['a zero-width space in the description', { description: '家長\u200b里短' }],
    ['a NUL in the description', { description: '家長\u0000里短' }],
    ['an escape in the description', { description: '\u001b[31m家長' }],
    ['a right-to-left override in the name', { name: '生活\u202e百態' }],
    ['a NUL in the name', { name: '生活\u0000' }],
    ['a description over 500 characters', { description: '長'.repeat(501) }],
  ])('refuses %s with 400, creating nothing', async (_what, overrides) => {
    const slug = `b${Math.random().toString(36).slice(2, 8)}`;
    const error = await refusal(createBoard(database.db, { slug, name: '生活百態', description: '家長里短', ...overrides }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('ValidationFailed');
    expect(await database.db.selectFrom('boards').select('id').where('slug', '=', slug).executeTakeFirst()).toBeUndefined();
  });

  it('takes a plain name and description, trimmed', async () => {
    const board = await createBoard(database.db, { slug: 'life', name: ' 生活百態 ', description: ' 家長里短，雞毛蒜皮 ' });
    expect(board).toMatchObject({ slug: 'life', name: '生活百態', description: '家長里短，雞毛蒜皮' });
  });
});
