import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { AppError, validationFailed } from '../errors';
import { formText } from '../http/forms';
import { passOnLink } from '../http/origin';
import type { Invite } from '../members/invites';
import { type SettingState, type SettingsStore, isSettingName } from '../settings/settings';
import type { PageContext } from '../views/layout';
import { localizeError } from '../views/messages.errors';
import { changeSettings, invitesOf, issueInvite, listSettings, withdrawInvite } from './admin.settings';
import { invitesPage, settingsPage } from './admin.settings.views';

/** A setting as the API shows it: its value, where it comes from, and what it may be. */
const presentSetting = (s: SettingState) => {
  const d = s.definition;
  return {
    name: s.name,
    type: d.type,
    value: s.value,
    source: s.source,
    env: s.env,
    ...(s.stored !== undefined && { stored: s.stored }),
    default: s.definition.type === 'rate' ? undefined : d.default,
    description: d.description,
    ...(d.type === 'integer' && { min: d.min, max: d.max, unit: d.unit }),
    ...(d.type === 'choice' && { values: d.values }),
    ...(d.type === 'text' && { maxLength: d.maxLength }),
  };
};

const presentInvite = (i: Invite) => ({
  id: i.id,
  createdBy: i.createdByName,
  createdAt: i.createdAt.toISOString(),
  expiresAt: i.expiresAt.toISOString(),
  maxUses: i.maxUses,
  uses: i.uses,
  state: i.state,
});

/** The refusals a settings or invites form shows on its page (a wrong value, a setting the environment sets). */
const SHOWN_ON_PAGE = new Set(['ValidationFailed', 'SettingFromEnvironment', 'InviteNotFound']);
const shownOnPage = (error: unknown): error is AppError => error instanceof AppError && SHOWN_ON_PAGE.has(error.code);

/**
 * Site settings and invites, for admins: `/admin/settings`, `/admin/invites` and their JSON API
 * (`/api/admin/settings`, `/api/admin/invites`). `publicUrl` makes an invite's link absolute.
 */
export function adminSettingsRouter(
  db: Kysely<Database>,
  settings: SettingsStore,
  pageContext: (req: Request) => PageContext,
  publicUrl: URL | undefined,
): Router {
  const router = Router();
  // Under PUBLIC_URL, never the request's Host (origin.ts, passOnLink).
  const inviteLink = (token: string) => passOnLink(publicUrl, `/register?invite=${token}`);

  router.get('/api/admin/settings', (req, res) => {
    res.json({ settings: listSettings(settings, req.member ?? null).map(presentSetting) });
  });

  router.put('/api/admin/settings', async (req, res) => {
    const body = req.body as { settings?: unknown } | undefined;
    const given = body?.settings;
    if (given === null || typeof given !== 'object' || Array.isArray(given)) {
      throw validationFailed(
        'settings',
        { kind: 'required' },
        'settings: an object of setting names and values (null: back to the default).',
      );
    }
    const changed = await changeSettings(db, settings, { member: req.member ?? null }, given as Record<string, unknown>);
    res.json({ changed, settings: listSettings(settings, req.member ?? null).map(presentSetting) });
  });

  router.get('/admin/settings', (req, res) => {
    res.send(settingsPage(pageContext(req), listSettings(settings, req.member ?? null), { saved: req.query.saved === '1' }));
  });

  // A group's form: every setting it shows (greyed ones are not sent); only those that change are stored.
  const saveForm = async (req: Request, changes: Record<string, string | null>) => {
    try {
      await changeSettings(db, settings, { member: req.member ?? null }, changes);
      return undefined;
    } catch (error) {
      if (!shownOnPage(error)) throw error;
      return error;
    }
  };
  const answer = async (req: Request, res: Response, changes: Record<string, string | null>) => {
    const error = await saveForm(req, changes);
    if (!error) return void res.redirect(303, `${req.variantPrefix ?? ''}/admin/settings?saved=1`);
    const ctx = pageContext(req);
    const field = (error.params as { field?: string; name?: string }).field ?? (error.params as { name?: string }).name;
    res
      .status(error.status)
      .send(
        settingsPage(ctx, listSettings(settings, req.member ?? null), { refusal: { name: field, message: localizeError(ctx, error) } }),
      );
  };

  router.post('/admin/settings', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const changes: Record<string, string> = {};
    for (const [name, value] of Object.entries(body)) if (isSettingName(name) && typeof value === 'string') changes[name] = value;
    await answer(req, res, changes);
  });

  router.post('/admin/settings/reset', async (req, res) => {
    const name = formText(req.body, 'reset') ?? '';
    await answer(req, res, { [name]: null });
  });

  router.get('/api/admin/invites', async (req, res) => {
    res.json({ invites: (await invitesOf(db, req.member ?? null)).map(presentInvite) });
  });

  router.post('/api/admin/invites', async (req, res) => {
    const body = (req.body ?? {}) as { expires?: unknown; singleUse?: unknown };
    const made = await issueInvite(
      db,
      { member: req.member ?? null },
      {
        expires: typeof body.expires === 'string' ? body.expires : '',
        singleUse: body.singleUse === true,
      },
    );
    const link = inviteLink(made.token);
    res.status(201).json({ invite: presentInvite(made.invite), link: link.url, absolute: link.absolute });
  });

  router.post('/api/admin/invites/:id/revoke', async (req, res) => {
    res.json({ invite: presentInvite(await withdrawInvite(db, { member: req.member ?? null }, req.params.id)) });
  });

  router.get('/admin/invites', async (req, res) => {
    res.send(invitesPage(pageContext(req), await invitesOf(db, req.member ?? null)));
  });

  router.post('/admin/invites', async (req, res) => {
    try {
      const made = await issueInvite(
        db,
        { member: req.member ?? null },
        {
          expires: formText(req.body, 'expires') ?? '',
          singleUse: formText(req.body, 'singleUse') === '1',
        },
      );
      res.status(201).send(invitesPage(pageContext(req), await invitesOf(db, req.member ?? null), { link: inviteLink(made.token) }));
    } catch (error) {
      if (!shownOnPage(error)) throw error;
      const ctx = pageContext(req);
      res.status(error.status).send(invitesPage(ctx, await invitesOf(db, req.member ?? null), { error: localizeError(ctx, error) }));
    }
  });

  router.post('/admin/invites/:id/revoke', async (req, res) => {
    await withdrawInvite(db, { member: req.member ?? null }, req.params.id);
    res.redirect(303, `${req.variantPrefix ?? ''}/admin/invites`);
  });

  return router;
}
