/**
 * A tiny typed HTML runtime for TSX: every string is escaped unless it is SafeHtml, and the only
 * way to make SafeHtml from a string is `trustedHtml`, kept for bodies that went through the
 * sanitizer. Rendering builds a string directly: no virtual DOM, no recursion over the post tree.
 */

/**
 * Markup past about this many characters is kept as the pieces it was built from, never joined
 * into one string on the way out (`htmlBytes`). One string of a big page (a board page of 600
 * lines is ~300 KB) is a V8 "large object": making it flat takes fresh pages from the system
 * each time, and on this machine's virtual memory that page-faulting cost ~5 ms of a 7 ms board
 * page; pieces of this size are made and encoded in the young generation's reused memory
 * (docs/performance.md, "Big pages in pieces").
 */
export const PIECE_CHARS = 16_384;

/** Markup that is already safe to send: one string, or for big markup the pieces it was built from, in order. */
export class SafeHtml {
  private joined: string | undefined;
  private readonly parts: readonly string[] | undefined;

  constructor(html: string | readonly string[]) {
    if (typeof html === 'string') this.joined = html;
    else if (html.length === 1) this.joined = html[0];
    else this.parts = html;
  }

  /** The markup as one string (joined once, when it was built in pieces). */
  get html(): string {
    this.joined ??= this.parts!.join('');
    return this.joined;
  }

  /** The markup in order, as built: one piece unless it grew past PIECE_CHARS. */
  get pieces(): readonly string[] {
    return this.parts ?? [this.joined!];
  }

  toString(): string {
    return this.html;
  }
}

/**
 * Markup as it is built: appended strings, cut into a new piece once the current one passes
 * PIECE_CHARS. Adding big markup keeps its pieces.
 */
class Pieces {
  private done: string[] | undefined;
  private current = '';

  add(text: string): void {
    // Big text (a kept thread's tree of lines) is a piece of its own, never copied into another.
    if (text.length >= PIECE_CHARS) {
      const done = (this.done ??= []);
      if (this.current) done.push(this.current);
      done.push(text);
      this.current = '';
      return;
    }
    this.current += text;
    if (this.current.length >= PIECE_CHARS) {
      (this.done ??= []).push(this.current);
      this.current = '';
    }
  }

  addSafe(markup: SafeHtml): void {
    const pieces = markup.pieces;
    if (pieces.length === 1) return this.add(pieces[0]!);
    // Its first piece joins what is being built, its last starts the next.
    this.add(pieces[0]!);
    if (this.current) (this.done ??= []).push(this.current);
    for (let i = 1; i < pieces.length - 1; i++) this.done!.push(pieces[i]!);
    this.current = pieces[pieces.length - 1]!;
  }

  result(): SafeHtml {
    if (!this.done) return new SafeHtml(this.current);
    if (this.current) this.done.push(this.current);
    return new SafeHtml(this.done);
  }
}

/** The bytes of markup (UTF-8), encoded a piece at a time: a big page never becomes one string. */
export function htmlBytes(markup: SafeHtml): Buffer {
  const pieces = markup.pieces;
  if (pieces.length === 1) return Buffer.from(pieces[0]!, 'utf8');
  // One buffer, each piece encoded straight into it.
  let size = 0;
  for (const piece of pieces) size += Buffer.byteLength(piece, 'utf8');
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  for (const piece of pieces) at += bytes.write(piece, at, 'utf8');
  return bytes;
}

export type Child = SafeHtml | string | number | boolean | null | undefined | Child[];
type Props = Record<string, unknown> & { children?: Child };
type Component<P> = (props: P) => SafeHtml;

const VOID = new Set(['area', 'br', 'col', 'hr', 'img', 'input', 'link', 'meta', 'source', 'wbr']);
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an element body or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Wraps HTML that is known to be safe: sanitized post bodies and markup built by this runtime. */
export function trustedHtml(html: string): SafeHtml {
  return new SafeHtml(html);
}

function renderChild(child: Child, out: Pieces): void {
  if (child === null || child === undefined || child === false || child === true) return;
  if (child instanceof SafeHtml) return out.addSafe(child);
  if (Array.isArray(child)) {
    for (const c of child) renderChild(c, out);
    return;
  }
  out.add(escapeHtml(String(child)));
}

/** Joins children into one SafeHtml. */
export function Fragment(props: { children?: Child }): SafeHtml {
  const out = new Pieces();
  renderChild(props.children, out);
  return out.result();
}

/** The JSX factory (tsconfig jsxFactory). */
export function h<P extends Props>(tag: string | Component<P>, props: P | null, ...children: Child[]): SafeHtml {
  if (typeof tag === 'function') {
    return tag({ ...(props ?? ({} as P)), children: children.length === 1 ? children[0] : children });
  }
  let open = `<${tag}`;
  if (props) {
    for (const [name, value] of Object.entries(props)) {
      if (value === null || value === undefined || value === false || name === 'children') continue;
      open += value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`;
    }
  }
  open += '>';
  if (VOID.has(tag)) return new SafeHtml(open);
  const out = new Pieces();
  out.add(open);
  renderChild(children, out);
  out.add(`</${tag}>`);
  return out.result();
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    type Element = SafeHtml;
    interface IntrinsicElements {
      [tag: string]: Record<string, unknown>;
    }
    interface ElementChildrenAttribute {
      children: unknown;
    }
  }
}
