import { AppError, type ErrorCode, type ErrorParams, type Invalid, type LimitedAction } from '../../server/errors';
import { LIMITS } from '../../server/limits/limiter';
import { OpenCC } from '../../server/text/opencc';
import { hans, hant } from '../../server/views/messages';
import { localizeError } from '../../server/views/messages.errors';

// Sample params for every code, typed by code: a code added to ErrorParams without samples here
// does not build, and the loop below renders every sample in both catalogs, so an entry that
// throws or prints "undefined" for some params fails. Values members type are the same in both
// scripts here (Latin names, 灌水), so the two catalogs' own words can be compared.
const invalids: Invalid[] = [
  { kind: 'required' },
  { kind: 'type', expected: 'text' },
  { kind: 'type', expected: 'number' },
  { kind: 'type', expected: 'other' },
  { kind: 'tooLong', max: 100 },
  { kind: 'tooShort', min: 2 },
  { kind: 'length', min: 8, max: 256 },
  { kind: 'atLeast', min: 1 },
  { kind: 'atMost', max: 100000 },
  { kind: 'between', min: 1, max: 3650 },
  { kind: 'oneOf', values: ['0', '1'] },
  { kind: 'format' },
  { kind: 'hiddenCharacters' },
  { kind: 'controlCharacters' },
  { kind: 'once' },
  { kind: 'plainText', min: 1, max: 60 },
  { kind: 'plainText', min: 0, max: 500 },
  { kind: 'slug' },
  { kind: 'nameCharacters' },
  { kind: 'invisibleCharacters' },
  { kind: 'weakPassword', min: 8, distinct: 4 },
  { kind: 'commonPassword' },
  { kind: 'samePassword' },
  { kind: 'explain', why: 'delete' },
  { kind: 'explain', why: 'ban' },
  { kind: 'explain', why: 'report' },
  { kind: 'explain', why: 'reject' },
  { kind: 'notTheirPost' },
  { kind: 'email' },
];
const actions = Object.keys(LIMITS) as LimitedAction[];

const samples: { [C in ErrorCode]: ErrorParams[C][] } = {
  BadRequest: [{}],
  InvalidJson: [{}],
  InvalidUtf8: [{}],
  PayloadTooLarge: [
    { what: 'request', limit: '256kb' },
    { what: 'body', bytes: 100_001, limit: 100_000 },
    { what: 'message', bytes: 20_001, limit: 20_000 },
    { what: 'profile', bytes: 10_001, limit: 10_000 },
  ],
  ValidationFailed: [
    ...invalids.map((invalid) => ({ field: 'title', invalid })),
    { field: 'some.nested', invalid: { kind: 'format' } },
    { invalid: { kind: 'format' } },
  ],
  NotLoggedIn: [{}],
  SessionExpired: [{}],
  InvalidCredentials: [{ which: 'login' }, { which: 'currentPassword' }],
  TooManyAttempts: actions.map((action) => ({ action })),
  RateLimited: [...actions.map((action) => ({ action })), { action: 'socket:message' as const }, { paced: 'upload' as const, wait: 90 }],
  ServerBusy: [{}],
  Maintenance: [{}],
  SessionNotFound: [{}],
  NameTaken: [
    { what: 'member', name: 'Lisland_2013' },
    { what: 'board', name: 'life' },
  ],
  NameConfusable: [{ name: 'rnoon', lookalike: 'moon' }],
  NotAllowed: [
    { rule: 'authorOrModerator', action: 'edit' },
    { rule: 'authorOrModerator', action: 'delete' },
    ...(
      [
        'moderator',
        'admin',
        'siteBan',
        'banAdmin',
        'banModerator',
        'banSelf',
        'reportOwnMessage',
        'ignoreSelf',
        'followSelf',
        'adminSelf',
      ] as const
    ).map((rule) => ({ rule })),
  ],
  CrossSiteRequest: [{}],
  NotFound: [{}],
  BoardNotFound: [{ slug: 'life' }],
  BoardArchived: [{ slug: 'life' }],
  BoardNotEmpty: [{ slug: 'life', threads: 3 }],
  PostNotFound: [{}, { id: '12' }, { id: '12', notThread: true }],
  MemberNotFound: [{ name: 'ghost' }],
  AccountDeleted: [{}],
  SearchQueryInvalid: (['empty', 'tooLong', 'tooManyTerms', 'noWords', 'onlyExclusions', 'operators'] as const).map((problem) => ({
    problem,
    max: 200,
  })),
  IgnoreListFull: [{ max: 1000 }],
  ThreadLocked: [{ refused: 'reply' }, { refused: 'change' }],
  TooDeep: [{ max: 500 }],
  DuplicatePost: [
    { what: 'reply', minutes: 10 },
    { what: 'thread', minutes: 10 },
  ],
  SlowMode: [
    { seconds: 30, wait: 12 },
    { seconds: 600, wait: 300 },
  ],
  PostDeleted: [{ refused: 'reply' }, { refused: 'change' }],
  PostNotDeleted: [{}],
  Banned: [
    { scope: 'board', until: new Date('2026-12-01T04:00:00Z'), reason: '灌水', timeZone: null, board: null },
    { scope: 'site', until: new Date('2026-12-01T04:00:00Z'), reason: '灌水', timeZone: 'America/Los_Angeles', board: null },
  ],
  AddressBanned: [
    { refused: 'post', until: new Date('2026-12-01T04:00:00Z'), timeZone: 'America/New_York' },
    { refused: 'register', until: new Date('2026-12-01T04:00:00Z'), timeZone: null },
  ],
  EditWindowClosed: [{ minutes: 30 }],
  NewMemberLimit: [{ what: 'links', count: 5, max: 2 }, { what: 'images', count: 3, max: 2 }, { what: 'profileLinks' }],
  AlreadyReported: [{}, { what: 'message' }],
  ReportNotFound: [{}, { what: 'message' }],
  RevisionNotFound: [{}],
  GlossaryEntryNotFound: [{ what: 'term' }, { what: 'state' }, { what: 'flag' }],
  GlossaryFileInvalid: [{ line: 3 }],
  HeldPostNotFound: [{}],
  HeldPostDecided: [{ decision: 'approved' }, { decision: 'rejected' }],
  RevisionIsCurrent: [{}],
  BanNotFound: [{}],
  MessageNotFound: [{}],
  MessageRefused: [{}],
  CannotMessage: [{ reason: 'self' }, { reason: 'deletedAccount' }],
  NotificationNotFound: [{}],
  UnsupportedMediaType: [{ expected: 'json' }, { expected: 'utf8' }, { expected: 'multipart' }],
  DatabaseUnavailable: [{}],
  ImageRefused: [
    ...(['notImage', 'heic', 'damaged', 'blocked'] as const).map((reason) => ({ reason })),
    { reason: 'type', format: 'svg' },
    { reason: 'pixels', max: 50_000_000 },
  ],
  ImageTooLarge: [
    { limit: 10 * 1024 * 1024, newMember: false },
    { limit: 100_000, newMember: true },
  ],
  UploadNotFound: [{}],
  UploadGone: [{}],
  UnknownEvent: [{ name: 'post:new' }],
  TokenInvalid: [{ purpose: 'verify-email' }, { purpose: 'reset-password' }, { purpose: 'unsubscribe' }],
  EmailTaken: [{}],
  RegistrationRefused: [{ reason: 'closed' }, { reason: 'inviteNeeded' }, { reason: 'inviteInvalid' }],
  SettingFromEnvironment: [{ name: 'site.name', env: 'SITE_NAME' }],
  InviteNotFound: [{}],
  EmailNotVerified: [{}],
  MailUnavailable: [{}],
  UnknownTimeZone: [{ zone: 'Mars/Olympus' }],
  Internal: [{}],
};

