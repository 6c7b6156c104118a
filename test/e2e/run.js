#!/usr/bin/env node
// `npm run e2e`: bundles the TypeScript harness (test/e2e/main.ts) with esbuild into .build/e2e.js
// and runs it; type-checking is `npm run typecheck`'s job.
'use strict';
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const outfile = path.join(root, '.build', 'e2e.js');
require('esbuild').buildSync({
  entryPoints: [path.join(__dirname, 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['playwright-core', 'esbuild'],
  logLevel: 'error',
});
require(outfile);
