/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts'],
  // ts-jest transpiles file by file because tsconfig.json sets isolatedModules (type-checking is npm run typecheck's job).
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.build/'],
};
