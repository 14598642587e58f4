/** Every refusal the application can answer with; the code is part of the JSON contract. */
export type ErrorCode = keyof ErrorParams;

/**
 * Every rate-limited action (server/limits/limiter.ts holds their numbers). Named here, beneath
 * the limiter, because each one's refusal is worded in the catalogs: a new action does not build
 * until both catalogs say it.
 */
export type LimitedAction =
  | 'login:name-address'
  | 'login:address'
  | 'login:name'
  | 'login:name-slow'
  | 'register:address'
  | 'password:member'
  | 'password-reset:address'
  | 'password-reset:login'
  | 'email:verify'
  | 'conversation:member'
  | 'export:member'
  | 'relation:member'
  | 'search:address'
  | 'preview:member';

/** Why a search query cannot be run (server/text/search-terms.ts parseQuery); each is worded in the catalogs. */
export type SearchProblem = 'empty' | 'tooLong' | 'tooManyTerms' | 'noWords' | 'onlyExclusions' | 'operators';

/**
 * Actions paced per member and per address, each in a burst and a sustained window
 * (server/limits/paced.ts): their refusal says how long until the member may try again.
 */
export type PacedAction = 'thread' | 'reply' | 'edit' | 'report' | 'message' | 'upload';

/**
 * What was wrong with one field, in a form each catalog can word (server/views/messages.errors.ts).
 * The English message beside it stays as it was; this is what the reader's script is built from.
 */
export type Invalid =
  | { kind: 'required' }
  | { kind: 'type'; expected: 'text' | 'number' | 'other' }
  | { kind: 'tooLong'; max: number }
  | { kind: 'tooShort'; min: number }
  | { kind: 'length'; min: number; max: number }
  | { kind: 'atLeast'; min: number }
  | { kind: 'atMost'; max: number }
  | { kind: 'between'; min: number; max: number }
  | { kind: 'oneOf'; values: readonly string[] }
  | { kind: 'format' }
  /** Not a count per window (a rate setting): `example` is one such as 6/1m. */
  | { kind: 'rate'; example: string }
  /** Control, zero-width or text-direction characters (titles, reasons, names). */
  | { kind: 'hiddenCharacters' }
  /** C0 control characters other than tab and line breaks, in any field of any request. */
  | { kind: 'controlCharacters' }
  /** A query parameter given more than once, or not as text. */
  | { kind: 'once' }
  /** Plain text shown on pages (board names, descriptions): a length, and no hidden characters. */
  | { kind: 'plainText'; min: number; max: number }
  | { kind: 'slug' }
  | { kind: 'nameCharacters' }
  | { kind: 'invisibleCharacters' }
  | { kind: 'weakPassword'; min: number; distinct: number }
  | { kind: 'commonPassword' }
  | { kind: 'samePassword' }
  /** A reason the rules require: to delete another member's post, to ban, to report. */
  | { kind: 'explain'; why: 'delete' | 'ban' | 'report' | 'reject' }
  /** A ban's postId that is not a post by the banned member on the board. */
  | { kind: 'notTheirPost' }
  /** Not an email address (name@example.org). */
  | { kind: 'email' };

type None = Record<never, never>;

/**
 * The parameters each code's message is written from, by code. A catalog entry gets exactly these
 * (server/views/messages.errors.ts), so every code must have its words in both scripts, and every
 * throw must give what its words need.
 */
