/**
 * The one definition of a "new member": an account younger than the registry's
 * limits.newMemberHours (24 by default). Limits that are stricter for newcomers (every paced
 * action's, server/limits/paced.ts) ask this, and nothing else decides it.
 */
import { SETTINGS } from '../settings/settings';

/** How long an account counts as new by default (LIMITS_NEW_MEMBER_HOURS changes it). */
export const NEW_MEMBER_HOURS = SETTINGS['limits.newMemberHours'].default;

/** True while an account created at `createdAt` is new (at `now`), for accounts new for `hours`. */
export function isNewMember(createdAt: Date, now: Date = new Date(), hours: number = NEW_MEMBER_HOURS): boolean {
  return now.getTime() - createdAt.getTime() < hours * 3600_000;
}
