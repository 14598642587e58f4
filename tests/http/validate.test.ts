import { z } from 'zod';
import { AppError, type Invalid } from '../../server/errors';
import { parseInput, wholeNumber } from '../../server/http/validate';

const schema = z.object({
  title: z.string({ error: 'a title is required (a string)' }).max(10, 'is far too long'),
  name: z.string().min(2, 'is too short').optional(),
  page: wholeNumber('must be a page number').pipe(z.number().min(1, 'must be a page number').max(100)).default(1),
  featured: z.enum(['0', '1'], { error: 'must be 0 or 1' }).optional(),
  tags: z.array(z.string()).optional(),
  id: z.string().regex(/^\d+$/, 'must be an id').optional(),
});

/** What parseInput refuses `input` with: the field, the kind for the catalogs, and the English message. */
function refusal(input: unknown) {
  try {
    parseInput(schema, input);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'ValidationFailed') throw error;
    const { field, invalid } = error.params as { field?: string; invalid: Invalid };
    return { field, invalid, message: error.message };
  }
  throw new Error('accepted');
}

describe('parseInput', () => {
  it.each<[string, unknown, { field: string; invalid: Invalid; message: string }]>([
    ['a missing field', {}, { field: 'title', invalid: { kind: 'required' }, message: 'title: a title is required (a string)' }],
    [
      'text of the wrong type',
      { title: 5 },
      { field: 'title', invalid: { kind: 'type', expected: 'text' }, message: 'title: a title is required (a string)' },
    ],
    [
      'text too long',
      { title: 'x'.repeat(11) },
      { field: 'title', invalid: { kind: 'tooLong', max: 10 }, message: 'title: is far too long' },
    ],
    ['text too short', { title: 'x', name: 'a' }, { field: 'name', invalid: { kind: 'tooShort', min: 2 }, message: 'name: is too short' }],
    [
      'a number below its least',
      { title: 'x', page: '0' },
      { field: 'page', invalid: { kind: 'atLeast', min: 1 }, message: 'page: must be a page number' },
    ],
    [
      'a number above its most',
      { title: 'x', page: 101 },
      { field: 'page', invalid: { kind: 'atMost', max: 100 }, message: 'page: Too big: expected number to be <=100' },
    ],
    [
      'not a whole number',
      { title: 'x', page: 'two' },
      { field: 'page', invalid: { kind: 'type', expected: 'number' }, message: 'page: must be a page number' },
    ],
    [
      'none of the choices',
      { title: 'x', featured: '2' },
      { field: 'featured', invalid: { kind: 'oneOf', values: ['0', '1'] }, message: 'featured: must be 0 or 1' },
    ],
    [
      'a list of the wrong things',
      { title: 'x', tags: [1] },
      { field: 'tags.0', invalid: { kind: 'type', expected: 'text' }, message: expect.stringMatching(/^tags\.0: /) },
    ],
    ['text in the wrong form', { title: 'x', id: 'abc' }, { field: 'id', invalid: { kind: 'format' }, message: 'id: must be an id' }],
  ])('names the field and the kind of problem for %s, keeping the English message', (_what, input, expected) => {
    expect(refusal(input)).toEqual(expected);
  });

  it('refuses input that is not an object as a whole', () => {
    expect(refusal('text')).toEqual({ field: undefined, invalid: { kind: 'type', expected: 'other' }, message: expect.any(String) });
  });
});
