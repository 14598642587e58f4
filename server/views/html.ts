/**
 * A tiny typed HTML runtime for TSX: every string is escaped unless it is SafeHtml, and the only
 * way to make SafeHtml from a string is `trustedHtml`, kept for bodies that went through the
 * sanitizer. Rendering builds a string directly: no virtual DOM, no recursion over the post tree.
 */

/** Markup that is already safe to send. */
export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
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

function renderChild(child: Child): string {
  if (child === null || child === undefined || child === false || child === true) return '';
  if (child instanceof SafeHtml) return child.html;
  if (Array.isArray(child)) {
    let out = '';
    for (const c of child) out += renderChild(c);
    return out;
  }
  return escapeHtml(String(child));
}

/** Joins children into one SafeHtml. */
export function Fragment(props: { children?: Child }): SafeHtml {
  return new SafeHtml(renderChild(props.children));
}

/** The JSX factory (tsconfig jsxFactory). */
export function h<P extends Props>(tag: string | Component<P>, props: P | null, ...children: Child[]): SafeHtml {
  if (typeof tag === 'function') {
    return tag({ ...(props ?? ({} as P)), children: children.length === 1 ? children[0] : children });
  }
  let out = `<${tag}`;
  if (props) {
    for (const [name, value] of Object.entries(props)) {
      if (value === null || value === undefined || value === false || name === 'children') continue;
      out += value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`;
    }
  }
  out += '>';
  if (VOID.has(tag)) return new SafeHtml(out);
  return new SafeHtml(`${out}${renderChild(children)}</${tag}>`);
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