export interface ErrorParams {
  BadRequest: None;
  InvalidJson: None;
  InvalidUtf8: None;
  /** `body`: a post's sanitized body; `message`: a 悄悄話's; `profile`: a member's home-page profile (people/). */
  PayloadTooLarge: { what: 'request'; limit: string } | { what: 'body' | 'message' | 'profile'; bytes: number; limit: number };
  /** `field` as the request names it (title, reason, page…); absent when the whole input is wrong. */
  ValidationFailed: { field?: string; invalid: Invalid };
  NotLoggedIn: None;
  SessionExpired: None;
  InvalidCredentials: { which: 'login' | 'currentPassword' };
  /** `tries` in `seconds`: the limit as applied (times RATE_LIMIT_MULTIPLIER), for the words that say it. */
  TooManyAttempts: { action: LimitedAction; tries?: number; seconds?: number };
  /**
   * `socket:message`: one socket.io connection sent more than its allowance (server/realtime).
   * `paced`: a paced action came too fast; `wait` is the seconds until it may be tried again.
   */
  RateLimited: { action: LimitedAction | 'socket:message'; tries?: number; seconds?: number } | { paced: PacedAction; wait: number };
  ServerBusy: None;
  /** The forum is read-only while `gentie import` restores an archive (server/backup/). */
  Maintenance: None;
  SessionNotFound: None;
  NameTaken: { what: 'member' | 'board'; name: string };
  NameConfusable: { name: string; lookalike: string };
  NotAllowed:
    | { rule: 'authorOrModerator'; action: 'edit' | 'delete' }
    | {
        rule:
          | 'moderator'
          | 'admin'
          | 'siteBan'
          | 'banAdmin'
          | 'banModerator'
          | 'banSelf'
          | 'reportOwnMessage'
          | 'ignoreSelf'
          | 'followSelf'
          | 'adminSelf';
      };
  CrossSiteRequest: None;
  NotFound: None;
  BoardNotFound: { slug: string };
  /** The board is archived: read-only until an admin unarchives it (admin/admin.boards.ts). */
  BoardArchived: { slug: string };
  /** Only an empty board can be deleted; this one holds `threads` threads or held posts. */
  BoardNotEmpty: { slug: string; threads: number };
  /** `id` when the request named one; `notThread` when a thread change named a follow-up. */
  PostNotFound: { id?: string; notThread?: boolean };
  MemberNotFound: { name: string };
  /** /u/已註銷用戶: the name every deleted account's kept posts are shown under, nobody's home page. */
  AccountDeleted: None;
  /** A search query that cannot be run; `max` is the limit passed (characters or terms). */
  SearchQueryInvalid: { problem: SearchProblem; max: number };
  /** A member may ignore at most `max` others (members/ignores.repository.ts IGNORE_MAX). */
  IgnoreListFull: { max: number };
  /** `reply`: no new follow-ups; `change`: only moderators may edit or delete in it. */
  ThreadLocked: { refused: 'reply' | 'change' };
  TooDeep: { max: number };
  /**
   * The same title and text again from one member, under the same post (`reply`) or on the same
   * board (`thread`), within `minutes` (limits.duplicateMinutes; text/fingerprint.ts).
   */
  DuplicatePost: { what: 'reply' | 'thread'; minutes: number };
  /** The thread is in slow mode: one follow-up per `seconds` per member; `wait` seconds to go. */
  SlowMode: { seconds: number; wait: number };
  /** `reply`: the post replied to is deleted; `change`: the post to edit or delete is. */
  PostDeleted: { refused: 'reply' | 'change' };
  PostNotDeleted: None;
  /**
   * `timeZone`: the member's own (their `until` is shown in it, named), null for the site's;
   * `reason`, as the moderator wrote it, is shown by `board`'s glossary (its id; null: the site's).
   */
  Banned: { scope: 'board' | 'site'; until: Date; reason: string; timeZone: string | null; board: string | null };
  /**
   * The request's address is in a range an admin banned (limits/address-bans.ts) until `until`,
   * shown in `timeZone` (the member's own, null for the site's), named, as Banned's is.
   */
  AddressBanned: { refused: 'post' | 'register'; until: Date; timeZone: string | null };
  EditWindowClosed: { minutes: number };
  /**
   * A new member's post with more links to other sites (or images) than limits.newMemberLinks
   * (newMemberImages) allow; `profileLinks`: a new member's profile with a link in it.
   */
  NewMemberLimit: { what: 'links' | 'images'; count: number; max: number } | { what: 'profileLinks' };
  /** `what: 'message'` for a 悄悄話 (absent: a post). */
  AlreadyReported: { what?: 'message' };
  /** `what: 'message'`: a 悄悄話's report that is not open (absent: a post's). */
  ReportNotFound: { what?: 'message' };
  RevisionNotFound: None;
  /** A glossary's term, past state or flagged conversion that is not there (any more). */
  GlossaryEntryNotFound: { what: 'term' | 'state' | 'flag' };
  /** A glossary file a line of which cannot be read (`line`, from 1). */
  GlossaryFileInvalid: { line: number };
  /**
   * A held post (the review queue) that is not there for the one asking: missing, or neither
   * theirs nor on a board they moderate (the two look the same).
   */
  HeldPostNotFound: None;
  /** A held post a moderator already approved or rejected. */
  HeldPostDecided: { decision: 'approved' | 'rejected' };
  RevisionIsCurrent: None;
  BanNotFound: None;
  /**
   * A 悄悄話 that is not there for the one asking: missing, deleted on their side, or between two
   * other members (moderators and admins included). The same answer in every case, with no id.
   */
  MessageNotFound: None;
  /** The addressee does not take this member's 悄悄話 (worded neutrally: an ignore is never revealed). */
  MessageRefused: None;
  /** A 悄悄話 to oneself, or to a deleted account. */
  CannotMessage: { reason: 'self' | 'deletedAccount' };
  /** A notification that is not there, or not the member's own (the two look the same). */
  NotificationNotFound: None;
  /** `multipart`: an upload (POST /api/uploads, /upload) sent as anything but multipart/form-data. */
  UnsupportedMediaType: { expected: 'json' | 'utf8' | 'multipart' };
  DatabaseUnavailable: None;
  /**
   * An upload that is not an image Gentie takes (server/uploads/uploads.images.ts): not an image
   * at all (whatever its name says), another `format` (svg, tiff…), an HEIC photo the decoder
   * cannot read, a damaged or truncated file, more than `max` pixels (a decompression bomb), or a
   * picture a moderator blocked.
   */
  ImageRefused:
    { reason: 'notImage' | 'heic' | 'damaged' | 'blocked' } | { reason: 'type'; format: string } | { reason: 'pixels'; max: number };
  /** An upload bigger than `limit` bytes (uploads.maxBytes, uploads.newMemberMaxBytes for a new member). */
  ImageTooLarge: { limit: number; newMember: boolean };
  /** No upload by this id (a content hash); or a thumbnail asked for by another extension. */
  UploadNotFound: None;
  /** An upload a moderator purged: served nowhere any more (410). */
  UploadGone: None;
  /** A socket.io event outside the contract; `name` as sent, cut to 40 characters. */
  UnknownEvent: { name: string };
  /** A link from an email (or an admin's one-time link) that is unknown, expired or already used. */
  TokenInvalid: { purpose: 'verify-email' | 'reset-password' | 'unsubscribe' };
  /**
   * Registration refused by the site's registration mode (registration.mode): `closed`, nobody
   * registers; `inviteNeeded`, only with an invite link; `inviteInvalid`, the invite given is
   * unknown, expired, revoked or used up.
   */
  RegistrationRefused: { reason: 'closed' | 'inviteNeeded' | 'inviteInvalid' };
  /** A setting its environment variable `env` sets: it wins, so the console cannot change it. */
  SettingFromEnvironment: { name: string; env: string };
  /** An invite (admin console) that does not exist. */
  InviteNotFound: None;
  /** The address is verified by another account (one account per address). */
  EmailTaken: None;
  /** The digest needs a verified address. */
  EmailNotVerified: None;
  /** The SMTP server refused the email or could not be reached. */
  MailUnavailable: None;
  /** A member's own time zone (/settings) that Intl does not know. */
  UnknownTimeZone: { zone: string };
  Internal: None;
}

