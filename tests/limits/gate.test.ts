import { createGate } from '../../server/limits/gate';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('createGate', () => {
  it('runs at most `concurrency` tasks at once, the rest in arrival order', async () => {
    const gate = createGate(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        gate(async () => {
          running++;
          most = Math.max(most, running);
          await tick();
          order.push(i);
          running--;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses with 503 ServerBusy once its queue is full, and frees the slot of a failed task', async () => {
    const gate = createGate(1, 1);
    const first = gate(tick);
    const second = gate(tick);
    await expect(gate(tick)).rejects.toMatchObject({ status: 503, code: 'ServerBusy', retryAfter: 5 });
    await Promise.all([first, second]);
    await expect(gate(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate(async () => 'ran')).resolves.toBe('ran');
  });
});
