/**
 * The script variants readers choose, apart from the converter itself: the socket contract (which
 * the browser module type-checks against) needs the list without pulling opencc or jieba in.
 */

/** What a reader can ask for. */
export type Variant = 'zh-hans' | 'zh-hant' | 'zh-tw' | 'zh-hk';
/** What a post can be written in. */
export type SourceVariant = Variant | 'mixed' | 'other';

/** Every variant a reader can ask for, in the order the script switch shows them. */
export const VARIANTS: readonly Variant[] = ['zh-hans', 'zh-hant', 'zh-tw', 'zh-hk'];
