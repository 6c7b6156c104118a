#!/usr/bin/env node
// `node scripts/run.js <entry.ts> [args…]`: bundles a TypeScript entry with esbuild into .build/ (only
// when one of the files it bundled changed) and calls its exported `main(args)`, whose number (or
// promise of one) is the exit code. Type-checking is `npm run typecheck`'s job.
'use strict';
/* global __filename */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
// Large packages identical for every project (and the browser driver) load from node_modules.
const EXTERNAL = ['cdk8s', 'cdk8s-plus-27', 'constructs', 'esbuild', 'playwright-core'];
const [entry, ...args] = process.argv.slice(2);
const entryFile = path.resolve(root, entry);
const outfile = path.join(root, '.build', `${path.relative(root, entryFile).replace(/\.ts$/, '').replace(/[\\/]/g, '_')}.js`);
const stampFile = `${outfile}.inputs.json`;
const digest = (f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const fresh = (stamp) => Object.entries(stamp).every(([f, h]) => fs.existsSync(f) && digest(f) === h);

if (!fs.existsSync(outfile) || !fs.existsSync(stampFile) || !fresh(JSON.parse(fs.readFileSync(stampFile, 'utf8')))) {
  const { metafile } = require('esbuild').buildSync({
    entryPoints: [entryFile],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL,
    metafile: true,
    logLevel: 'error',
    absWorkingDir: root,
  });
  const inputs = [
    __filename,
    path.join(root, 'package-lock.json'),
    ...Object.keys(metafile.inputs)
      .filter((f) => !f.includes('node_modules'))
      .map((f) => path.resolve(root, f)),
  ];
  fs.writeFileSync(stampFile, JSON.stringify(Object.fromEntries(inputs.map((f) => [f, digest(f)]))));
}
Promise.resolve(require(outfile).main(args)).then(
  (code) => {
    process.exitCode = code ?? 0;
  },
  (e) => {
    console.error(e);
    process.exitCode = 1;
  },
);
