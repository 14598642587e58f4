import { AppError } from '../errors';

/** The refusals of posting that more than one way of writing a post answers with. */

/**
 * Deepest follow-up (a root is depth 0). Each level adds 8 bytes to the post's path, and the
 * (thread_id, path) index entry holds a path of about 817 ids at most (PostgreSQL's 2,704-byte
 * btree limit, after compression, whatever the ids' size): beyond that the insert itself fails.
 * 500 leaves room for any id and compression; a reply below it is refused with TooDeep.
 */
export const MAX_DEPTH = 500;

/** The refusal of a follow-up to a post at MAX_DEPTH. */
export const tooDeep = () =>
  new AppError(409, 'TooDeep', `Follow-ups nest at most ${MAX_DEPTH} levels deep: reply to a post higher up the thread.`, {
    params: { max: MAX_DEPTH },
  });

/** The refusal of the same post again (posts.content_hash) within the duplicate window. */
export const duplicatePost = (what: 'reply' | 'thread', seconds: number) =>
  new AppError(
    409,
    'DuplicatePost',
    what === 'reply'
      ? 'You already posted this same follow-up here a moment ago.'
      : 'You already started a thread with this same title and text on this board a moment ago.',
    { params: { what, minutes: Math.ceil(seconds / 60) } },
  );

/** The refusal of a follow-up in slow mode: 429, with when to try again. */
export const slowMode = (seconds: number, wait: number) =>
  new AppError(429, 'SlowMode', `This thread is in slow mode: one follow-up per ${seconds} seconds per member. Try again in ${wait} s.`, {
    params: { seconds, wait },
    retryAfter: wait,
  });
