import { snapshot } from '../helpers/rows';
import { app, cases, useHostileApp } from './hostile.endpoints';

// Every write endpoint, JSON and forms, fed values no field may take: each answer is a 4xx with
// the error shape (never a 500), and the database is exactly as it was. Hostile query strings,
// forms and SQL-looking text are hostile-queries.test.ts.

useHostileApp();

describe('hostile values in every write endpoint', () => {
  it.each(cases.map((c) => [c.endpoint.name, c.field, c.what, c] as const))(
    '%s: %s as %s is a 4xx and changes nothing',
    async (_n, _f, _w, c) => {
      const before = await snapshot(app.db);
      const res = await c.send(c.endpoint.who());
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      if (c.endpoint.path().startsWith('/api/'))
        expect(res.json?.error).toEqual({ code: expect.any(String), message: expect.any(String), localized: expect.any(String) });
      expect(await snapshot(app.db)).toEqual(before);
    },
  );
});
