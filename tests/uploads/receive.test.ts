import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { sha256OffThread } from '../../server/uploads/uploads.images';
import { feedInTurns } from '../../server/uploads/uploads.receive';

// What an upload moves off the event loop's long runs (docs/performance.md, "Uploads"): the body
// handed to the parser one chunk per turn of the loop, and the content hash computed on the
// thread pool.

/** A body whose chunks are all there at once, as a socket's are when many arrived together. */
const arrived = (chunks: Buffer[]) =>
  new Readable({
    read() {
      for (const chunk of chunks.splice(0)) this.push(chunk);
      this.push(null);
    },
  });

/** A parser that keeps what it is given, in order, noting each write among other events. */
function recorder(events: string[], highWaterMark = 1 << 20) {
  const got: Buffer[] = [];
  const sink = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      got.push(chunk);
      events.push('chunk');
      done();
    },
  });
  return { sink, got };
}

describe('feedInTurns', () => {
  it('hands every chunk over in order, and lets the loop take turns between them', async () => {
    const chunks = Array.from({ length: 40 }, () => randomBytes(64 * 1024));
    const whole = Buffer.concat(chunks);
    const events: string[] = [];
    const { sink, got } = recorder(events);
    const finished = new Promise((resolve) => sink.on('finish', resolve));
    // Other work waiting for a turn: a tick each time the loop comes round.
    let ticking = true;
    const tick = () => {
      events.push('turn');
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    feedInTurns(arrived(chunks), sink);
    await finished;
    ticking = false;
    expect(Buffer.concat(got).equals(whole)).toBe(true);
    // Never two chunks without a turn of the loop between them.
    const firstChunk = events.indexOf('chunk');
    const sequence = events.slice(firstChunk, events.lastIndexOf('chunk') + 1).join(' ');
    expect(sequence).not.toContain('chunk chunk');
    expect(events.filter((e) => e === 'turn').length).toBeGreaterThanOrEqual(39);
  });

  it('waits for a parser that asks it to (write answering false) before the next chunk', async () => {
    const events: string[] = [];
    let drains = 0;
    const slow = new Writable({
      highWaterMark: 16,
      write(_chunk: Buffer, _encoding, done) {
        events.push('chunk');
        setTimeout(() => {
          drains++;
          done();
        }, 5);
      },
    });
    const finished = new Promise((resolve) => slow.on('finish', resolve));
    feedInTurns(arrived(Array.from({ length: 5 }, () => Buffer.alloc(100, 1))), slow);
    await finished;
    expect(events).toHaveLength(5);
    expect(drains).toBe(5);
  });
});

describe('sha256OffThread', () => {
  it('is the sha256 of the bytes, in hex', async () => {
    for (const data of [Buffer.alloc(0), Buffer.from('跟帖'), randomBytes(3 * 1024 * 1024)]) {
      expect(await sha256OffThread(data)).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });
});
