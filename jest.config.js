/** Tests are written in TypeScript under test/, compiled by `tsc` into dist/test, and run from there. */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  transform: {},
  setupFilesAfterEnv: ['<rootDir>/dist/test/helpers/setup.js'],
  testTimeout: 180000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/summary-reporter.cjs'],
};
