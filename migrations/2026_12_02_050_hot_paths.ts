import { type Kysely, sql } from 'kysely';

/**
 * Two statements every busy forum runs all the time, as PL/pgSQL functions: PostgreSQL keeps
 * their plans for the life of each connection, so a page or a reply no longer pays for planning
 * them (measured in `npm run bench -- notifications`, docs/performance.md "Notifications").
 *
 * - gentie_unread_counts: a member's unread 悄悄話 and notifications, each counted up to `cap`
 *   rows of its partial index (the header of every member page; read with the session).
 * - gentie_notify: writes notifications (dropping those to deleted accounts, to members who ignore
 *   the actor, and kinds the member turned off, except moderation notices; a second mention of a
 *   member in a post is refused by notifications_mention_once) and queues one NOTIFY per row for
 *   live delivery on commit, ids only.
 *
 * The notifications table's foreign keys to users go: each cost a lookup per row written, and
 * users rows are never deleted (a deleted account keeps its row); gentie_notify joins users.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function gentie_unread_counts(member bigint, cap integer, out messages integer, out notifications integer)
    language plpgsql stable as $$
    begin
      select count(*)::int into messages from (
        select 1 from messages m
        where m.recipient_id = member and m.read_at is null and m.recipient_deleted_at is null limit cap) x;
      select count(*)::int into notifications from (
        select 1 from notifications n where n.member_id = member and n.read_at is null limit cap) y;
    end $$`.execute(db);

  await sql`
    create function gentie_notify(
      channel text, members bigint[], kinds text[], actors bigint[], threads bigint[], posts bigint[],
      datas jsonb[], moderation boolean[])
    returns table (id bigint, member_id bigint) language plpgsql as $$
    begin
      return query
      with written as (
        insert into notifications as w (member_id, kind, actor_id, thread_id, post_id, data)
        select n.m, n.k, n.a, n.t, n.p, n.d
        from unnest(members, kinds, actors, threads, posts, datas, moderation) as n(m, k, a, t, p, d, md)
        join users u on u.id = n.m and u.deleted_at is null
        where (n.md or coalesce((u.notify_prefs ->> n.k)::boolean, true))
          and (n.md or n.a is null or not exists (
            select 1 from ignores i where i.member_id = n.m and i.ignored_id = n.a))
        on conflict do nothing
        returning w.id, w.member_id)
      select x.id, x.member_id from written x
      cross join lateral (select pg_notify(channel,
        json_build_object('m', x.member_id::text, 'k', 'notification', 'i', x.id::text)::text)) sent;
    end $$`.execute(db);

  await sql`alter table notifications drop constraint notifications_member_id_fkey`.execute(db);
  await sql`alter table notifications drop constraint notifications_actor_id_fkey`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table notifications add constraint notifications_member_id_fkey foreign key (member_id) references users (id) on delete cascade`.execute(
    db,
  );
  await sql`alter table notifications add constraint notifications_actor_id_fkey foreign key (actor_id) references users (id) on delete cascade`.execute(
    db,
  );
  await sql`drop function gentie_notify`.execute(db);
  await sql`drop function gentie_unread_counts`.execute(db);
}