const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });
// The scripts quote differently (「」 and “”); everything else should be the same words.
const sameQuotes = (s: string) => s.replace(/[「“]/g, '"').replace(/[」”]/g, '"');
// Words the traditional catalog (read in Taiwan and Hong Kong) says the regional way, as its
// simplified reading by OpenCC has them, and the mainland word the simplified catalog uses.
const REGIONAL_WORDS: [string, string][] = [['搜寻', '搜索']];
const sameWords = (s: string) => REGIONAL_WORDS.reduce((text, [regional, mainland]) => text.replaceAll(regional, mainland), sameQuotes(s));

// The catalogs' own words: what a refusal quotes that somebody wrote is converted by the app (tests/text/shown-pages.test.ts).
const asWritten = <T>(text: T) => text;
const say = <C extends ErrorCode>(t: typeof hant, code: C, params: ErrorParams[C]) =>
  localizeError(
    { t, timeZone: 'Asia/Shanghai', variant: t === hans ? 'zh-hans' : 'zh-hant', shown: asWritten },
    new AppError(400, code, 'English', { params } as never),
  );

describe('the error catalogs', () => {
  const cases = (Object.keys(samples) as ErrorCode[]).flatMap((code) => samples[code].map((params) => [code, params] as const));

  it('has samples for every code', () => {
    expect(new Set(cases.map(([code]) => code)).size).toBe(Object.keys(hant.errors).length);
    expect(Object.keys(hans.errors).sort()).toEqual(Object.keys(hant.errors).sort());
  });

  it.each(cases)('words %s %j in both scripts', (code, params) => {
    const traditional = say(hant, code, params);
    const simplified = say(hans, code, params);
    for (const text of [traditional, simplified]) {
      expect(text).toMatch(/\p{Script=Han}/u);
      expect(text).not.toMatch(/undefined|NaN|\[object|English/);
    }
    // Written natively in each script, yet saying the same thing: the simplified text holds no
    // traditional characters, and the traditional one, simplified by OpenCC, is the simplified one.
    expect(toSimplified(simplified)).toBe(simplified);
    expect(sameWords(toSimplified(traditional))).toBe(sameQuotes(simplified));
  });

  it('writes a ban’s end the reader’s way, in the display time zone unless the member chose one, named', () => {
    const until = new Date('2026-12-01T04:00:00Z');
    const error = new AppError(403, 'Banned', 'English', {
      params: { scope: 'board', until, reason: '灌水', timeZone: null, board: null },
    });
    expect(localizeError({ t: hans, timeZone: 'Asia/Shanghai', variant: 'zh-hans', shown: asWritten }, error)).toBe(
      '您在本版被封禁，到 2026-12-01 12:00:00 (Asia/Shanghai) 为止。理由：灌水',
    );
    expect(localizeError({ t: hant, timeZone: 'Asia/Shanghai', variant: 'zh-tw', shown: asWritten }, error)).toBe(
      '您在本版被封禁，到 2026/12/01 12:00:00 (Asia/Shanghai) 為止。理由：灌水',
    );
    const theirs = new AppError(403, 'Banned', 'English', {
      params: { scope: 'site', until, reason: '灌水', timeZone: 'America/Los_Angeles', board: null },
    });
    expect(localizeError({ t: hans, timeZone: 'Asia/Shanghai', variant: 'zh-hans', shown: asWritten }, theirs)).toBe(
      '您在全站被封禁，到 2026-11-30 20:00:00 (America/Los_Angeles) 为止。理由：灌水',
    );
  });
});
