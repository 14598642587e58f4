/**
 * The one definition of a "new member" (issue 14, trust levels): an account younger than the
 * registry's limits.newMemberHours (24 by default) or with fewer than limits.newMemberPosts posts
 * accepted (written, not deleted); past both thresholds a member is trusted automatically. An
 * admin may settle it by hand (users.trust, `member:trust`): 'trusted' is never new, 'untrusted'
 * always. Site moderators and admins are never new. Limits that are stricter for newcomers
 * (every paced action's, server/limits/paced.ts; the link and image caps of posts; links in
 * profiles) ask this, and nothing else decides it.
 */
import type { MemberTrust, SiteRole } from '../db/database';
import { AppError } from '../errors';
import { countImages, countLinks } from '../text/links';
import { SETTINGS } from '../settings/settings';

/** How long an account counts as new by default (LIMITS_NEW_MEMBER_HOURS changes it). */
export const NEW_MEMBER_HOURS = SETTINGS['limits.newMemberHours'].default;

/** How many accepted posts make a member no longer new by default (LIMITS_NEW_MEMBER_POSTS). */
export const NEW_MEMBER_POSTS = SETTINGS['limits.newMemberPosts'].default;

/** True while an account created at `createdAt` is new by age alone (at `now`), for accounts new for `hours`. */
export function isNewMember(createdAt: Date, now: Date = new Date(), hours: number = NEW_MEMBER_HOURS): boolean {
  return now.getTime() - createdAt.getTime() < hours * 3600_000;
}

/** What decides a member's newness, as one row of users gives it. */
export interface TrustFacts {
  createdAt: Date;
  role: SiteRole;
  trust: MemberTrust;
  /** Posts written and not deleted, counted up to the threshold at most. */
  acceptedPosts: number;
}

/** The two thresholds, from the settings. */
export interface TrustThresholds {
  hours: number;
  posts: number;
}

/** Whether a member is new: the admin's hand first, then staff, then both thresholds. */
export function isNewByTrust(facts: TrustFacts, thresholds: TrustThresholds, now: Date = new Date()): boolean {
  if (facts.trust === 'trusted') return false;
  if (facts.trust === 'untrusted') return true;
  if (facts.role !== 'member') return false;
  return isNewMember(facts.createdAt, now, thresholds.hours) || facts.acceptedPosts < thresholds.posts;
}

/** Links to other sites and images one post by a new member may hold. */
export interface PostCaps {
  links: number;
  images: number;
}

/** Refuses (422, the form keeps its text) a new member's body over a cap; `caps` null: not new. */
export function checkPostCaps(body: string, caps: PostCaps | null): void {
  if (!caps || !body) return;
  const links = countLinks(body);
  if (links > caps.links) {
    throw new AppError(422, 'NewMemberLimit', `New members may put at most ${caps.links} links in a post; this one has ${links}.`, {
      params: { what: 'links', count: links, max: caps.links },
    });
  }
  const images = countImages(body);
  if (images > caps.images) {
    throw new AppError(422, 'NewMemberLimit', `New members may put at most ${caps.images} images in a post; this one has ${images}.`, {
      params: { what: 'images', count: images, max: caps.images },
    });
  }
}

/** Refuses (422) a new member's profile with a link in it. */
export function checkProfileLinks(profile: string, newMember: boolean): void {
  if (newMember && countLinks(profile) > 0) {
    throw new AppError(422, 'NewMemberLimit', 'New members may not put links in their profile.', { params: { what: 'profileLinks' } });
  }
}
