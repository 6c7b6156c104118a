#!/usr/bin/env node
// Runs the TypeScript app without a type-checking runtime: esbuild bundles main.ts and its
// sources into .build/main.js (type-checking is `npm run typecheck`'s job). The bundle is rebuilt
// only when a source file or the lockfile changed, so a synth costs little more than loading cdk8s.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outfile = path.join(root, '.build', 'main.js');
const stampFile = `${outfile}.sha256`;
const SOURCE_DIRS = ['cli', 'charts', 'constructs', 'overlays', 'imports'];
// cdk8s and cdk8s-plus-27 stay external: they are large and identical for every project.
const EXTERNAL = ['cdk8s', 'cdk8s-plus-27', 'constructs'];

function sourceFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

function sourceDigest() {
  const hash = crypto.createHash('sha256');
  const files = [path.join(root, 'main.ts'), path.join(root, 'package-lock.json'), __filename,
    ...SOURCE_DIRS.flatMap((d) => sourceFiles(path.join(root, d)))].sort();
  for (const f of files) hash.update(f).update('\0').update(fs.readFileSync(f)).update('\0');
  return hash.digest('hex');
}

const digest = sourceDigest();
const stale = !fs.existsSync(outfile) || !fs.existsSync(stampFile) || fs.readFileSync(stampFile, 'utf8') !== digest;
if (stale) {
  require('esbuild').buildSync({
    entryPoints: [path.join(root, 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL,
    logLevel: 'error',
  });
  fs.writeFileSync(stampFile, digest);
}
process.exitCode = require(outfile).run(process.argv.slice(2));
