import { z } from 'zod';
import { AppError } from '../errors';

/** Parses input with a zod schema; a mismatch is a 400 naming the field and what was expected. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  throw new AppError(400, 'ValidationFailed', field ? `${field}: ${issue.message}` : issue.message);
}

/**
 * A whole number from JSON (a number) or from a form or query string (digits). Unlike
 * z.coerce.number, it takes no arrays, booleans, null or empty text (which coerce to numbers).
 */
export const wholeNumber = (message: string) =>
  z.union([z.number().int(), z.string().regex(/^\s*[0-9]{1,15}\s*$/).transform(Number)], { error: message });
