/**
 * Every setting an operator may change, with its type, default, bounds and what it is for. Values
 * come from the admin console or the CLI (stored in the database, applied on every process without
 * a restart) or from the environment, which wins (settings.ts). The README's settings tables list
 * these entries.
 */

/** A count allowed in a window: `points` actions per `seconds`, the window starting with the first. */
export interface Rate {
  readonly points: number;
  readonly seconds: number;
}

/** A whole number between bounds. */
export interface IntegerSetting {
  readonly type: 'integer';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** What the number counts, for the README and error messages ("hours"). */
  readonly unit: string;
  readonly description: string;
}

/** A rate, written `6/1m` (6 per minute); windows in s, m, h or d. */
export interface RateSetting {
  readonly type: 'rate';
  readonly default: Rate;
  readonly description: string;
}

/** Plain text of at most `maxLength` characters, on one line ('' allowed). */
export interface TextSetting {
  readonly type: 'text';
  readonly default: string;
  readonly maxLength: number;
  readonly description: string;
}

/** One of a few words. */
export interface ChoiceSetting<V extends string = string> {
  readonly type: 'choice';
  readonly default: V;
  readonly values: readonly V[];
  readonly description: string;
}

export type SettingDefinition = IntegerSetting | RateSetting | TextSetting | ChoiceSetting;

/** Who may register: anyone, only with an admin's invite link, or nobody. */
export const REGISTRATION_MODES = ['open', 'invite', 'closed'] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** The script a reader with no saved choice and no Chinese in Accept-Language reads in ('original': posts as written). */
export const DEFAULT_VARIANTS = ['original', 'zh-hant', 'zh-hans', 'zh-tw', 'zh-hk'] as const;
export type DefaultVariant = (typeof DEFAULT_VARIANTS)[number];

const choice = <V extends string>(values: readonly V[], fallback: V, description: string): ChoiceSetting<V> => ({
  type: 'choice',
  default: fallback,
  values,
  description,
});

/** A rate's bounds: at least one action per window, windows from a second to a week. */
export const RATE_POINTS_MAX = 100_000;
export const RATE_SECONDS_MAX = 7 * 86_400;

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

const rate = (points: number, seconds: number, description: string): RateSetting => ({
  type: 'rate',
  default: { points, seconds },
  description,
});

/**
 * Windows of one paced action (server/limits/paced.ts): a member's burst and sustained windows,
 * stricter ones for a new member (instead of the member's), and an address's (IPv6 by /64), which
 * every member at that address shares and which sit higher so a household or an office can post.
 */
function paced(what: string, windows: Record<'member' | 'newMember' | 'address', [burst: Rate, sustained: Rate]>) {
  const who = { member: 'a member', newMember: 'a new member', address: 'one address (IPv6 by /64)' } as const;
  const entries: Record<string, RateSetting> = {};
  for (const scope of ['member', 'newMember', 'address'] as const) {
    const [burst, sustained] = windows[scope];
    entries[`${scope}.burst`] = rate(burst.points, burst.seconds, `${what} by ${who[scope]}, in a short burst`);
    entries[`${scope}.sustained`] = rate(sustained.points, sustained.seconds, `${what} by ${who[scope]}, sustained`);
  }
  return entries;
}

const r = (points: number, seconds: number): Rate => ({ points, seconds });

const PACED = {
  thread: paced('Threads started', {
    member: [r(3, 5 * MINUTE), r(20, DAY)],
    newMember: [r(1, 5 * MINUTE), r(5, DAY)],
    address: [r(6, 5 * MINUTE), r(60, DAY)],
  }),
  reply: paced('Follow-ups posted', {
    member: [r(6, MINUTE), r(60, HOUR)],
    newMember: [r(3, MINUTE), r(20, HOUR)],
    address: [r(12, MINUTE), r(150, HOUR)],
  }),
  edit: paced('Posts edited', {
    member: [r(10, MINUTE), r(100, HOUR)],
    newMember: [r(5, MINUTE), r(30, HOUR)],
    address: [r(20, MINUTE), r(250, HOUR)],
  }),
  report: paced('Posts reported', {
    member: [r(5, 10 * MINUTE), r(30, DAY)],
    newMember: [r(2, 10 * MINUTE), r(10, DAY)],
    address: [r(10, 10 * MINUTE), r(60, DAY)],
  }),
  // The sustained windows are the hardening issue's 30 an hour, and 5 for a new member.
  message: paced('悄悄話 sent', {
    member: [r(10, MINUTE), r(30, HOUR)],
    newMember: [r(3, MINUTE), r(5, HOUR)],
    address: [r(20, MINUTE), r(100, HOUR)],
  }),
  // Images (server/uploads/): the sustained window is the day's quota, a burst of pasted pictures
  // (a trip report) still fits in the short one.
  upload: paced('Images uploaded', {
    member: [r(20, 10 * MINUTE), r(100, DAY)],
    newMember: [r(5, 10 * MINUTE), r(20, DAY)],
    address: [r(40, 10 * MINUTE), r(300, DAY)],
  }),
};

