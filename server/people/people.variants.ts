import { createHash } from 'node:crypto';
import type { TextCache } from '../caches';
import { localized, localizedTitles } from '../text/localize';
import type { Variant } from '../variants';
import type { HomeMember, MemberHome } from './people.service';

// What the people services return, converted for a reader of another script variant. Names are
// never converted: only the member's own text (the profile) and the titles listed.

/**
 * The profile in the reader's variant, through the conversion cache like a post's body. A profile
 * has no revision: its entry is keyed by the member and a digest of the text, so an edit is a new
 * key and the old entry simply ages out.
 */
export function profileInVariant(conversions: TextCache, member: HomeMember, variant: Variant | undefined): HomeMember {
  // As written, only a profile with pins (text/pins.ts) reads otherwise than stored.
  if (!member.profile || (!variant && !member.profile.includes('-{'))) return member;
  const digest = createHash('sha1').update(member.profile).digest('base64url').slice(0, 16);
  const converted = localized(
    conversions,
    // A profile is on no board: the site's glossary applies.
    { id: `u${member.id}.${digest}`, revision: 0, variant: member.profileVariant, title: '', body: member.profile, board_id: null },
    variant,
  );
  return { ...member, profile: converted.body };
}

/** A member home in the reader's variant: the profile, and the titles of the posts and threads listed. */
export function homeInVariant(conversions: TextCache, home: MemberHome, variant: Variant | undefined): MemberHome {
  return {
    ...home,
    member: profileInVariant(conversions, home.member, variant),
    threads: localizedTitles(conversions, home.threads, variant),
    replies: localizedTitles(conversions, home.replies, variant),
    threadTitles: new Map(
      [...home.threadTitles].map(([id, t]) => [
        id,
        t && { ...t, title: localizedTitles(conversions, [{ id, ...t, body: '' }], variant)[0]!.title },
      ]),
    ),
  };
}
