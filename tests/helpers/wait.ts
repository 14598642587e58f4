import type { Socket } from 'socket.io-client';

/**
 * Waiting on what a test is about rather than on the clock: the suite runs on a loaded, shared
 * machine, where a fixed sleep is either too short (a flake) or far too long (a slow suite).
 */

/**
 * Polls `check` (sync or async) until it returns something truthy, and returns that; fails after
 * `ms` naming `what` and the last value seen.
 */
export async function until<T>(check: () => T | Promise<T>, what: string, ms = 15_000, every = 20): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}; last saw ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/**
 * The next `name` event on `socket` whose payload passes `match` (any, by default); fails after
 * `ms`. Ask for it before causing the event, so that it cannot be missed.
 */
export function nextEvent<T>(socket: Socket, name: string, match: (payload: T) => boolean = () => true, ms = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(name, listener);
      reject(new Error(`no ${name} event in ${ms} ms`));
    }, ms);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(name, listener);
      resolve(payload);
    };
    socket.on(name, listener);
  });
}

/**
 * Waits until the clock has passed `httpDate` (a Last-Modified value, in whole seconds): whatever
 * changes after this is stamped later than the date. Most often no wait at all; under a second at worst.
 */
export async function clockPast(httpDate: string): Promise<void> {
  const ms = Date.parse(httpDate) + 1 - Date.now();
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}
