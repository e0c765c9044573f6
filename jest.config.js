/** Unit tests (pure core) and integration tests (PGlite always; PostgreSQL when TEST_DATABASE_URL is set). */
const { availableParallelism } = require('node:os');

module.exports = {
  // Jest's default keeps a core to itself: one worker on the 2-core CI machine. The suites wait on PostgreSQL
  // and the fakes' sockets as much as they compute, so two workers there take the suite from 883 s to 531 s.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  // ml-kmeans and its ml-* dependencies ship ES modules only: compile them to CommonJS for jest too.
  transformIgnorePatterns: ['/node_modules/(?!(ml-[^/]+|is-any-array)/)'],
  transform: {
    '^.+\\.(ts|js)$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  testTimeout: 120000,
};
