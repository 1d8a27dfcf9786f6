const { availableParallelism } = require('node:os');
// Three projects: server-side code under Node, Flex components under jsdom (as Flex renders them),
// and the demo page end to end in headless Chromium (the whole local stack; slow, so its own project).
// msw 2 and some of its dependencies ship ESM only, so they are transformed too.
const esmOnly = ['msw', '@mswjs', '@bundled-es-modules', 'rettime', 'until-async', '@open-draft', 'outvariant', 'strict-event-emitter', 'headers-polyfill', 'is-node-process', 'tough-cookie', 'type-fest'];
// SWC strips the types and nothing more (tsc --noEmit checks them before jest runs): ts-jest took
// most of a component file's time compiling.
const swc = (syntax) => [
  '@swc/jest',
  {
    jsc: { parser: syntax === 'typescript' ? { syntax, tsx: true } : { syntax }, target: 'es2022', transform: { react: { runtime: 'classic' } } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const transform = {
  '^.+\\.tsx?$': swc('typescript'),
  '^.+\\.m?jsx?$': swc('ecmascript'),
};
const transformIgnorePatterns = [`node_modules/(?!(${esmOnly.join('|')})/)`];
// A busy 2-core machine (CI) loads the Flex UI and the SDKs slowly: 5 s is too short for a file's first test.
const testTimeout = 30_000;

module.exports = {
  testTimeout,
  // Three files at a time even on a 2-core machine (jest's default there is one): many files spend
  // much of their time waiting on a browser, the local runtime or a round trip, not on the CPU.
  maxWorkers: Math.max(3, availableParallelism() - 1),
  // A worker that has grown past this after a file (the fault runs, the Flex UI) is replaced, so
  // memory does not pile up across files.
  workerIdleMemoryLimit: '2GB',
  projects: [
    {
      displayName: 'server',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['<rootDir>/test/components/', '<rootDir>/test/e2e/'],
      globalSetup: '<rootDir>/test/support/globalStack.ts',
      globalTeardown: '<rootDir>/test/support/globalStackTeardown.ts',
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'flex',
      testEnvironment: 'jest-fixed-jsdom',
      testEnvironmentOptions: { customExportConditions: ['node', 'require', 'default'] },
      testMatch: ['<rootDir>/test/components/**/*.test.tsx'],
      setupFilesAfterEnv: ['<rootDir>/test/components/setup.ts'],
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/globalBundle.ts',
      transform,
      transformIgnorePatterns,
    },
  ],
};
