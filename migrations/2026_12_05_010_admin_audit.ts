import { type Kysely, sql } from 'kysely';

/**
 * The admins' audit log (issue 17): one row for every change an admin makes to the site (boards,
 * members, settings, invites, address bans), with what the thing was before and after, as JSON.
 * The moderation log keeps what moderators do to posts and members on a board; this one is for
 * the operators' own actions, read on /admin/audit. Rows are never changed or deleted by the app.
 *
 * - subject names what was changed the way the console shows it ('board:demo', 'member:alice',
 *   'setting:siteName', 'address:198.51.100.0/24'), so a deleted board or member is still told.
 * - actor_id is kept when the actor's account is deleted later (set null), and the actor's name at
 *   the time is stored too, for the same reason.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table admin_audit (
      id bigserial primary key,
      actor_id bigint references users (id) on delete set null,
      actor_name text not null,
      action text not null,
      subject text not null,
      before jsonb,
      after jsonb,
      created_at timestamptz not null default now()
    )
  `.execute(db);
  await sql`create index admin_audit_subject_idx on admin_audit (subject, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table admin_audit`.execute(db);
}
