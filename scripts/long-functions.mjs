// Lists the functions of server/ longer than 80 lines (or LIMIT), longest first: issue 11 asks that
// none be that long without a comment saying why. Counts from a function's first line to its last,
// arrow functions and methods included. `node scripts/long-functions.mjs [files…]`
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const limit = Number(process.env.LIMIT ?? 80);
const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
const files = process.argv.length > 2 ? process.argv.slice(2) : walk('server').filter((f) => /\.tsx?$/.test(f));

const found = [];
for (const file of files) {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, kind);
  const line = (pos) => source.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body) {
      const [start, end] = [line(node.getStart(source)), line(node.end)];
      const parent = node.parent;
      const named = node.name ?? (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) ? parent.name : undefined);
      if (end - start + 1 > limit)
        found.push({ lines: end - start + 1, where: `${file}:${start}`, name: named?.getText(source) ?? '(anonymous)' });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
for (const f of found.sort((a, b) => b.lines - a.lines)) console.log(`${f.lines}\t${f.where}\t${f.name}`);
