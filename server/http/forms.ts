import type { Response } from 'express';
import { AppError } from '../errors';

/**
 * Answers a refused form post with the form's page again: the member's input kept and the refusal
 * above the form in the reader's script (`render` puts it there, with views/layout's Refusal),
 * under the refusal's status and Retry-After. Every form that is shown again goes through here.
 *
 * What a form cannot answer goes on to the error page: anything unexpected (5xx) and a missing or
 * expired login (whose error page links to the login form). `render` loads the page as a GET of
 * it would, so a page that is gone, or that the member may not see, throws its own refusal
 * instead of being shown: a refused edit of a post one may not edit shows no edit form.
 */
export async function refusedForm(res: Response, error: unknown, render: (refusal: AppError) => string | Promise<string>): Promise<void> {
  if (!(error instanceof AppError) || error.status >= 500 || error.code === 'NotLoggedIn' || error.code === 'SessionExpired') throw error;
  const page = await render(error);
  if (error.retryAfter) res.set('Retry-After', String(error.retryAfter));
  res.status(error.status).type('html').send(page);
}

/** A posted field as typed, to be shown again: text only (undefined when absent or not text, such as an object sent as JSON). */
export function formText(body: unknown, name: string): string | undefined {
  const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}
