// The ecosystem's linters (docs/architecture.md, "How we check"): typescript-eslint's recommended
// rules for every TypeScript file and React's hook rules for the components; Prettier formats
// (.prettierrc.json). `npm test` runs both before anything else.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['build/**', 'node_modules/**', 'test-artifacts/**', 'tools/**', 'scripts/tmp/**', 'coverage/**', 'public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` says "unused on purpose" (a field left out of a copy, an argument a signature needs).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['src/**/*.tsx', 'src/components/**/*.ts', 'src/demo/app/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  // Test doubles stand in for loosely typed SDK objects (Flex's store, Twilio's pages).
  { files: ['test/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // The few CommonJS files Node runs as they are.
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', console: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
