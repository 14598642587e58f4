/**
 * What an archive holds, found in PostgreSQL's catalog rather than listed by hand: every ordinary
 * table of the schema the migrations created, so a table a later migration adds travels without
 * anyone remembering to add it here. Left out:
 *
 * - kysely_migration and kysely_migration_lock: the manifest lists the migrations instead, and the
 *   import brings its database to them with the migrations themselves;
 * - maintenance: it describes this database (an import under way), not the forum;
 * - UNLOGGED tables (rate_limits, pace_counts): counters of the rate limits, lost by design when
 *   PostgreSQL crashes, so they are not worth keeping either;
 * - CACHE_TABLES below: rows made again by the forum as it is used.
 */
import type pg from 'pg';

/** Tables left out for what they are, with the reason the manifest records. */
export const CACHE_TABLES: Record<string, string> = {
  thread_views: 'a cache: who was counted reading a thread in the last two hours, so a reader counts once an hour (pruned hourly)',
};

/** The database's own bookkeeping, never the forum's. */
const OWN_TABLES: Record<string, string> = {
  kysely_migration: 'the migrations are listed in the manifest and applied by the import',
  kysely_migration_lock: 'the migrations are listed in the manifest and applied by the import',
  maintenance: "this database's own state (an import under way), not the forum's",
};

/**
 * Tables the migrations or a running forum fill by themselves, so a database is still empty with
 * rows in them: the import replaces their rows with the archive's.
 */
export const BOOKKEEPING_TABLES = new Set(['read_key', 'jobs']);

/** A table to copy: its name and the columns of its rows, in order. */
export interface CatalogTable {
  name: string;
  columns: string[];
}

export interface Catalog {
  /** Tables to copy, parents before the tables that refer to them. */
  tables: CatalogTable[];
  /** Sequences of the schema. */
  sequences: string[];
  excluded: { table: string; why: string }[];
}

/** Reads the schema's tables, columns, foreign keys and sequences on `client`. */
export async function readCatalog(client: pg.Client | pg.PoolClient): Promise<Catalog> {
  const { rows: tables } = await client.query<{ name: string; unlogged: boolean }>(
    `select c.relname as name, c.relpersistence = 'u' as unlogged
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
      order by c.relname`,
  );
  const { rows: columns } = await client.query<{ table: string; column: string }>(
    `select c.relname as table, a.attname as column
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      order by c.relname, a.attnum`,
  );
  const { rows: references } = await client.query<{ child: string; parent: string }>(
    `select distinct c.relname as child, p.relname as parent
       from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
       join pg_namespace n on n.oid = c.relnamespace
      where k.contype = 'f' and n.nspname = current_schema() and c.oid <> p.oid`,
  );
  const { rows: sequences } = await client.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind = 'S' order by c.relname`,
  );

  const excluded: { table: string; why: string }[] = [];
  const kept: string[] = [];
  for (const t of tables) {
    const why =
      OWN_TABLES[t.name] ??
      CACHE_TABLES[t.name] ??
      (t.unlogged ? 'an UNLOGGED table of counters (rate limits): PostgreSQL itself empties it after a crash' : undefined);
    if (why) excluded.push({ table: t.name, why });
    else kept.push(t.name);
  }
  const columnsOf = new Map<string, string[]>();
  for (const c of columns) columnsOf.set(c.table, [...(columnsOf.get(c.table) ?? []), c.column]);
  return {
    tables: parentsFirst(kept, references).map((name) => ({ name, columns: columnsOf.get(name) ?? [] })),
    sequences: sequences.map((s) => s.name),
    excluded,
  };
}

/**
 * The tables ordered so each comes after the tables its foreign keys point to (a superuser's
 * import does not need it, as it turns the checks off; an owner's import does). Tables in a cycle
 * keep their name order at the end.
 */
export function parentsFirst(names: string[], references: { child: string; parent: string }[]): string[] {
  const set = new Set(names);
  const parents = new Map(names.map((n) => [n, new Set<string>()]));
  for (const r of references) if (set.has(r.child) && set.has(r.parent)) parents.get(r.child)!.add(r.parent);
  const out: string[] = [];
  const placed = new Set<string>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const n of names) {
      if (placed.has(n) || [...parents.get(n)!].some((p) => !placed.has(p))) continue;
      placed.add(n);
      out.push(n);
      progress = true;
    }
  }
  return [...out, ...names.filter((n) => !placed.has(n))];
}

/** Quotes an identifier for SQL (catalog names are trusted, but may need quotes all the same). */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Session settings that make COPY's text the same on every server and every run (times in UTC,
 * ISO dates, hex bytea, exact floats): the export's checksums are computed over that text, and
 * the import and `import --verify` read and write it the same way.
 */
export const STABLE_TEXT = `set time zone 'UTC'; set datestyle = 'ISO, YMD'; set intervalstyle = 'postgres'; set bytea_output = 'hex'; set extra_float_digits = 1; set client_encoding = 'UTF8'`;