const flatten = <P extends string>(prefix: P, entries: Record<string, RateSetting>) =>
  Object.fromEntries(Object.entries(entries).map(([k, v]) => [`${prefix}.${k}`, v]));

type PacedName = `limits.${keyof typeof PACED}.${'member' | 'newMember' | 'address'}.${'burst' | 'sustained'}`;

/** The registry: every setting by name. */
export const SETTINGS = {
  'site.name': {
    type: 'text',
    default: '跟帖論壇',
    maxLength: 60,
    description: "The forum's name: the header, page titles, feeds' titles and link previews (shown in each reader's script)",
  },
  'site.description': {
    type: 'text',
    default: '',
    maxLength: 300,
    description: 'One line under the name in the header, and the description of pages that have none of their own (empty: none)',
  },
  'site.defaultVariant': choice(
    DEFAULT_VARIANTS,
    'original',
    'The script of a reader who chose none and whose browser asks for no Chinese script: original (as written), zh-hant, zh-hans, zh-tw or zh-hk',
  ),
  'registration.mode': choice(
    REGISTRATION_MODES,
    'open',
    'Who may register: open (anyone), invite (only with an invite link an admin issued) or closed (nobody)',
  ),
  editWindowMinutes: {
    type: 'integer',
    default: 0,
    min: 0,
    max: 5_256_000,
    unit: 'minutes',
    description: 'How long authors may edit their posts after posting; moderators and admins always can (0: no limit)',
  },
  'limits.newMemberHours': {
    type: 'integer',
    default: 24,
    min: 0,
    max: 365 * 24,
    unit: 'hours',
    description: 'How long an account counts as new: new members have the stricter limits (0: no member is new by age)',
  },
  'limits.newMemberPosts': {
    type: 'integer',
    default: 3,
    min: 0,
    max: 10_000,
    unit: 'posts',
    description: 'Posts (not deleted) a member must have written to stop being new, besides the age (0: no member is new by count)',
  },
  'limits.newMemberLinks': {
    type: 'integer',
    default: 2,
    min: 0,
    max: 1000,
    unit: 'links',
    description: 'Links to other sites allowed in one post by a new member',
  },
  'limits.newMemberImages': {
    type: 'integer',
    default: 2,
    min: 0,
    max: 1000,
    unit: 'images',
    description: 'Images allowed in one post by a new member',
  },
  'limits.duplicateMinutes': {
    type: 'integer',
    default: 10,
    min: 0,
    max: 7 * 24 * 60,
    unit: 'minutes',
    description:
      'How long the same title and text, posted again by one member under the same post (or, for a thread, on the same board), is refused as a duplicate (0: never)',
  },
  ...(Object.assign({}, ...Object.entries(PACED).map(([action, entries]) => flatten(`limits.${action}`, entries))) as Record<
    PacedName,
    RateSetting
  >),
  // Logins and registrations (the hardening issue's limits, server/limits/limiter.ts): failed tries
  // count; a right password gives its tries back.
  'limits.login.nameAddress': rate(5, 15 * MINUTE, 'Failed logins for one name from one address'),
  'limits.login.address': rate(30, 15 * MINUTE, 'Failed logins from one address, whatever the name'),
  'limits.login.name': rate(10, 15 * MINUTE, 'Failed logins for one name from addresses and browsers it never signed in from'),
  'limits.login.nameSlow': rate(
    1,
    30,
    'Past LIMITS_LOGIN_NAME, the tries still let through for that name from new addresses and browsers (slowed, never locked)',
  ),
  'limits.register.address': rate(5, HOUR, 'Accounts created from one address'),
  'limits.conversation.member': rate(10, DAY, 'Conversations a member starts (a first 悄悄話 to someone)'),
  'limits.relation.member': rate(120, HOUR, 'Follows and ignores a member starts or stops'),
  'limits.search.address': rate(30, MINUTE, 'Searches from one address (IPv6 by /64), pages and API alike'),
  'uploads.maxBytes': {
    type: 'integer',
    default: 10 * 1024 * 1024,
    min: 1024,
    max: 100 * 1024 * 1024,
    unit: 'bytes',
    description: 'Largest image file a member may upload (refused while it streams in, before it is decoded)',
  },
  'uploads.newMemberMaxBytes': {
    type: 'integer',
    default: 5 * 1024 * 1024,
    min: 1024,
    max: 100 * 1024 * 1024,
    unit: 'bytes',
    description: 'Largest image file a new member may upload',
  },
  'uploads.maxPixels': {
    type: 'integer',
    default: 50_000_000,
    min: 10_000,
    max: 500_000_000,
    unit: 'pixels',
    description:
      'Most pixels an uploaded image may decode to, all frames of an animation together (larger: refused as a decompression bomb)',
  },
  'uploads.maxSide': {
    type: 'integer',
    default: 2560,
    min: 200,
    max: 10_000,
    unit: 'pixels',
    description: 'Longest side of a stored image: larger uploads are scaled down to it',
  },
  'uploads.unusedDays': {
    type: 'integer',
    default: 7,
    min: 1,
    max: 365,
    unit: 'days',
    description: 'How long an image that no post or 悄悄話 shows is kept before the uploads:cleanup job deletes it',
  },
  'addresses.retentionDays': {
    type: 'integer',
    default: 90,
    min: 1,
    max: 3650,
    unit: 'days',
    description: 'How long the address each post was written from is kept (admins see it; then the addresses:purge job deletes it)',
  },
  'hot.refreshSeconds': {
    type: 'integer',
    default: 5,
    min: 0,
    max: 600,
    unit: 'seconds',
    description:
      'How soon after a change each process may compute the hot threads (十大) again: lists shown meanwhile are at most this much behind (0: on the next request after every change)',
  },
  'addresses.banCacheSeconds': {
    type: 'integer',
    default: 10,
    min: 0,
    max: 600,
    unit: 'seconds',
    description: 'How long a process trusts its copy of the address bans before reading them again (0: read on every check)',
  },
  'backups.keep': {
    type: 'integer',
    default: 0,
    min: 0,
    max: 365,
    unit: 'archives',
    description:
      'Scheduled backups: archives of the whole forum the backups:nightly job keeps in DATA_DIR/backups, the oldest deleted (0: no scheduled backups)',
  },
  'backups.hour': {
    type: 'integer',
    default: 3,
    min: 0,
    max: 23,
    unit: 'hours',
    description: 'The hour of the day (in TZ_DISPLAY) when scheduled backups are made',
  },
} satisfies Record<string, SettingDefinition>;

/** A setting's name, as callers ask for it: `settings.get('limits.reply.member.burst')`. */
export type SettingName = keyof typeof SETTINGS;

/** The names of the settings that hold a rate. */
export type RateSettingName = { [N in SettingName]: (typeof SETTINGS)[N] extends RateSetting ? N : never }[SettingName];

/** A setting's value type: a Rate for a rate, a number for an integer, the text or word for the others. */
export type SettingValue<N extends SettingName> = (typeof SETTINGS)[N] extends RateSetting
  ? Rate
  : (typeof SETTINGS)[N] extends IntegerSetting
    ? number
    : (typeof SETTINGS)[N] extends ChoiceSetting<infer V>
      ? V
      : string;

/** Every value a setting may hold. */
export type AnySettingValue = Rate | number | string;

/** The environment variable that sets a setting: `limits.reply.newMember.burst` → `LIMITS_REPLY_NEW_MEMBER_BURST`. */
export const envName = (name: SettingName): string =>
  name
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/\./g, '_')
    .toUpperCase();
