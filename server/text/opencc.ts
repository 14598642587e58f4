/**
 * opencc-js, loaded once for the whole application. It declares ES-module types but ships a
 * CommonJS build, which is what a CommonJS project loads; the type comes from the ESM declaration.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const OpenCC: typeof import('opencc-js', { with: { 'resolution-mode': 'import' } }) = require('opencc-js');
