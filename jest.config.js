/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.build/'],
};
