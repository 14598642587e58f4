/**
 * The lines of a cached window, packed: every number of every line in one Int32Array, and the
 * ids and authors' names in one string with their offsets in another. A window of 500 lines was
 * 500 objects, their property arrays and 1,500 strings, kept for minutes and marked again by every
 * full garbage collection (a heap snapshot of the soak's server put the lines cache at 77,000
 * objects after 150 s); packed, it is five, whatever its size. Lines are read back one field at a
 * time (`id(i)`, `start(i)`…), or whole (`line(i)`) where a window is patched.
 *
 * Imports nothing of Gentie's, as caches.ts.
 */

/** One line of a rendered window: its post and author, and its offsets in the markup. */
export interface RenderedLine {
  id: string;
  authorId: string;
  author: string;
  /** The post's depth in its thread, and its whole subtree's size (the fold's count). */
  depth: number;
  replyCount: number;
  /** The line's <span class="line"> starts here, its opening tag ends at `open`, and it ends before `end`. */
  start: number;
  open: number;
  end: number;
  /**
   * Where a last follow-up under this line would go: inside its list of follow-ups, or (`leaf`)
   * where a list of its own would go, for a line with none in the window.
   */
  children?: number;
  leaf?: boolean;
}

// The numbers of line i are at i * NUMBERS + one of these.
const DEPTH = 0;
const REPLIES = 1;
const START = 2;
const OPEN = 3;
const END = 4;
const CHILDREN = 5;
const LEAF = 6;
const NUMBERS = 7;
/** `children` when a line has none. */
const NONE = -1;

// The strings of line i: id, author id, name, from offsets[i * 3] to offsets[i * 3 + 3].
const STRINGS = 3;

export class LineSpans {
  /** No lines: a board page's tree of one thread keeps none (posts.index.cache.ts). */
  static readonly none = new LineSpans([]);

  readonly length: number;
  private readonly numbers: Int32Array;
  private readonly offsets: Int32Array;
  private readonly text: string;

  constructor(lines: readonly RenderedLine[]) {
    this.length = lines.length;
    this.numbers = new Int32Array(lines.length * NUMBERS);
    this.offsets = new Int32Array(lines.length * STRINGS + 1);
    const parts: string[] = [];
    let at = 0;
    lines.forEach((line, i) => {
      const n = i * NUMBERS;
      this.numbers[n + DEPTH] = line.depth;
      this.numbers[n + REPLIES] = line.replyCount;
      this.numbers[n + START] = line.start;
      this.numbers[n + OPEN] = line.open;
      this.numbers[n + END] = line.end;
      this.numbers[n + CHILDREN] = line.children ?? NONE;
      this.numbers[n + LEAF] = line.leaf ? 1 : 0;
      for (const [k, s] of [line.id, line.authorId, line.author].entries()) {
        this.offsets[i * STRINGS + k] = at;
        parts.push(s);
        at += s.length;
      }
    });
    this.offsets[lines.length * STRINGS] = at;
    // join: one flat string (caches.ts flat), never a rope of the pieces.
    this.text = parts.join('');
  }

  private string(i: number, k: number): string {
    const o = i * STRINGS + k;
    return this.text.slice(this.offsets[o], this.offsets[o + 1]);
  }

  id(i: number): string {
    return this.string(i, 0);
  }

  authorId(i: number): string {
    return this.string(i, 1);
  }

  author(i: number): string {
    return this.string(i, 2);
  }

  depth(i: number): number {
    return this.numbers[i * NUMBERS + DEPTH]!;
  }

  replyCount(i: number): number {
    return this.numbers[i * NUMBERS + REPLIES]!;
  }

  start(i: number): number {
    return this.numbers[i * NUMBERS + START]!;
  }

  open(i: number): number {
    return this.numbers[i * NUMBERS + OPEN]!;
  }

  end(i: number): number {
    return this.numbers[i * NUMBERS + END]!;
  }

  children(i: number): number | undefined {
    const at = this.numbers[i * NUMBERS + CHILDREN]!;
    return at === NONE ? undefined : at;
  }

  leaf(i: number): boolean {
    return this.numbers[i * NUMBERS + LEAF] === 1;
  }

  /** Line i whole, as it was given. */
  line(i: number): RenderedLine {
    const children = this.children(i);
    return {
      id: this.id(i),
      authorId: this.authorId(i),
      author: this.author(i),
      depth: this.depth(i),
      replyCount: this.replyCount(i),
      start: this.start(i),
      open: this.open(i),
      end: this.end(i),
      ...(children !== undefined && { children }),
      ...(this.leaf(i) && { leaf: true }),
    };
  }

  /** Every line whole, in order. */
  lines(): RenderedLine[] {
    return Array.from({ length: this.length }, (_, i) => this.line(i));
  }

  /** What the packed lines take in memory, in bytes (caches.ts counts it in the entry's size). */
  get bytes(): number {
    return this.numbers.byteLength + this.offsets.byteLength + this.text.length * 2 + 3 * 64;
  }
}
