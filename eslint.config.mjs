// `npm run lint` (and the first step of `npm test`): a small rule set (typescript-eslint's recommended rules,
// React's rules of hooks) plus the LAYERING of the source tree, checked rather than kept by convention:
//   src/shared       imports nothing of ours but itself, and no Node built-in or electron (the renderer uses it too);
//   src/store        plain Node: never electron, never src/main, src/preload or src/renderer; files of one job
//                    each, none over 300 lines (max-lines below);
//   src/renderer     only its own files and src/shared; never electron nor a Node built-in (so no fs, sync or not:
//                    the renderer never touches disk, it asks the main process through window.lockstep).
// Test files (*.test.ts[x]) run under Node in Vitest and may reach test/ fixtures and fs; the zones skip them.
// Formatting: Prettier (.prettierrc.json), checked by `npm run lint` and the lint step of `npm test`.
// No import cycles anywhere in src (import-x/no-cycle): src/shared in particular is a tree with model.ts at its root,
// so a type or rule can always be moved down without dragging a loop along.
// Zones use ESLint's core `no-restricted-imports` (regex patterns generated per folder below) so they need no
// import resolver: a relative import is judged by the folder it climbs to.
import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';

const root = fileURLToPath(new URL('.', import.meta.url));
const tests = ['**/*.test.ts', '**/*.test.tsx'];
// `fs`, `fs/promises`, `node:fs`…: top-level names only (`\\W` covers the `/` of a sub-path; no slash in the regex,
// which esquery's selector syntax could not read).
const builtins = [...new Set(builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.split('/')[0]))];
const builtinRegex = `^(node:|(${builtins.join('|')})(\\W|$))`;

/** Every folder under `dir` (itself included), as root-relative paths with forward slashes. */
function foldersUnder(dir) {
  const out = [dir];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(...foldersUnder(`${dir}/${entry.name}`));
  }
  return out;
}

const inside = (folder, prefix) => folder === prefix || folder.startsWith(`${prefix}/`);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One config block per folder of a zone: for files directly in `folder`, a relative import that climbs `k` levels
 * (`../` k times) lands in an ancestor; it is allowed when that ancestor lies inside an allowed folder, or when the
 * rest of the path goes down into one; everything else is reported. `alsoForbidden` adds bare module names.
 */
function zone(name, top, allowed, alsoForbidden, message) {
  return foldersUnder(top).map((folder) => {
    const parts = folder.split('/');
    const patterns = [];
    for (let k = 1; k <= parts.length; k++) {
      const ancestor = parts.slice(0, parts.length - k).join('/');
      if (allowed.some((a) => inside(ancestor, a))) continue;
      const downInto = allowed
        .filter((a) => ancestor === '' || a.startsWith(`${ancestor}/`))
        .map((a) => relative(join(root, ancestor), join(root, a)).split(sep).join('/'));
      const lookahead = downInto.map((d) => `(?!${escape(d)}(/|$))`).join('');
      patterns.push(`^(\\.\\./){${k}}(?!\\.\\./)${lookahead}`);
    }
    const restricted = [
      ...(patterns.length ? [{ regex: patterns.join('|'), message }] : []),
      ...alsoForbidden.map((regex) => ({ regex, message })),
    ];
    return {
      name: `lockstep/layering/${name}/${folder}`,
      files: [`${folder}/*.ts`, `${folder}/*.tsx`],
      ignores: tests,
      rules: { 'no-restricted-imports': ['error', { patterns: restricted }] },
    };
  });
}

const noDynamicBuiltins = {
  'no-restricted-syntax': [
    'error',
    {
      selector: `ImportExpression[source.value=/${builtinRegex}/]`,
      message: 'The renderer never touches disk or Node: ask the main process through window.lockstep.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**'] },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    extends: [tseslint.configs.recommended],
    plugins: { 'react-hooks': reactHooks },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // `_name` marks a value left out on purpose (`const { claim: _dropped, ...rest } = meta`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.node'] })],
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  // Tests call handlers by name from a table of bad payloads: an `any` cast is the point there.
  { files: tests, rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  ...zone(
    'shared',
    'src/shared',
    ['src/shared'],
    [builtinRegex, '^electron(/.*)?$'],
    'src/shared imports nothing of ours but itself, and nothing of Node or electron (the renderer uses it too).',
  ),
  ...zone(
    'store',
    'src/store',
    ['src/store', 'src/shared'],
    ['^electron(/.*)?$'],
    'The store (src/store) is plain Node: it never imports electron, the rest of src/main, preload or renderer.',
  ),
  // The store in files of one job each: none over 300 lines.
  {
    files: ['src/store/**/*.ts'],
    ignores: tests,
    rules: { 'max-lines': ['error', { max: 300 }] },
  },
  // The data folder is a boundary (issue 28): the store reads, writes, moves and deletes its files only through
  // safe-fs.ts / safe-read.ts (no link followed, no FIFO waited on, O_EXCL temp files, size caps). A raw fs call
  // elsewhere in src/store is an error; the few deliberate ones say why on an eslint-disable line.
  {
    files: ['src/store/**/*.ts'],
    ignores: [...tests, 'src/store/safe-fs.ts', 'src/store/safe-read.ts', 'src/store/safe-move.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.object.name='fs'][callee.property.name=/^(writeFileSync|writeFile|appendFileSync|appendFile|renameSync|rename|unlinkSync|unlink|rmSync|rm|rmdirSync|mkdirSync|openSync|open|copyFileSync|cpSync|symlinkSync|linkSync|utimesSync|futimesSync|truncateSync|ftruncateSync|chmodSync|createWriteStream|createReadStream|readFileSync|readFile)$/]",
          message: 'The store touches the data folder only through safe-fs.ts (links, FIFOs, sizes, O_EXCL checked there).',
        },
      ],
    },
  },
  ...zone(
    'renderer',
    'src/renderer',
    ['src/renderer', 'src/shared'],
    [builtinRegex, '^electron(/.*)?$'],
    'The renderer imports only its own files and src/shared, never electron or Node (it never touches disk).',
  ),
  ...foldersUnder('src/renderer').map((folder) => ({
    files: [`${folder}/*.ts`, `${folder}/*.tsx`],
    ignores: tests,
    rules: noDynamicBuiltins,
  })),
  // Layout is Prettier's (.prettierrc.json; `npm run lint` checks it, `npm run format` applies it): no ESLint rule
  // argues with it.
  prettier,
);
