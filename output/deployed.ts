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
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  return r.status === 0 ? r.stdout : undefined;
};

/** The blobs `HEAD:<file>` of `files`, read by one `git cat-file --batch` (headers give sizes in bytes). */
function headBlobs(top: string, files: readonly string[]): string[] {
  const r = spawnSync('git', ['cat-file', '--batch'], {
    cwd: top,
    input: files.map((f) => `HEAD:${f}\n`).join(''),
    stdio: ['pipe', 'pipe', 'ignore'],
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) return [];
  const out = r.stdout;
  const texts: string[] = [];
  for (let at = 0; at < out.length;) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) break;
    const size = Number(/ blob (\d+)$/.exec(out.subarray(at, eol).toString())?.[1] ?? -1);
    if (size < 0) {
      at = eol + 1;
      continue;
    } // "<name> missing"
    texts.push(out.subarray(eol + 1, eol + 1 + size).toString('utf8'));
    at = eol + 1 + size + 1;
  }
  return texts;
}

/** The texts of the profile's manifest files, from the working tree and from git HEAD. */
function deployedTexts(profileDir: string): { source: string; texts: string[] }[] {
  const sources: { source: string; texts: string[] }[] = [];
  const shown = path.relative(process.cwd(), profileDir) || profileDir;
  if (fs.existsSync(profileDir) && fs.statSync(profileDir).isDirectory()) {
    const files = fs
      .readdirSync(profileDir)
      .filter((f) => f.endsWith('.k8s.yaml'))
      .sort();
    sources.push({ source: `${shown}/ (working tree)`, texts: files.map((f) => fs.readFileSync(path.join(profileDir, f), 'utf8')) });
  }
  const parent = fs.existsSync(path.dirname(profileDir)) ? path.dirname(profileDir) : undefined;
  const top = parent && git(parent, ['rev-parse', '--show-toplevel'])?.trim();
  if (top) {
    const rel = path
      .relative(fs.realpathSync(top), path.join(fs.realpathSync(parent), path.basename(profileDir)))
      .split(path.sep)
      .join('/');
    const names = (git(top, ['ls-tree', '--name-only', 'HEAD', `${rel}/`]) ?? '')
      .split('\n')
      .filter((f) => f.endsWith('.k8s.yaml'))
      .sort();
    const texts = names.length ? headBlobs(top, names) : [];
    if (texts.length) sources.push({ source: `${rel}/ at git HEAD`, texts });
  }
  return sources;
}

interface Deployed {
  readonly source: string;
  readonly shards?: number;
  readonly serverVersion?: string;
}

/** The frontend Deployment's `app.kubernetes.io/version`: only its document is parsed. */
function frontendVersion(texts: readonly string[]): string | undefined {
  for (const doc of texts.flatMap((t) => t.split(/^---$/m))) {
    if (!/^kind: Deployment$/m.test(doc) || !/app\.kubernetes\.io\/component: frontend$/m.test(doc)) continue;
    const parsed = loadAll(doc)[0] as { metadata?: { labels?: Record<string, string> } } | undefined;
    const labels = parsed?.metadata?.labels;
    if (labels?.['app.kubernetes.io/component'] === 'frontend' && labels['app.kubernetes.io/version'])
      return labels['app.kubernetes.io/version'];
  }
  return undefined;
}

const cache = new Map<string, Deployed[]>();

/** What each deployed copy of the profile says (read once per folder and process). */
function deployed(profileDir: string): Deployed[] {
  const hit = cache.get(profileDir);
  if (hit) return hit;
  const result = deployedTexts(profileDir).map(({ source, texts }) => {
    const m = texts.map((t) => SHARDS.exec(t)).find(Boolean);
    return { source, shards: m ? Number(m[1]) : undefined, serverVersion: frontendVersion(texts) };
  });
  cache.set(profileDir, result);
  return result;
}

/** Forgets what was read (the folder changes between synths in one process, e.g. in tests). */
export function forgetDeployed(): void {
  cache.clear();
}

/** The server version (the frontend Deployment's `app.kubernetes.io/version`) of each deployed copy. */
export function deployedServerVersions(profileDir: string): DeployedValue<string>[] {
  return deployed(profileDir).flatMap((d) => (d.serverVersion ? [{ value: d.serverVersion, source: d.source }] : []));
}

/** The `numHistoryShards` of each deployed copy of the profile (none for a new profile). */
export function deployedShardCounts(profileDir: string): DeployedValue<number>[] {
  return deployed(profileDir).flatMap((d) => (d.shards !== undefined ? [{ value: d.shards, source: d.source }] : []));
}
