import type { Response } from 'express';
import { type SafeHtml, htmlBytes } from './html';

/**
 * Sends a page built as markup: its bytes encoded a piece at a time (server/views/html.ts
 * htmlBytes), never joined into one string first. What `res.send(string)` would set, it sets.
 */
export function sendMarkup(res: Response, markup: SafeHtml): void {
  res.type('html').send(htmlBytes(markup));
}
