/** Every refusal the application can answer with; the code is part of the JSON contract. */
export type ErrorCode =
  | 'BadRequest'
  | 'InvalidJson'
  | 'InvalidUtf8'
  | 'PayloadTooLarge'
  | 'ValidationFailed'
  | 'NotLoggedIn'
  | 'SessionExpired'
  | 'InvalidCredentials'
  | 'TooManyAttempts'
  | 'RateLimited'
  | 'ServerBusy'
  | 'SessionNotFound'
  | 'NameTaken'
  | 'NameConfusable'
  | 'NotAllowed'
  | 'CrossSiteRequest'
  | 'NotFound'
  | 'BoardNotFound'
  | 'PostNotFound'
  | 'MemberNotFound'
  | 'ThreadLocked'
  | 'TooDeep'
  | 'PostDeleted'
  | 'PostNotDeleted'
  | 'Banned'
  | 'EditWindowClosed'
  | 'AlreadyReported'
  | 'ReportNotFound'
  | 'RevisionNotFound'
  | 'RevisionIsCurrent'
  | 'BanNotFound'
  | 'UnsupportedMediaType'
  | 'DatabaseUnavailable'
  | 'Internal';

/** An expected failure: answered with its status and message, never logged as a crash. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    /** Seconds after which a retry may succeed (sent as Retry-After). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (code: ErrorCode, message: string) => new AppError(404, code, message);

// PostgreSQL error classes that mean "the server is not there right now", not "your query is wrong":
// 08 connection exception, 57P01-57P03 admin/crash shutdown and cannot-connect-now.
const UNAVAILABLE_SQLSTATES = /^(08|57P0[1-3])/;
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/** True when an error says the database cannot be reached (restarting, down, or the link dropped). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.cause !== undefined && isDatabaseUnavailable(error.cause)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_ERRNOS.has(code))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
    error.message,
  );
}
