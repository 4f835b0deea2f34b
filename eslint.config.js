// Lint: typescript-eslint's recommended rules, the rules of hooks, and no import cycles (the layers
// in docs/ARCHITECTURE.md only import downwards). Formatting is prettier's job (.prettierrc.json).
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', '.bench-snapshot/**', 'test/fixtures/**'] },
  ...tseslint.configs.recommended,
  // Parses imported .ts files with typescript-eslint's parser, so the import graph is complete.
  importX.flatConfigs.typescript,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // A cycle between modules means a layer imports from above it.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
    // Imports are written with .js and resolved to the .ts sources, as TypeScript does.
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.test.json' })] },
  },
);
