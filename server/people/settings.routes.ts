import { ownBans } from '../policy/policy.repository';
import { once } from 'node:events';
import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database';
import { type Member, SETTABLE_NOTIFICATION_KINDS, type SettableNotificationKind } from '../db/member';
import type { AppError } from '../errors';
import { requireMember } from '../http/context';
import { formText, refusedForm } from '../http/forms';
import { parseInput } from '../http/validate';
import type { Limiter } from '../limits/limiter';
import { limitsFor, memberIsNew } from '../limits/paced';
import type { Settings as Registry } from '../settings/settings';
import { countIgnored } from '../members/ignores.repository';
import { changePasswordFrom } from '../members/members.routes';
import { listSignIns } from '../members/members.service';
import { clearSessionCookie } from '../sessions/sessions.cookies';
import * as sessionService from '../sessions/sessions.service';
import { type PageContext, ownPageContext } from '../views/layout';
import { formFormat, formatField } from '../posts/posts.preview';
import { listIgnored } from './people.service';
import * as settings from './settings.service';
import { type SettingsForm, ignoredPage, settingsPage } from './settings.views';

/** The profile as typed, in its format, rendered and sanitized on write (PROFILE_MAX_BYTES). */
const profileText = z.string({ error: 'must be a string' }).max(100_000, 'is too long');

const profileForm = z.object({ profile: profileText, format: formatField });

/** The preferences form: a checkbox per kind (`notify-<kind>`), and hideLastSeen; an unticked box is absent. */
const preferencesForm = z.object({
  ...Object.fromEntries(SETTABLE_NOTIFICATION_KINDS.map((k) => [`notify-${k}`, z.literal('on').optional()])),
  hideLastSeen: z.literal('on', { error: 'must be on or absent' }).optional(),
  /** An IANA zone, or '' for the site's; absent: unchanged. */
  timeZone: z.string({ error: 'must be a string' }).optional(),
});

/** PATCH /api/me/settings: what to change; anything left out stays. Unknown keys are refused. */
const settingsPatch = z.strictObject({
  profile: profileText.optional(),
  /** What `profile` is written in: text (the default), markdown or html. */
  profileFormat: formatField,
  /** true: the home page does not show the day last seen. */
  hideLastSeen: z.boolean({ error: 'must be true or false' }).optional(),
  /** An IANA time zone (their ban's end is shown in it), or null for the site's. */
  timeZone: z.string({ error: 'must be a string or null' }).nullable().optional(),
  /** { kind: true|false } for the kinds a member may turn off; moderation notices are not among them. */
  notify: z
    .strictObject(
      Object.fromEntries(SETTABLE_NOTIFICATION_KINDS.map((k) => [k, z.boolean({ error: 'must be true or false' }).optional()])) as Record<
        SettableNotificationKind,
        z.ZodOptional<z.ZodBoolean>
      >,
    )
    .optional(),
});

/** Deleting one's account: the password, and (on the form) the box ticked. */
const deleteInput = z.object({ password: z.string({ error: 'the password is required' }).max(1000, 'is too long') });
const deleteForm = deleteInput.extend({ confirm: z.literal('yes', { error: 'tick the box to confirm' }) });

const savedQuery = z.object({ saved: z.enum(['profile', 'preferences', 'password']).optional() });

/** What the site's settings pages need beyond the database. */
export interface SettingsOptions {
  limiter: Limiter;
  /** The settings registry: the limits listed on /settings. */
  settings: Registry;
  /** RATE_LIMIT_MULTIPLIER, so the limits listed are those applied. */
  rateLimitMultiplier: number;
  /** Whether the site sends email (SMTP_URL set): the email section (/settings/email) is linked only then. */
  email: boolean;
}

/**
 * `/settings` and its API (/api/me/…): profile, preferences, ignored members, password and
 * sessions (the forms of the hardening issue; `/account` redirects here and its form URLs still
 * work), the download of one's data and the deletion of one's account.
 */
