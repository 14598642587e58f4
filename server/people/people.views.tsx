import { href } from '../http/paths';
import type { Post } from '../posts/posts.model';
import { PostLine, lineMemo, memberHref } from '../posts/posts.lines';
import { memberName } from '../views/member';
import { mapBodyLinks } from '../text/sanitize';
import { Avatar } from '../views/avatar';
import { OwnBans } from '../views/bans';
import { ActionButton } from '../views/buttons';
import { Fragment, h, trustedHtml } from '../views/html';
import { type PageContext, describeHtml, renderPage } from '../views/layout';
import { SearchBox } from '../views/search-box';
import { dateOnly, dayOf } from '../views/time';
import { type HomeMember, type MemberHome, POST_COUNT_CAP, type ViewerRelation } from './people.service';

/** A count of posts as the home page shows it: "10000+" at the cap. */
const shownPosts = (n: number) => (n >= POST_COUNT_CAP ? `${POST_COUNT_CAP}+` : String(n));

/** Join date, counts and (unless hidden) the day last seen. */
function MemberFacts({ ctx, member }: { ctx: PageContext; member: HomeMember }) {
  const { t } = ctx;
  return (
    <dl class="member-facts">
      <div class="member-since">
        <dt>{t.memberSince}</dt>
        <dd>
          <time datetime={member.joinedAt.toISOString()}>{dateOnly(ctx, member.joinedAt)}</time>
        </dd>
      </div>
      <div>
        <dt>{t.threadsCount}</dt>
        <dd class="thread-count">{shownPosts(member.threads)}</dd>
      </div>
      <div>
        <dt>{t.repliesCount}</dt>
        <dd class="reply-count">{shownPosts(member.replies)}</dd>
      </div>
      {member.lastSeenOn ? (
        <div class="last-seen">
          <dt>{t.lastSeenOn}</dt>
          <dd>
            <time datetime={member.lastSeenOn}>{dayOf(ctx, member.lastSeenOn)}</time>
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

/**
 * What the viewer may do here: follow, 悄悄話, ignore (or undo them); on their own page, edit the
 * profile. Each is a form that works without JavaScript. Whether the viewer ignores the member is
 * said to the viewer alone.
 */
function MemberActions({ ctx, member, viewer }: { ctx: PageContext; member: HomeMember; viewer: ViewerRelation | null }) {
  const { t } = ctx;
  if (!viewer) return null;
  if (viewer.self) {
    return (
      <p class="member-actions">
        <a href={href(ctx, '/settings#profile')}>{t.editProfile}</a>
      </p>
    );
  }
  const base = href(ctx, `${memberHref(member.name)}`);
  return (
    <Fragment>
      <div class="member-actions">
        {member.deleted && !viewer.following ? null : (
          <ActionButton action={`${base}/${viewer.following ? 'unfollow' : 'follow'}`} label={viewer.following ? t.unfollow : t.follow} />
        )}
        {member.deleted ? null : (
          <a class="action" href={href(ctx, `/messages/new?to=${encodeURIComponent(member.name)}`)}>
            {t.sendMessage}
          </a>
        )}
        {member.deleted && !viewer.ignoring ? null : (
          <ActionButton action={`${base}/${viewer.ignoring ? 'unignore' : 'ignore'}`} label={viewer.ignoring ? t.unignore : t.ignore} />
        )}
      </div>
      {viewer.following ? (
        <p class="relation following" role="status">
          {t.followingThem(member.name)}
        </p>
      ) : null}
      {viewer.ignoring ? (
        <p class="relation ignoring" role="status">
          {t.ignoringThem(member.name)}
        </p>
      ) : null}
    </Fragment>
  );
}

/** The member's own words, converted for the reader already; links to this site keep the page's prefix. */
function Profile({ ctx, member, self }: { ctx: PageContext; member: HomeMember; self: boolean }) {
  const { t } = ctx;
  if (!member.profile && !self) return null;
  return (
    <section class="profile" aria-labelledby="profile-heading">
      <h2 id="profile-heading">{t.profile}</h2>
      {member.profile ? (
        <div class="body">{trustedHtml(ctx.prefix ? mapBodyLinks(member.profile, (url) => href(ctx, url)) : member.profile)}</div>
      ) : (
        <p class="hint">{t.noProfile}</p>
      )}
    </section>
  );
}

/** One of the member's lists: their lines, newest first; for follow-ups, the thread each is in. */
function PostList({ ctx, home, posts, withThread }: { ctx: PageContext; home: MemberHome; posts: Post[]; withThread: boolean }) {
  if (posts.length === 0) return <p>—</p>;
  const memo = lineMemo(ctx);
  return (
    <ul class="member-posts">
      {posts.map((p) => {
        const thread = withThread ? home.threadTitles.get(p.threadId) : undefined;
        return (
          <li>
            <PostLine ctx={ctx} post={p} showDepth={false} memo={memo} />
            {thread ? (
              <span class="in-thread">
                {' '}
                ← <a href={href(ctx, `/t/${p.threadId}`)}>{thread.title}</a>
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

/** A list's section: its heading, its lines and where its next page is (keyset: ?list=…&before=<id>). */
function ListSection({ ctx, home, list }: { ctx: PageContext; home: MemberHome; list: 'threads' | 'replies' }) {
  const { t } = ctx;
  const base = memberHref(home.member.name);
  const next = home.next[list];
  const paged = home.list === list;
  return (
    <section aria-labelledby={`member-${list}`}>
      <h2 id={`member-${list}`}>{list === 'threads' ? t.memberThreads : t.memberReplies}</h2>
      <PostList ctx={ctx} home={home} posts={home[list]} withThread={list === 'replies'} />
      <nav class="pager">
        {paged && home.before ? <a href={href(ctx, base)}>{t.newestPosts}</a> : null}
        {next ? (
          <a rel={paged ? 'next' : undefined} href={href(ctx, `${base}?list=${list}&before=${next}`)}>
            {paged ? t.nextPage : t.morePosts}
          </a>
        ) : null}
      </nav>
    </section>
  );
}

/**
 * `/u/:name`, the member's home page (博客首頁): who they are (the name as registered, never
 * converted), their profile, what the viewer may do, and their threads and follow-ups.
 */
export function memberHomePage(ctx: PageContext, home: MemberHome): string {
  const { t } = ctx;
  const { member, viewer } = home;
  return renderPage(
    ctx,
    t.memberHome(memberName(ctx, member.name)),
    <section class="member-home">
      <Avatar name={member.name} size={128} />
      <h1>
        {memberName(ctx, member.name)}
        {member.role !== 'member' ? <span class="role"> [{t.roles[member.role]}]</span> : null}
      </h1>
      {member.deleted ? (
        <p class="account-deleted" role="status">
          {t.accountDeleted}
        </p>
      ) : null}
      <OwnBans ctx={ctx} bans={home.ownBans} />
      <MemberFacts ctx={ctx} member={member} />
      <MemberActions ctx={ctx} member={member} viewer={viewer} />
      {member.deleted ? null : <SearchBox ctx={ctx} author={member.name} />}
      {home.list === 'both' ? <Profile ctx={ctx} member={member} self={viewer?.self ?? false} /> : null}
      {home.list !== 'replies' ? <ListSection ctx={ctx} home={home} list="threads" /> : null}
      {home.list !== 'threads' ? <ListSection ctx={ctx} home={home} list="replies" /> : null}
    </section>,
    // The profile, converted for the page (people.variants.ts), is the preview's description.
    {
      type: 'profile',
      description: describeHtml(member.profile),
      // Their new threads (feeds/): what they wrote in public, nothing of their own settings.
      feeds: [{ title: t.feeds.member(member.name), path: `${memberHref(member.name)}/feed.xml` }],
    },
  );
}
