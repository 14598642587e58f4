import { THREAD_EVENT_KINDS, type ThreadEventKind, type ThreadStateKind } from '../../server/db/thread-events.kinds';
import {
  SOCKET_EVENT_OF,
  type SocketEventTable,
  type ThreadEvent,
  type ThreadEventOn,
  type ThreadSocketEvent,
} from '../../server/realtime/realtime.events';
import { emitThreadEvent } from '../../server/realtime/realtime.rooms';

// Compile-time checks, run by `npm run build` (tsc): the build fails if either assignment marked
// below as an expected error ever compiles, or if a payload type is not what the mapping says.
// @ts-expect-error a kind without a socket event does not compile
const missing: SocketEventTable = { 'post:new': 'post:new' };
// @ts-expect-error a post kind cannot go out as a thread state
const misrouted: SocketEventTable = { ...SOCKET_EVENT_OF, 'post:edit': 'thread:state' };
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const payloadKinds: [
  Equal<ThreadEventOn<'post:new'>['kind'], 'post:new'>,
  Equal<ThreadEventOn<'post:edit'>['kind'], 'post:edit' | 'post:restore'>,
  Equal<ThreadEventOn<'post:delete'>['kind'], 'post:delete'>,
  Equal<ThreadEventOn<'thread:state'>['kind'], ThreadStateKind>,
] = [true, true, true, true];
void [missing, misrouted, payloadKinds];

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
  'thread:slow': 'thread:state',
};

const post = {
  id: '2',
  threadId: '1',
  parentId: '1',
  depth: 1,
  title: 't',
  body: '',
  bytes: 0,
  author: { name: 'a', role: 'member' },
  createdAt: '',
  editedAt: null,
  editedBy: null,
  deleted: false,
  replyCount: 0,
};
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
