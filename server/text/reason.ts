import { validationFailed } from '../errors';
import { hasHiddenCharacters } from './title';

/** Longest reason (for a report, an edit, a deletion, a ban), in characters. */
export const REASON_MAX = 500;

/** A reason as stored and shown: spaces collapsed, at most REASON_MAX characters, null when empty. */
export function cleanReason(reason: string | undefined): string | null {
  // Reasons are shown on pages and in the log: no text that hides or reorders what is around it.
  if (reason !== undefined && hasHiddenCharacters(reason)) {
    throw validationFailed('reason', { kind: 'hiddenCharacters' }, 'reason: no control, zero-width or text-direction characters.');
  }
  const r = reason?.replace(/\s+/g, ' ').trim() ?? '';
  if ([...r].length > REASON_MAX)
    throw validationFailed('reason', { kind: 'tooLong', max: REASON_MAX }, `reason: at most ${REASON_MAX} characters.`);
  return r || null;
}
