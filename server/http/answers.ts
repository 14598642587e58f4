import type { Request } from 'express';
import { z } from 'zod';
import type { TextCache } from '../caches';
import { shownOn, textIn } from '../text/localize';
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

/** Converts one free text (a name, a reason) of a board (null or absent: of none) for the reader. */
export type FreeText = <T extends string | null | undefined>(text: T, board?: string | null) => T;

/**
 * Free texts (a board's name or description, a ban's, report's or edit's reason) as a reader of
 * `variant` reads them (undefined: as written): their script detected, pins resolved (text/pins.ts),
 * by the glossary of the board they belong to when it is given, else the site's alone.
 */
export function freeTextIn(conversions: TextCache, variant: Variant | undefined): FreeText {
  return <T extends string | null | undefined>(text: T, board?: string | null): T =>
    (typeof text === 'string' && text ? textIn(shownOn(conversions, board), text, variant) : text) as T;
}
