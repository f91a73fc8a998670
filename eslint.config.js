// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The import direction (docs/architecture.md): a file's folder decides what it may import.
 * Each entry is a regex on the import string, and the reason a reader sees when it fires.
 */
const node = [{ regex: `^(node:.*|${builtinModules.filter((m) => !m.startsWith('_')).join('|')})(/.*)?$`, message: 'Node built-ins run only in src/main (and tests).' }];
const electron = [{ regex: '^electron(/.*)?$', message: 'Electron is used only by src/main/index.ts, src/main/ipc and the preload.' }];
const adapters = [{ regex: '^(better-sqlite3|@kubernetes/client-node|ws|commander|@grpc/.*)$', message: 'I/O libraries belong to the adapters in src/main.' }];
const ui = [{ regex: '^(react|react-dom|react-dom/.*|cytoscape)$', message: 'UI libraries belong to src/renderer.' }];
const folder = (name, why) => ({ regex: `(^|/)${name}(/|$)`, message: why });

const backend = [...ui, folder('renderer', 'The backend never imports the UI; it serves the contract.'), folder('preload', 'The backend never imports the preload.')];

export const importDirection = {
  core: [...node, ...electron, ...adapters, ...ui, folder('main', 'The pure core never imports an adapter.'), folder('renderer', 'The pure core never imports the UI.'), folder('preload', 'The pure core never imports the preload.')],
  renderer: [...node, ...electron, ...adapters, folder('main', 'The renderer reaches the backend only through the contract (src/renderer/api).'), folder('preload', 'The renderer sees the preload only as window.strata.')],
  preload: [...node, ...adapters, ...ui, folder('main', 'The preload only forwards the contract.'), folder('renderer', 'The preload only forwards the contract.'), folder('core', 'The preload only forwards the contract.')],
  main: backend,
  // Later entries replace earlier ones for a file, so the store repeats main's patterns.
  store: [...backend, folder('cluster', 'Storage keeps plain data (src/shared); it never imports the cluster client.')],
};

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', '.tools/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
    },
  },
  { files: ['src/core/**/*.ts', 'src/shared/**/*.ts'], ignores: ['**/*.test.ts'], rules: restrict(importDirection.core) },
  { files: ['src/renderer/**/*.{ts,tsx}'], ignores: ['**/*.test.ts'], languageOptions: { globals: { ...globals.browser } }, rules: restrict(importDirection.renderer) },
  { files: ['src/renderer/**/*.{ts,tsx}'], plugins: { 'react-hooks': reactHooks }, rules: reactHooks.configs.recommended.rules },
  { files: ['src/preload/**/*.ts'], rules: restrict(importDirection.preload) },
  { files: ['src/main/**/*.ts'], ignores: ['**/*.test.ts'], rules: restrict(importDirection.main) },
  { files: ['src/main/store/**/*.ts'], ignores: ['**/*.test.ts'], rules: restrict(importDirection.store) },
);
