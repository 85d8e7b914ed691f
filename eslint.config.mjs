// `npm run lint` (and the first step of `npm test`): a small rule set (typescript-eslint's recommended rules,
// React's rules of hooks) plus the LAYERING of the source tree, checked rather than kept by convention: the table
// LAYERS below names, for each of the six folders of src, which of the others it may import (import-x's
// no-restricted-paths, type-only imports included) and whether Node or electron may be imported.
// Test files (*.test.ts[x]) run under Node in Vitest and may reach test/ fixtures and fs; the layers skip them.
// Formatting: Prettier (.prettierrc.json), checked by `npm run lint` and the lint step of `npm test`.
// No import cycles anywhere in src (import-x/no-cycle): src/shared in particular is a tree with model.ts at its root,
// so a type or rule can always be moved down without dragging a loop along. Files of one job each: none in src over
// 300 lines (max-lines below). test/architecture/lint-rules.test.ts plants a violation of each rule and expects refusal.
import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
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

/**
 * THE LAYERS, one declared table: each folder of src, the folders of ours it may import, and whether it may import
 * Node's built-ins and electron. import-x/no-restricted-paths refuses every other folder of ours (type-only imports
 * too); no-restricted-imports refuses the modules. A folder inside another (the store's rooms) keeps its parent's
 * rules too.
 *   shared   <- store <- cli, main        preload, renderer <- shared only
 * and inside the store (cli and main come in through src/store/index.ts and open.ts only):
 *   store/core <- store/folder, store/postgres <- store/copy (a data folder copied into a database)
 */
const LAYERS = {
  'src/shared': {
    may: [],
    node: false,
    electron: false,
    why: 'src/shared is the contract: it imports only itself, nothing of Node or electron (the renderer uses it too).',
  },
  'src/store': {
    may: ['src/shared'],
    node: true,
    electron: false,
    why: 'The store is plain Node: it imports only src/shared, never electron, main, the CLI, preload or renderer.',
  },
  'src/cli': {
    may: ['src/shared', 'src/store'],
    node: true,
    electron: false,
    why: 'The CLI runs without Electron: it imports src/store (through src/store/index.ts) and src/shared only.',
  },
  'src/main': {
    may: ['src/shared', 'src/store'],
    node: true,
    electron: true,
    why: 'Main binds the store to IPC: it imports src/store (through src/store/index.ts) and src/shared, never the CLI or the renderer.',
  },
  'src/preload': {
    may: ['src/shared'],
    node: false,
    electron: true,
    why: 'The preload exposes the contract: it imports src/shared and electron only.',
  },
  'src/renderer': {
    may: ['src/shared'],
    node: false,
    electron: false,
    why: 'The renderer imports only its own files and src/shared, never electron or Node (it never touches disk).',
  },
  'src/store/core': {
    may: ['src/shared', 'src/store'],
    node: true,
    electron: false,
    why: "The store's core is the rules and formats both backends share: it imports neither the data folder (store/folder) nor the database (store/postgres), nor the copy between them.",
  },
  'src/store/folder': {
    may: ['src/shared', 'src/store', 'src/store/core'],
    node: true,
    electron: false,
    why: "The data-folder backend builds on the store's core only: never on the database backend (store/postgres) or the copy between them.",
  },
  'src/store/postgres': {
    may: ['src/shared', 'src/store', 'src/store/core'],
    node: true,
    electron: false,
    why: "The database backend builds on the store's core only: it never reaches into the data folder's code (store/folder) or the copy between them.",
  },
  'src/store/copy': {
    may: ['src/shared', 'src/store', 'src/store/core', 'src/store/folder', 'src/store/postgres'],
    node: true,
    electron: false,
    why: 'The copy of a data folder into a database is the one place that reads both backends.',
  },
};

/** The zone of one folder of LAYERS: every folder of ours it may not import. */
function zoneOf(folder) {
  const layer = LAYERS[folder];
  const inside = (f, outer) => f.startsWith(`${outer}/`);
  // Its own subfolders (the store's rooms) and the folders holding it are its own; only what `may` names besides.
  const others = Object.keys(LAYERS).filter((f) => f !== folder && !inside(f, folder) && !inside(folder, f) && !layer.may.includes(f));
  return { target: `./${folder}`, from: others.map((f) => `./${f}`), message: layer.why };
}

const layerRules = Object.entries(LAYERS).map(([folder, layer]) => {
  const modules = [...(layer.node ? [] : [builtinRegex]), ...(layer.electron ? [] : ['^electron(/.*)?$'])];
  // A later config's options replace an earlier one's for the same rule: a room lists its parents' zones with its own.
  const zones = Object.keys(LAYERS)
    .filter((f) => f === folder || folder.startsWith(`${f}/`))
    .map(zoneOf);
  return {
    name: `lockstep/layers/${folder}`,
    files: [`${folder}/**/*.ts`, `${folder}/**/*.tsx`],
    ignores: tests,
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: root, zones }],
      ...(modules.length
        ? { 'no-restricted-imports': ['error', { patterns: modules.map((regex) => ({ regex, message: layer.why })) }] }
        : {}),
    },
  };
});

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
  ...layerRules,
  // Files of one job each: none in src over 300 lines (test/architecture/lint-rules.test.ts plants one to check).
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: tests,
    rules: { 'max-lines': ['error', { max: 300 }] },
  },
  // The data folder is a boundary: the store reads, writes, moves and deletes its files only through
  // safe-fs.ts / safe-read.ts (no link followed, no FIFO waited on, O_EXCL temp files, size caps). A raw fs call
  // elsewhere in src/store is an error; the few deliberate ones say why on an eslint-disable line.
  {
    files: ['src/store/**/*.ts'],
    ignores: [...tests, 'src/store/folder/safe-fs.ts', 'src/store/folder/safe-read.ts', 'src/store/folder/safe-move.ts'],
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
  ...foldersUnder('src/renderer').map((folder) => ({
    files: [`${folder}/*.ts`, `${folder}/*.tsx`],
    ignores: tests,
    rules: noDynamicBuiltins,
  })),
  // Layout is Prettier's (.prettierrc.json; `npm run lint` checks it, `npm run format` applies it): no ESLint rule
  // argues with it.
  prettier,
);