export function settingsRouter(db: Kysely<Database>, options: SettingsOptions, pageContext: (req: Request) => PageContext): Router {
  const router = Router();
  const { limiter } = options;

  const page = async (req: Request, extra: { saved?: string; refused?: SettingsForm } = {}) => {
    const member = requireMember(req);
    const [state, sessions, signIns, ignoredCount, newMember, bans] = await Promise.all([
      settings.getSettings(db, member),
      sessionService.listSessions(db, member, req.sessionToken),
      listSignIns(db, member),
      countIgnored(db, member.id),
      memberIsNew(db, options.settings, member),
      ownBans(db, member),
    ]);
    const limits = {
      newMember,
      newMemberHours: options.settings.get('limits.newMemberHours'),
      numbers: {
        posts: options.settings.get('limits.newMemberPosts'),
        links: options.settings.get('limits.newMemberLinks'),
        images: options.settings.get('limits.newMemberImages'),
      },
      shown: limitsFor(options.settings, newMember, options.rateLimitMultiplier),
    };
    return settingsPage(ownPageContext(pageContext(req)), {
      settings: state,
      sessions,
      signIns,
      ignoredCount,
      limits,
      bans,
      email: options.email,
      ...extra,
    });
  };
  const done = (req: Request, res: Response, saved?: string) =>
    res.redirect(303, `${req.variantPrefix}/settings${saved ? `?saved=${saved}` : ''}`);

  router.get('/account', (req, res) => {
    const q = req.originalUrl.indexOf('?');
    res.redirect(301, `${req.variantPrefix}/settings${q < 0 ? '' : req.originalUrl.slice(q)}`);
  });

  router.get('/settings', async (req, res) => {
    const { saved } = parseInput(savedQuery, req.query);
    res.send(await page(req, { saved }));
  });

  router.post('/settings/profile', async (req, res) => {
    try {
      const member = requireMember(req);
      const input = parseInput(profileForm, req.body);
      await settings.saveProfile(db, member, input.profile, input.format ?? 'text', () => memberIsNew(db, options.settings, member));
    } catch (error) {
      return refusedForm(res, error, (refusal) =>
        page(req, { refused: { form: 'profile', refusal, profile: formText(req.body, 'profile') ?? '', format: formFormat(req.body) } }),
      );
    }
    done(req, res, 'profile');
  });

  router.post('/settings/preferences', async (req, res) => {
    try {
      const input = parseInput(preferencesForm, req.body) as Record<string, string | undefined>;
      const notify = Object.fromEntries(SETTABLE_NOTIFICATION_KINDS.map((k) => [k, input[`notify-${k}`] === 'on'])) as Record<
        SettableNotificationKind,
        boolean
      >;
      await settings.savePreferences(db, requireMember(req), {
        hideLastSeen: input.hideLastSeen === 'on',
        notify,
        timeZone: input.timeZone,
      });
    } catch (error) {
      return refusedForm(res, error, (refusal) => page(req, { refused: { form: 'preferences', refusal } }));
    }
    done(req, res, 'preferences');
  });

  // The password form, under its new address and its old one (/account/password).
  for (const path of ['/settings/password', '/account/password']) {
    router.post(path, async (req, res) => {
      try {
        await changePasswordFrom(db, limiter, req);
      } catch (error) {
        return refusedForm(res, error, (refusal) => page(req, { refused: { form: 'password', refusal } }));
      }
      done(req, res, 'password');
    });
  }

  for (const path of ['/settings/sessions/:id/revoke', '/account/sessions/:id/revoke']) {
    router.post(path, async (req: Request<{ id: string }>, res) => {
      await sessionService.revokeSession(db, requireMember(req), req.params.id);
      res.redirect(303, `${req.variantPrefix}/settings#sessions`);
    });
  }

  router.post('/settings/delete', async (req, res) => {
    const member = requireMember(req);
    try {
      await settings.deleteAccount(db, limiter, member, parseInput(deleteForm, req.body).password);
    } catch (error) {
      return refusedForm(res, error, (refusal: AppError) => page(req, { refused: { form: 'delete', refusal } }));
    }
    clearSessionCookie(req, res);
    res.redirect(303, `${req.variantPrefix}/u/${encodeURIComponent(member.name)}`);
  });

  router.get('/settings/ignored', async (req, res) => {
    res.send(ignoredPage(ownPageContext(pageContext(req)), await listIgnored(db, requireMember(req))));
  });

  router.get(['/settings/export', '/api/me/export'], async (req, res) => {
    await sendExport(db, limiter, requireMember(req), res);
  });

  apiRoutes(router, db, limiter, options.settings);
  return router;
}

/** The member's data as a JSON file download, streamed as it is read. */
async function sendExport(db: Kysely<Database>, limiter: Limiter, member: Member, res: Response): Promise<void> {
  await limiter.consume('export:member', member.id);
  const day = new Date().toISOString().slice(0, 10);
  res.type('application/json; charset=utf-8');
  // The name may be any script: the plain filename is ASCII, filename* carries the real one.
  res.set(
    'Content-Disposition',
    `attachment; filename="gentie-export-${day}.json"; filename*=UTF-8''${encodeURIComponent(`gentie-${member.name}-${day}.json`)}`,
  );
  for await (const chunk of settings.exportData(db, member)) {
    if (!res.write(chunk)) await once(res, 'drain');
  }
  res.end();
}

/** One's settings as the API answers them: the profile as shown (sanitized HTML), as written, and its format. */
const presentSettings = (s: settings.Settings) => ({
  profile: s.profile,
  profileSource: s.profileSource,
  profileFormat: s.profileFormat,
  hideLastSeen: s.hideLastSeen,
  timeZone: s.timeZone,
  notify: s.notify,
});

/** The settings API: read and change one's settings, the list of ignored members, delete one's account. */
function apiRoutes(router: Router, db: Kysely<Database>, limiter: Limiter, registry: Registry): void {
  router.get('/api/me/settings', async (req, res) => {
    res.json({ settings: presentSettings(await settings.getSettings(db, requireMember(req))) });
  });

  router.patch('/api/me/settings', async (req, res) => {
    const member = requireMember(req);
    const input = parseInput(settingsPatch, req.body);
    const timeZone = settings.zoneInput(input.timeZone); // refused before anything is changed
    if (input.profile !== undefined) {
      await settings.saveProfile(db, member, input.profile, input.profileFormat ?? 'text', () => memberIsNew(db, registry, member));
    }
    await settings.savePreferences(db, member, { hideLastSeen: input.hideLastSeen, notify: input.notify, timeZone });
    res.json({ settings: presentSettings(await settings.getSettings(db, member)) });
  });

  router.get('/api/me/ignored', async (req, res) => {
    const ignored = await listIgnored(db, requireMember(req));
    res.json({ ignored: ignored.map((m) => ({ name: m.name, since: m.since.toISOString() })) });
  });

  router.post('/api/me/delete', async (req, res) => {
    await settings.deleteAccount(db, limiter, requireMember(req), parseInput(deleteInput, req.body).password);
    clearSessionCookie(req, res);
    res.json({ ok: true });
  });
}
