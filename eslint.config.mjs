// The ecosystem's linters (docs/architecture.md, "How we check"): typescript-eslint's recommended
// rules for every TypeScript file and React's hook rules for the components; Prettier formats
// (.prettierrc.json). `npm test` runs both before anything else.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Lowest first: core, then the folders of src/serverless/lib/, then the functions Twilio deploys. */
const LAYERS = ['base', 'twilio', 'stores', 'control', 'endpoints', 'wiring'];

function layerRules() {
  const above = (index) => LAYERS.slice(index + 1);
  const refuse = (names, message) => ({
    'no-restricted-imports': ['error', { patterns: [{ regex: `^\\.{1,2}/(\\.\\./)*(${names.join('|')})/`, message }] }],
  });
  return [
    {
      files: ['src/core/**'],
      rules: {
        'no-restricted-imports': [
          'error',
          { patterns: [{ regex: '^\\.\\./', message: 'the core is pure: it imports only the core and libraries (no Twilio, no React)' }] },
        ],
      },
    },
    ...LAYERS.map((layer, index) => {
      const higher = [...above(index), 'functions'];
      return {
        files: [`src/serverless/lib/${layer}/**`],
        rules: refuse(higher, `${layer}/ sits below ${higher.join('/, ')}/: move what both need down a layer`),
      };
    }),
  ];
}

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
  // The functions' layers (docs/architecture.md, "Layers"): a file imports its own layer and those
  // below it, never one above. The pure core imports no layer at all.
  ...layerRules(),
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
