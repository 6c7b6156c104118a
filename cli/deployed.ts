/**
 * What is deployed for a profile, read from the output the synth is about to replace: the profile's
 * folder on disk and, inside a git checkout, the same folder as committed at HEAD (what Argo CD or
 * the last `kubectl apply` took). Used to refuse changes a running cluster cannot take.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadAll } from 'js-yaml';

export interface DeployedValue<T> {
  readonly value: T;
  /** Where it was read, e.g. "dist/production/ (working tree)". */
  readonly source: string;
}

const SHARDS = /^\s*numHistoryShards:\s*(\d+)\s*$/m;

const git = (cwd: string, args: string[]) => {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 ? r.stdout : undefined;
};

/** The texts of the profile's manifest files, from the working tree and from git HEAD. */
function deployedTexts(profileDir: string): { source: string; texts: string[] }[] {
  const sources: { source: string; texts: string[] }[] = [];
  const shown = path.relative(process.cwd(), profileDir) || profileDir;
  if (fs.existsSync(profileDir) && fs.statSync(profileDir).isDirectory()) {
    const files = fs.readdirSync(profileDir).filter((f) => f.endsWith('.k8s.yaml')).sort();
    sources.push({ source: `${shown}/ (working tree)`, texts: files.map((f) => fs.readFileSync(path.join(profileDir, f), 'utf8')) });
  }
  const parent = fs.existsSync(path.dirname(profileDir)) ? path.dirname(profileDir) : undefined;
  const top = parent && git(parent, ['rev-parse', '--show-toplevel'])?.trim();
  if (top) {
    const rel = path.relative(fs.realpathSync(top), path.join(fs.realpathSync(parent), path.basename(profileDir))).split(path.sep).join('/');
    const names = (git(top, ['ls-tree', '--name-only', 'HEAD', `${rel}/`]) ?? '').split('\n').filter((f) => f.endsWith('.k8s.yaml')).sort();
    const texts = names.map((f) => git(top, ['show', `HEAD:${f}`]) ?? '');
    if (texts.length) sources.push({ source: `${rel}/ at git HEAD`, texts });
  }
  return sources;
}

/** The server version (the frontend Deployment's `app.kubernetes.io/version`) of each deployed copy. */
export function deployedServerVersions(profileDir: string): DeployedValue<string>[] {
  return deployedTexts(profileDir).flatMap(({ source, texts }) => {
    for (const text of texts) {
      for (const doc of loadAll(text) as { kind?: string; metadata?: { labels?: Record<string, string> } }[]) {
        const labels = doc?.metadata?.labels;
        if (doc?.kind === 'Deployment' && labels?.['app.kubernetes.io/component'] === 'frontend' && labels['app.kubernetes.io/version']) {
          return [{ value: labels['app.kubernetes.io/version'], source }];
        }
      }
    }
    return [];
  });
}

/** The `numHistoryShards` of each deployed copy of the profile (none for a new profile). */
export function deployedShardCounts(profileDir: string): DeployedValue<number>[] {
  return deployedTexts(profileDir).flatMap(({ source, texts }) => {
    const m = texts.map((t) => SHARDS.exec(t)).find(Boolean);
    return m ? [{ value: Number(m[1]), source }] : [];
  });
}
