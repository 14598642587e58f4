/**
 * The one definition of a "new member": an account less than NEW_MEMBER_HOURS old. Limits that
 * are stricter for newcomers (messages per hour, and whatever later features add) ask this, and
 * nothing else decides it.
 */

/** How long an account counts as new. */
export const NEW_MEMBER_HOURS = 24;

/** True while an account created at `createdAt` is new (at `now`). */
export function isNewMember(createdAt: Date, now: Date = new Date()): boolean {
  return now.getTime() - createdAt.getTime() < NEW_MEMBER_HOURS * 3600_000;
}
