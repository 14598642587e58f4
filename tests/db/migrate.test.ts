import { sql } from 'kysely';
import { readdirSync } from 'node:fs';
import { createTestDatabase } from '../helpers/database';
import { ROOT, spawnCli } from '../helpers/processes';

const migrationNames = readdirSync(`${ROOT}/migrations`)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

describe('migrations', () => {
  it('are named so they sort in order', () => {
    for (const name of migrationNames) expect(name).toMatch(/^\d{4}_\d{2}_\d{2}_\d{3}_[a-z_]+$/);
  });

  it('run once each when two processes migrate one empty database at the same time', async () => {
    const target = await createTestDatabase({ empty: true });
    try {
      const env = { DATABASE_URL: target.url };
      const [a, b] = await Promise.all([spawnCli(['migrate'], env), spawnCli(['migrate'], env)]);
      expect([a.code, b.code]).toEqual([0, 0]);
      expect(`${a.stderr}${b.stderr}`).toBe('');
      // Between them they applied each migration exactly once.
      const applied = [...a.stdout.matchAll(/migration applied: (\S+)/g), ...b.stdout.matchAll(/migration applied: (\S+)/g)].map(
        (m) => m[1],
      );
      expect(applied.sort()).toEqual(migrationNames);
      const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(target.db);
      expect(rows.rows.map((r) => r.name)).toEqual(migrationNames);
      // And a third run has nothing to do.
      const again = await spawnCli(['migrate'], env);
      expect(again.stdout).toContain('schema already up to date');
    } finally {
      await target.drop();
    }
  });
});
