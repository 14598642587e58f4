import type { z } from 'zod';
import { AppError } from '../errors';

/** Parses input with a zod schema; a mismatch is a 400 naming the field and what was expected. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  throw new AppError(400, 'ValidationFailed', field ? `${field}: ${issue.message}` : issue.message);
}
