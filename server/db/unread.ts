/**
 * A member's unread 悄悄話 and notifications (and, for moderators, the posts waiting for their
 * review), as every page's header shows them. Counted up to
 * UNREAD_CAP (the header then says "99+"), never over a member's whole history. Free of imports:
 * the event contract (and, through it, the browser module) uses it.
 */
export interface UnreadCounts {
  messages: number;
  notifications: number;
  /**
   * Posts waiting in the review queues of the boards the member moderates (every board for an
   * admin); absent for a member who moderates nothing.
   */
  held?: number;
}

/** Counts stop here; a count at the cap is shown as "99+". */
export const UNREAD_CAP = 100;
