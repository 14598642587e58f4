import { z } from 'zod';
import { type Invalid, validationFailed } from '../errors';

/** Parses input with a zod schema; a mismatch is a 400 naming the field and what was expected. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const given = input ?? {};
  const result = schema.safeParse(given);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  const missing = valueAt(given, issue.path) === undefined;
  throw validationFailed(field || undefined, invalidOf(issue, missing), field ? `${field}: ${issue.message}` : issue.message);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * What the catalogs say for a zod issue. The schemas' own messages are the English ones; these
 * are the kinds every schema here can produce, worded once per script.
 */
function invalidOf(issue: z.core.$ZodIssue, missing: boolean): Invalid {
  switch (issue.code) {
    case 'invalid_type':
      if (missing) return { kind: 'required' };
      return {
        kind: 'type',
        expected: issue.expected === 'string' ? 'text' : issue.expected === 'number' || issue.expected === 'int' ? 'number' : 'other',
      };
    case 'too_big':
      return issue.origin === 'number' || issue.origin === 'int'
        ? { kind: 'atMost', max: Number(issue.maximum) }
        : { kind: 'tooLong', max: Number(issue.maximum) };
    case 'too_small':
      return issue.origin === 'number' || issue.origin === 'int'
        ? { kind: 'atLeast', min: Number(issue.minimum) }
        : { kind: 'tooShort', min: Number(issue.minimum) };
    case 'invalid_value':
      return { kind: 'oneOf', values: issue.values.map(String) };
    case 'invalid_union': {
      // A union (wholeNumber: a number, or digits) is worded by what its first choice expected.
      const first = issue.errors[0]?.[0];
      return first ? invalidOf(first, missing) : { kind: 'format' };
    }
    default:
      return { kind: 'format' };
  }
}

/**
 * A whole number from JSON (a number) or from a form or query string (digits). Unlike
 * z.coerce.number, it takes no arrays, booleans, null or empty text (which coerce to numbers).
 */
export const wholeNumber = (message: string) =>
  z.union(
    [
      z.number().int(),
      z
        .string()
        .regex(/^\s*[0-9]{1,15}\s*$/)
        .transform(Number),
    ],
    { error: message },
  );
