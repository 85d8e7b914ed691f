import * as path from 'path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The layering and size rules of eslint.config.mjs are real: a file planted where it breaks one is refused by the
 * same configuration `npm run lint` uses (ESLint's lintText with the file's would-be path; nothing is written into src).
 * The import-cycle check, type-only imports included, has its own test in src/shared/no-cycles.test.ts.
 */

const ROOT = path.join(__dirname, '..', '..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The rule ids ESLint reports for `code` placed at `file` (relative to the repository). */
async function refusals(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m) => m.severity === 2).map((m) => m.ruleId ?? m.message);
}

const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';

describe('the declared layers', () => {
  it('refuse electron in the CLI, the store and the renderer', async () => {
    const code = "import { app } from 'electron';\nexport const name = app.getName();\n";
    for (const file of ['src/cli/planted.ts', 'src/store/planted.ts', 'src/renderer/src/planted.ts']) {
      expect(await refusals(file, code), file).toContain('no-restricted-imports');
    }
  });

  it('refuse Node in the renderer and the contract', async () => {
    const code = "import * as fs from 'node:fs';\nexport const read = fs.readFileSync;\n";
    for (const file of ['src/renderer/src/planted.ts', 'src/shared/planted.ts']) {
      expect(await refusals(file, code), file).toContain('no-restricted-imports');
    }
  });

  it('refuse a folder a layer may not reach: main → renderer, CLI → main, preload → store, store → main', async () => {
    const cases: [string, string][] = [
      ['src/main/planted.ts', "import { api } from '../renderer/src/api';\nexport const x = api;\n"],
      ['src/cli/planted.ts', "import * as m from '../main/settings';\nexport const x = m;\n"],
      ['src/preload/planted.ts', "import * as s from '../store';\nexport const x = s;\n"],
      ['src/store/planted.ts', "import * as m from '../main/settings';\nexport const x = m;\n"],
    ];
    for (const [file, code] of cases) expect(await refusals(file, code), file).toContain('import-x/no-restricted-paths');
  });

  it('let the database backend import nothing from the data-folder backend, and the core neither backend', async () => {
    const code = "import * as folder from '../folder/paths';\nexport const x = folder;\n";
    expect(await refusals('src/store/postgres/planted.ts', code)).toContain('import-x/no-restricted-paths');
    expect(await refusals('src/store/core/planted.ts', code)).toContain('import-x/no-restricted-paths');
    const pg = "import * as pg from '../postgres/pg-store';\nexport const x = pg;\n";
    expect(await refusals('src/store/core/planted.ts', pg)).toContain('import-x/no-restricted-paths');
    expect(await refusals('src/store/folder/planted.ts', pg)).toContain('import-x/no-restricted-paths');
  });

  it('accept what each layer may import', async () => {
    expect(await refusals('src/cli/planted.ts', "import { openStore } from '../store';\nexport const x = openStore;\n")).toEqual([]);
    expect(await refusals('src/renderer/src/planted.ts', "import * as e from '../../shared/errors';\nexport const x = e;\n")).toEqual([]);
  });
});

describe('files of one job', () => {
  it('refuse a 301-line file anywhere in src, and accept 300 lines', async () => {
    for (const file of ['src/main/planted.ts', 'src/renderer/src/planted.tsx', 'src/shared/planted.ts', 'src/cli/planted.ts']) {
      expect(await refusals(file, lines(301)), file).toContain('max-lines');
      expect(await refusals(file, lines(300)), file).not.toContain('max-lines');
    }
  });
});
