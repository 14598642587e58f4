/**
 * Reads a rendered follow-up tree back: every post line (id="p<id>") in document order with the
 * number of <ul> lists it sits in, counted from the first `<ul class="tree">` after `from`.
 */
export function readTree(html: string, from = ''): { id: string; level: number }[] {
  const start = html.indexOf('<ul class="tree">', from ? html.indexOf(from) : 0);
  if (start < 0) return [];
  const out: { id: string; level: number }[] = [];
  let level = 0;
  const token = /<ul\b|<\/ul>|<span class="line[^"]*" id="p(\d+)"/g;
  token.lastIndex = start;
  for (let m = token.exec(html); m; m = token.exec(html)) {
    if (m[0] === '</ul>') {
      level--;
      if (level === 0) break;
    } else if (m[0].startsWith('<ul')) level++;
    else out.push({ id: m[1]!, level });
  }
  return out;
}
