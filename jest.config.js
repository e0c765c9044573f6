/** Unit tests (pure core) and integration tests (PGlite always; PostgreSQL when TEST_DATABASE_URL is set). */
module.exports = {
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