/** How an AppError is made beyond its status, code and message. */
export interface AppErrorOptions<C extends ErrorCode> {
  /** What the catalogs need to say this refusal in the reader's script. */
  params: ErrorParams[C];
  /** Seconds after which a retry may succeed (sent as Retry-After). */
  retryAfter?: number;
}

// Codes whose words need nothing may leave the options out; the rest must give their params.
type OptionsArgument<C extends ErrorCode> = None extends ErrorParams[C]
  ? [options?: Partial<AppErrorOptions<C>>]
  : [options: AppErrorOptions<C>];

/**
 * An expected failure: answered with its status, never logged as a crash. `message` is English
 * and stable (clients and logs match on it); `params` are what the catalogs word it from, in the
 * reader's script (server/views/messages.errors.ts).
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly params: ErrorParams[C];
  /** Seconds after which a retry may succeed (sent as Retry-After). */
  readonly retryAfter?: number;

  constructor(
    readonly status: number,
    readonly code: C,
    message: string,
    ...[options]: OptionsArgument<C>
  ) {
    // An expected refusal (a 4xx: rate limited, not found, invalid) is answered, never logged with
    // its stack: built without one, which was most of its cost (about 25 of 30 µs at a handler's
    // depth, docs/performance.md "Posting limits"). A 5xx keeps its stack for the log.
    const limit = Error.stackTraceLimit;
    if (status < 500) Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'AppError';
    this.params = (options?.params ?? {}) as ErrorParams[C];
    this.retryAfter = options?.retryAfter;
  }
}

/** A 404 for a missing thing. */
export const notFound = <C extends ErrorCode>(code: C, message: string, ...options: OptionsArgument<C>) =>
  new AppError(404, code, message, ...options);

/** A 400 ValidationFailed: `field` (as the request names it, if one) and what was wrong with it. */
export const validationFailed = (field: string | undefined, invalid: Invalid, message: string) =>
  new AppError(400, 'ValidationFailed', message, { params: field === undefined ? { invalid } : { field, invalid } });

// PostgreSQL error classes that mean "the server is not there right now", not "your query is wrong":
// 08 connection exception, 57P01-57P03 admin/crash shutdown and cannot-connect-now.
const UNAVAILABLE_SQLSTATES = /^(08|57P0[1-3])/;
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/**
 * True when an error says the database cannot be reached (restarting, down, or the link dropped).
 * Read by its shape, not `instanceof Error`: node's socket errors come from its own realm (not
 * the one of a vm context, such as jest's), and a connection to a name with several addresses
 * fails with an AggregateError of one refusal per address.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return unavailable(error, 0);
}

function unavailable(error: unknown, depth: number): boolean {
  if (error === null || typeof error !== 'object' || depth > 4) return false;
  const e = error as { cause?: unknown; code?: unknown; message?: unknown; errors?: unknown };
  if (e.cause !== undefined && unavailable(e.cause, depth + 1)) return true;
  if (Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((inner) => unavailable(inner, depth + 1))) return true;
  if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATES.test(e.code) || UNAVAILABLE_ERRNOS.has(e.code))) return true;
  return (
    typeof e.message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(e.message)
  );
}
