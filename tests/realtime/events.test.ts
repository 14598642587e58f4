import { THREAD_EVENT_KINDS, type ThreadEventKind } from '../../server/events/thread-events.kinds';
import { SOCKET_EVENT_OF, type ThreadEvent, type ThreadSocketEvent } from '../../server/realtime/realtime.events';
import { emitThreadEvent } from '../../server/realtime/realtime.rooms';

// The mapping is exhaustive by its type; these lines are compiled by `npm run build` (tsc), which
// fails if either assignment ever compiles.
// @ts-expect-error a kind without a socket event does not compile
const missing: typeof SOCKET_EVENT_OF = { 'post:new': 'post:new' };
// @ts-expect-error a post kind cannot go out as a thread state
const misrouted: typeof SOCKET_EVENT_OF = { ...SOCKET_EVENT_OF, 'post:edit': 'thread:state' };
void [missing, misrouted];

const EXPECTED: Record<ThreadEventKind, ThreadSocketEvent> = {
  'post:new': 'post:new',
  'post:edit': 'post:edit',
  'post:restore': 'post:edit',
  'post:delete': 'post:delete',
  'thread:lock': 'thread:state',
  'thread:unlock': 'thread:state',
  'thread:pin': 'thread:state',
  'thread:unpin': 'thread:state',
  'thread:feature': 'thread:state',
  'thread:unfeature': 'thread:state',
};

const post = { id: '2', threadId: '1', parentId: '1', depth: 1, title: 't', body: '', bytes: 0, author: { name: 'a', role: 'member' }, createdAt: '', editedAt: null, editedBy: null, deleted: false, replyCount: 0 };
const eventOf = (kind: ThreadEventKind): ThreadEvent =>
  kind.startsWith('post:')
    ? ({ threadId: '1', seq: 2, kind, post, html: '<p></p>' } as ThreadEvent)
    : ({ threadId: '1', seq: 2, kind, locked: true, pinned: false, featured: false } as ThreadEvent);

describe('the socket event of each thread event kind', () => {
  it('covers every kind, and nothing else', () => {
    expect(Object.keys(SOCKET_EVENT_OF).sort()).toEqual([...THREAD_EVENT_KINDS].sort());
  });

  it.each(THREAD_EVENT_KINDS)('sends %s as the event readers handle it', (kind) => {
    expect(SOCKET_EVENT_OF[kind]).toBe(EXPECTED[kind]);
    const sent: Array<[string, unknown]> = [];
    const e = eventOf(kind);
    emitThreadEvent({ emit: (name: string, payload: unknown) => sent.push([name, payload]) }, e);
    expect(sent).toEqual([[EXPECTED[kind], e]]);
  });
});
