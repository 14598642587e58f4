import { execFileSync } from 'node:child_process';
import path from 'node:path';

// The layer rule of eslint.config.mjs, shown on snippets placed in the tree: imports go down the
// layers, never across a layer or up, and client/ takes only types from the event contract. The
// config is an ES module that jest cannot load, so a script runs ESLint and answers in JSON.

const ROOT = path.join(__dirname, '..', '..');

interface Finding {
  ruleId: string | null;
  message: string;
}
interface Answer {
  findings: Finding[][];
  stale: string[];
  unplaced: string[];
}

const snippets: Record<string, { filePath: string; code: string }> = {
  upward: {
    filePath: 'server/text/bad.ts',
    code: "import { createThread } from '../posts/posts.service';\nexport const f = createThread;\n",
  },
  upwardTypeOnly: { filePath: 'server/views/bad.ts', code: "import type { Post } from '../posts/posts.service';\nexport type P = Post;\n" },
  upwardReExport: {
    filePath: 'server/db/bad.ts',
    code: "export { AppError } from '../errors';\nexport * from '../members/members.service';\n",
  },
  upwardDynamic: { filePath: 'server/http/bad.ts', code: "export const load = () => import('../realtime/realtime.hub');\n" },
  upwardInType: { filePath: 'server/text/bad.ts', code: "export type T = typeof import('../posts/posts.service');\n" },
  sameLayer: {
    filePath: 'server/members/bad.ts',
    code: "import { getBoard } from '../boards/boards.service';\nexport const f = getBoard;\n",
  },
  upwardFromRealFile: {
    filePath: 'server/posts/posts.repository.ts',
    code: "import { editPost } from '../moderation/moderation.service';\nexport const f = editPost;\n",
  },
  downward: {
    filePath: 'server/posts/ok.ts',
    code: "import { utf8Bytes } from '../text/bytes';\nimport type { Database } from '../db/database';\nimport { getBoard } from '../boards/boards.service';\nexport { utf8Bytes, getBoard };\nexport type D = Database;\n",
  },
  clientValueFromContract: {
    filePath: 'client/bad.ts',
    code: "import { CLIENT_EVENT_SCHEMAS } from '../server/realtime/realtime.events';\nexport const s = CLIENT_EVENT_SCHEMAS;\n",
  },
  clientTypeFromContract: {
    filePath: 'client/ok.ts',
    code: "import type { JoinAck } from '../server/realtime/realtime.events';\nexport type A = JoinAck;\n",
  },
  clientTypeFromElsewhere: {
    filePath: 'client/bad.ts',
    code: "import type { Post } from '../server/posts/posts.service';\nexport type P = Post;\n",
  },
  migrationImportsApp: {
    filePath: 'migrations/2099_01_01_001_bad.ts',
    code: "import { utf8Bytes } from '../server/text/bytes';\nexport const f = utf8Bytes;\n",
  },
  testsImportAnything: {
    filePath: 'tests/bad.test.ts',
    code: "import { createThread } from '../server/posts/posts.service';\nexport const f = createThread;\n",
  },
};
const names = Object.keys(snippets);

let answer: Answer;
const findings = (name: string) => answer.findings[names.indexOf(name)]!;
const messages = (name: string) => findings(name).map((f) => f.message);

beforeAll(() => {
  const input = JSON.stringify({ snippets: Object.values(snippets) });
  const stdout = execFileSync(process.execPath, [path.join(ROOT, 'tests', 'helpers', 'layers.mjs')], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
  });
  answer = JSON.parse(stdout) as Answer;
}, 60_000);

describe('the layer rule', () => {
  it('refuses an import from a layer above', () => {
    expect(messages('upward')).toEqual([expect.stringContaining('server/text is below server/posts')]);
  });

  it('counts type-only imports, re-exports and dynamic imports too', () => {
    expect(messages('upwardTypeOnly')).toEqual([expect.stringContaining('server/views is below server/posts')]);
    expect(messages('upwardReExport')).toEqual([expect.stringContaining('server/db is below server/members')]);
    expect(messages('upwardDynamic')).toEqual([expect.stringContaining('server/http is below server/realtime')]);
  });

  it('refuses `typeof import()` of another folder, which it could not follow', () => {
    expect(findings('upwardInType')).toEqual([expect.objectContaining({ ruleId: 'no-restricted-syntax' })]);
  });

  it('refuses an import between two members of one layer', () => {
    expect(messages('sameLayer')).toEqual([expect.stringContaining('server/members and server/boards are on the same layer')]);
  });

  it('refuses an upward import in an existing file too (there are no exceptions)', () => {
    expect(messages('upwardFromRealFile')).toEqual([expect.stringContaining('server/posts is below server/moderation')]);
  });

  it('allows imports that go down', () => {
    expect(findings('downward')).toEqual([]);
  });

  it('lets client/ take only types, and only from the event contract', () => {
    expect(findings('clientValueFromContract')).toEqual([
      expect.objectContaining({ ruleId: '@typescript-eslint/no-restricted-imports', message: expect.stringContaining('import type') }),
    ]);
    expect(findings('clientTypeFromContract')).toEqual([]);
    expect(messages('clientTypeFromElsewhere')).toEqual([expect.stringContaining('client/ takes only the types of the event contract')]);
  });

  it('keeps migrations apart from the app, and leaves tests free', () => {
    expect(messages('migrationImportsApp')).toEqual([expect.stringContaining('Migrations never import app code')]);
    expect(findings('testsImportAnything')).toEqual([]);
  });

  it('has no exception left whose import is gone (delete it from LAYER_EXCEPTIONS)', () => {
    expect(answer.stale).toEqual([]);
  });

  it('places every folder and file of server/ on a layer (add new ones to LAYERS)', () => {
    expect(answer.unplaced).toEqual([]);
  });
});
