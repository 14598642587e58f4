import type { Request } from 'express';
import { z } from 'zod';
import { VARIANTS, type Variant } from '../variants';
import { parseInput } from './validate';

// The script variant of a JSON answer (docs/api.md, "Script variants"): every answer that shows
// text somebody wrote (a title, a body, a board's name, a reason) takes `variant=`, and without
// it shows the text as written, pins resolved.

/** `variant=`: the texts of the answer converted for a reader of this variant; absent = as written. */
export const variantParam = z.enum(VARIANTS as [Variant, ...Variant[]], { error: `must be one of ${VARIANTS.join(', ')}` }).optional();

const variantQuery = z.object({ variant: variantParam });

/** The `variant=` an API request asks its texts in (400 `ValidationFailed` for another value); undefined: as written. */
export function answerVariant(req: Request): Variant | undefined {
  return parseInput(variantQuery, { variant: req.query.variant }).variant;
}

export type { FreeText } from '../text/localize';
export { freeTextIn } from '../text/localize';
