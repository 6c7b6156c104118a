// `npm run diff [-- --profile P]... [--base <git-ref> | --against <dir>] [--overlay extra.yaml]... [--color]`
// (`--synth-dir <dir>` compares an existing synth output instead of synthesizing.)
// Started by `node scripts/run.js scripts/diff.ts [args…]`, which calls `main(args)`.
//
// Synthesizes into a temporary folder and compares the result with the committed output (the working
// tree's dist/, dist/ at a git ref with --base, or any folder with --against), per Kubernetes object
// rather than per file: objects are keyed by `apiVersion kind namespace/name` within their profile
// (dist/<profile>/ and dist/<profile>-custom-resources/ together), so an object that only moved to
// another file is not a change. Changed objects get a unified diff of their YAML (keys sorted);
// other files in the profile folders (README.md) are diffed as text.
//
// Exit code: 0 identical, 1 differences, 2 usage or synth errors.
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dump, loadAll } from 'js-yaml';
import { projectRoot } from './project-root';
import { cliArgs } from '../lib/cli-args';

const root = projectRoot();
const CUSTOM_SUFFIX = '-custom-resources';
const ARGOCD = 'argocd';
const TOP_LEVEL = '(top level)';
const CONTEXT = 3;

const USAGE =
  'usage: npm run diff -- [--profile <name>]... [--base <git-ref> | --against <dir>] [--overlay extra.yaml]... [--color]\n' +
  '  compares a fresh synth with dist/ (working tree), dist/ at <git-ref>, or <dir>; exit 0 identical, 1 different, 2 error\n' +
  '  --synth-dir <dir> compares an existing synth output folder instead of synthesizing (no --overlay)';

class UsageError extends Error {}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// ---------------------------------------------------------------------------------------------------
// Line diff (Myers, O((N+M)·D)), unified output with @@ hunk headers.

const NO_EOL = '\u0000\\ No newline at end of file';

/** One line of an edit script: kept (' '), removed ('-') or added ('+'). */
export interface Edit {
  op: ' ' | '-' | '+';
  line: string;
}

/** Lines of a text; a last line without a newline is marked so that it differs from one with. */
export function splitLines(text: string | readonly string[]): readonly string[] {
  if (typeof text !== 'string') return text;
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += NO_EOL;
  return lines;
}

/** Past this many edits the trace gets large; the middle is then reported as removed + added. */
const MAX_EDITS = 4000;

const removeAll = (a: readonly string[], b: readonly string[]): Edit[] => [
  ...a.map((line): Edit => ({ op: '-', line })),
  ...b.map((line): Edit => ({ op: '+', line })),
];

/**
 * The edit script turning `a` into `b` (arrays of strings): entries `{ op: ' ' | '-' | '+', line }`,
 * a shortest one (Myers), with common prefix and suffix kept as they are.
 */
export function editScript(a: readonly string[], b: readonly string[]): Edit[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const head = a.slice(0, pre).map((line): Edit => ({ op: ' ', line }));
  const tail = a.slice(a.length - suf).map((line): Edit => ({ op: ' ', line }));
  const x0 = a.slice(pre, a.length - suf);
  const y0 = b.slice(pre, b.length - suf);
  return [...head, ...myers(x0, y0), ...tail];
}

function myers(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return removeAll(a, b);
  // Compare integers rather than strings.
  const ids = new Map<string, number>();
  const id = (s: string): number => {
    let v = ids.get(s);
    if (v === undefined) {
      v = ids.size;
      ids.set(s, v);
    }
    return v;
  };
  const A = Int32Array.from(a, id);
  const B = Int32Array.from(b, id);
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = []; // trace[d]: v over k ∈ [-d-1, d+1] before step d
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    if (d > MAX_EDITS) return removeAll(a, b);
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && A[x] === B[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  const ops: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const t = trace[d];
    const at = (k: number): number => t[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ op: ' ', line: a[x - 1] });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) ops.push({ op: '+', line: b[y - 1] });
      else ops.push({ op: '-', line: a[x - 1] });
    }
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

const range = (start: number, count: number): string => (count === 1 ? `${start}` : `${start},${count}`);

/**
 * A unified diff of two texts (strings or arrays of lines): `@@ -a,b +c,d @@` hunk headers followed
 * by ` `, `-` and `+` lines, `context` lines of context. Returns [] when the texts are equal.
 */
export function lineDiff(oldText: string | readonly string[], newText: string | readonly string[], context = CONTEXT): string[] {
  const ops = editScript(splitLines(oldText), splitLines(newText));
  const changes: number[] = [];
  ops.forEach((o, i) => {
    if (o.op !== ' ') changes.push(i);
  });
  if (!changes.length) return [];
  // Lines of a and b before each op, for the hunk headers.
  const aBefore = new Int32Array(ops.length + 1);
  const bBefore = new Int32Array(ops.length + 1);
  ops.forEach((o, i) => {
    aBefore[i + 1] = aBefore[i] + (o.op !== '+' ? 1 : 0);
    bBefore[i + 1] = bBefore[i] + (o.op !== '-' ? 1 : 0);
  });
  const hunks: [number, number][] = [];
  let start = Math.max(0, changes[0] - context);
  let last = changes[0];
  for (const c of changes.slice(1).concat([Infinity])) {
    if (c - last - 1 <= 2 * context) {
      last = c;
      continue;
    }
    hunks.push([start, Math.min(ops.length, last + context + 1)]);
    start = c - context;
    last = c;
  }
  const out: string[] = [];
  for (const [s, e] of hunks) {
    const aCount = aBefore[e] - aBefore[s];
    const bCount = bBefore[e] - bBefore[s];
    out.push(`@@ -${range(aCount ? aBefore[s] + 1 : aBefore[s], aCount)} +${range(bCount ? bBefore[s] + 1 : bBefore[s], bCount)} @@`);
    for (const o of ops.slice(s, e)) out.push(...(o.op + o.line).split('\u0000'));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Arguments

export interface Args {
  profiles: string[];
  overlays: string[];
  base: string | undefined;
  against: string | undefined;
  synthDir: string | undefined;
  color: boolean;
  help: boolean;
}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { profiles: [], overlays: [], base: undefined, against: undefined, synthDir: undefined, color: false, help: false };
  for (const { arg: a, flag, value: next } of cliArgs(argv, (f) => new UsageError(`${f} needs a value`))) {
    const value = (): string => {
      const v = next();
      if (v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--profile':
      case '-p':
        args.profiles.push(...value().split(',').filter(Boolean));
        break;
      case '--overlay':
        args.overlays.push(value());
        break;
      case '--base':
        args.base = value();
        break;
      case '--against':
        args.against = value();
        break;
      case '--synth-dir':
        args.synthDir = value();
        break;
      case '--color':
      case '--colour':
        args.color = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new UsageError(`unknown argument "${a}"`);
    }
  }
  if (args.base !== undefined && args.against !== undefined) throw new UsageError('--base and --against cannot be combined');
  if (args.synthDir !== undefined && args.overlays.length) {
    throw new UsageError('--overlay needs a synth; it cannot be combined with --synth-dir');
  }
  args.profiles = [...new Set(args.profiles)];
  return args;
}

// ---------------------------------------------------------------------------------------------------
// Reading both sides: Map of path relative to the output folder → text.

type Files = Map<string, string>;

function readDir(dir: string): Files {
  const files: Files = new Map();
  const walk = (abs: string, rel: string): void => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(abs, e.name), r);
      else if (e.isFile()) files.set(r, fs.readFileSync(path.join(abs, e.name), 'utf8'));
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  return files;
}

function git(args: string[]): string {
  const r = childProcess.spawnSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw new UsageError(`git ${args[0]}: ${r.error.message}`);
  if (r.status !== 0) throw new UsageError(`git ${args.join(' ')} failed:\n${(r.stderr || '').trim()}`);
  return r.stdout;
}

/** dist/ as committed at `ref`; the paths are relative to dist/. */
function readGitRef(ref: string): { commit: string; files: Files } {
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).trim();
  } catch (e) {
    const detail = messageOf(e).split(':\n')[1];
    throw new UsageError(`--base ${ref}: not a commit in this repository${detail ? `\n${detail}` : ''}`);
  }
  const files: Files = new Map();
  const names = git(['ls-tree', '-r', '--name-only', commit, '--', 'dist/']).split('\n').filter(Boolean);
  for (const name of names) {
    const rel = name.replace(/^dist\//, '');
    if (rel.split('/').some((part) => part.startsWith('.'))) continue;
    files.set(rel, git(['show', `${commit}:./${name}`]));
  }
  return { commit, files };
}

// ---------------------------------------------------------------------------------------------------
// Comparing

/** The profile a path belongs to: `staging/x` and `staging-custom-resources/x` both → staging. */
export function groupOf(rel: string): string {
  const slash = rel.indexOf('/');
  if (slash < 0) return TOP_LEVEL;
  const top = rel.slice(0, slash);
  return top.endsWith(CUSTOM_SUFFIX) ? top.slice(0, -CUSTOM_SUFFIX.length) : top;
}

const isYaml = (rel: string): boolean => /\.ya?ml$/.test(rel);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface IndexedObject {
  ident: string;
  apiVersion: unknown;
  yaml: string;
}

interface Side {
  objects: Map<string, IndexedObject>;
  texts: Files;
}

/** Objects and other files of one side of one group, in file order. */
function indexSide(files: Files, group: string, sideName: string): Side {
  const objects = new Map<string, IndexedObject>();
  const texts: Files = new Map();
  for (const rel of [...files.keys()].sort()) {
    if (groupOf(rel) !== group) continue;
    const text = files.get(rel)!;
    if (!isYaml(rel)) {
      texts.set(rel, text);
      continue;
    }
    let docs: unknown[];
    try {
      docs = loadAll(text);
    } catch (e) {
      throw new UsageError(`cannot parse ${sideName}/${rel}: ${messageOf(e)}`);
    }
    docs.forEach((doc, i) => {
      if (doc === null || doc === undefined) return;
      let key: string;
      let ident: string;
      if (isPlainObject(doc) && typeof doc.kind === 'string') {
        const meta: Record<string, unknown> = isPlainObject(doc.metadata) ? doc.metadata : {};
        const name = `${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? '(unnamed)'}`;
        ident = `${doc.kind} ${name}`;
        key = `${doc.apiVersion} ${ident}`;
      } else {
        ident = `document ${i + 1} of ${rel}`;
        key = `${rel}#${i}`;
      }
      let unique = key;
      for (let n = 2; objects.has(unique); n++) unique = `${key} #${n}`;
      objects.set(unique, {
        ident: unique === key ? ident : `${ident} (#${unique.slice(key.length + 2)})`,
        apiVersion: isPlainObject(doc) ? doc.apiVersion : undefined,
        yaml: dump(doc, { sortKeys: true, lineWidth: -1, noRefs: true }),
      });
    });
  }
  return { objects, texts };
}

interface GroupResult {
  group: string;
  added: string[];
  removed: string[];
  changed: { label: string; diff: string[] }[];
  files: { status: 'added' | 'removed' | 'changed'; path: string; diff: string[] }[];
}

function compareGroup(oldFiles: Files, newFiles: Files, group: string, oldName: string): GroupResult {
  const before = indexSide(oldFiles, group, oldName);
  const after = indexSide(newFiles, group, 'fresh synth');
  // Kind + name shared by objects of different apiVersions: show the apiVersion to tell them apart.
  const idents = new Map<string, Set<unknown>>();
  for (const o of [...before.objects.values(), ...after.objects.values()]) {
    if (!idents.has(o.ident)) idents.set(o.ident, new Set());
    idents.get(o.ident)!.add(o.apiVersion);
  }
  const label = (o: IndexedObject): string => (idents.get(o.ident)!.size > 1 ? `${o.ident} (${o.apiVersion})` : o.ident);

  const result: GroupResult = { group, added: [], removed: [], changed: [], files: [] };
  for (const [key, o] of after.objects) {
    const old = before.objects.get(key);
    if (!old) result.added.push(label(o));
    else if (old.yaml !== o.yaml) result.changed.push({ label: label(o), diff: lineDiff(old.yaml, o.yaml) });
  }
  for (const [key, o] of before.objects) if (!after.objects.has(key)) result.removed.push(label(o));
  for (const rel of new Set([...after.texts.keys(), ...before.texts.keys()])) {
    const a = before.texts.get(rel);
    const b = after.texts.get(rel);
    if (a === b) continue;
    const status = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed';
    result.files.push({ status, path: rel, diff: lineDiff(a ?? '', b ?? '') });
  }
  return result;
}

const differs = (r: GroupResult): boolean => r.added.length + r.removed.length + r.changed.length + r.files.length > 0;

/** Profiles first in name order, then argocd, then any files directly in the output folder. */
function groupOrder(a: string, b: string): number {
  const rank = (g: string): number => (g === TOP_LEVEL ? 2 : g === ARGOCD ? 1 : 0);
  return rank(a) - rank(b) || a.localeCompare(b);
}

function compare(oldFiles: Files, newFiles: Files, profiles: readonly string[], oldName: string): GroupResult[] {
  let groups: readonly string[];
  if (profiles.length) {
    // Every synth rebuilds dist/argocd/ from every profile, so a change to one profile can change it too.
    groups = [...profiles, ARGOCD];
  } else {
    groups = [...new Set([...oldFiles.keys(), ...newFiles.keys()].map(groupOf))].sort(groupOrder);
  }
  return groups.map((g) => compareGroup(oldFiles, newFiles, g, oldName));
}

// ---------------------------------------------------------------------------------------------------
// Report

type Paint = (s: string) => string;

function painter(enabled: boolean): Record<'green' | 'red' | 'yellow' | 'cyan' | 'bold', Paint> {
  const wrap =
    (code: string): Paint =>
    (s) =>
      enabled ? `\u001b[${code}m${s}\u001b[0m` : s;
  return { green: wrap('32'), red: wrap('31'), yellow: wrap('33'), cyan: wrap('36'), bold: wrap('1') };
}

function report(results: readonly GroupResult[], description: string, color: boolean): string[] {
  const c = painter(color);
  const out = [`Comparing a fresh synth with ${description}`];
  const diffLines = (lines: readonly string[]): string[] =>
    lines.map((l) => {
      const text = `    ${l}`;
      if (l.startsWith('@@')) return c.cyan(text);
      if (l.startsWith('+')) return c.green(text);
      if (l.startsWith('-')) return c.red(text);
      return text;
    });
  for (const r of results) {
    if (!differs(r)) continue;
    out.push('', c.bold(`=== ${r.group}`));
    for (const l of r.added) out.push(c.green(`+ added ${l}`));
    for (const l of r.removed) out.push(c.red(`- removed ${l}`));
    for (const ch of r.changed) out.push(c.yellow(`~ changed ${ch.label}`), ...diffLines(ch.diff));
    for (const f of r.files) {
      const head = f.status === 'changed' ? `~ file changed ${f.path}` : `~ file changed ${f.path} (${f.status})`;
      out.push(c.yellow(head), ...diffLines(f.diff));
    }
  }
  out.push('');
  if (!results.some(differs)) out.push('No differences.');
  for (const r of results) {
    const files = r.files.length ? `, ${r.files.length} file${r.files.length === 1 ? '' : 's'} changed` : '';
    out.push(`${r.group}: ${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed${files}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------

/** A folder as the user would name it: relative below the current folder, absolute elsewhere. */
function displayDir(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? dir : rel;
}

function synthesize(args: Args, outdir: string): string | undefined {
  const argv = [path.join(root, 'scripts', 'run.js'), 'main.ts', '--quiet', '--outdir', outdir];
  for (const p of args.profiles) argv.push('--profile', p);
  for (const o of args.overlays) argv.push('--overlay', path.resolve(o));
  const r = childProcess.spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) return `could not run the synth: ${r.error.message}`;
  if (r.status !== 0) {
    const output = [r.stderr, r.stdout]
      .filter((s) => s && s.trim())
      .join('\n')
      .trimEnd();
    return `synth failed (exit ${r.status ?? r.signal}):\n${output}`;
  }
  return undefined;
}

/** What the CLI prints and its exit code. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI: returns { code, stdout, stderr } rather than printing, so it is easy to test. */
export function run(argv: readonly string[]): RunResult {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, stdout: '', stderr: `diff: ${e.message}\n${USAGE}\n` };
    throw e;
  }
  if (args.help) return { code: 0, stdout: `${USAGE}\n`, stderr: '' };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-diff-'));
  try {
    let oldFiles: Files;
    let description: string;
    let oldName: string;
    if (args.base !== undefined) {
      const { commit, files } = readGitRef(args.base);
      oldFiles = files;
      oldName = `${args.base}:dist`;
      description = `dist/ at ${args.base} (${commit.slice(0, 12)})${files.size ? '' : ' — no dist/ there, everything is new'}`;
    } else {
      const dir = path.resolve(args.against ?? path.join(root, 'dist'));
      if (args.against !== undefined && !fs.existsSync(dir)) throw new UsageError(`--against ${args.against}: no such directory`);
      oldFiles = readDir(dir);
      oldName = displayDir(dir);
      description =
        args.against !== undefined ? `${oldName}/` : `dist/ (working tree)${oldFiles.size ? '' : ' — empty, everything is new'}`;
    }
    let outdir = path.join(tmp, 'dist');
    if (args.synthDir !== undefined) {
      outdir = path.resolve(args.synthDir);
      if (!fs.existsSync(outdir)) throw new UsageError(`--synth-dir ${args.synthDir}: no such directory`);
    } else {
      const failure = synthesize(args, outdir);
      if (failure) return { code: 2, stdout: '', stderr: `diff: ${failure}\n` };
    }
    const results = compare(oldFiles, readDir(outdir), args.profiles, oldName);
    const lines = report(results, description, args.color);
    if (args.synthDir !== undefined) lines[0] = lines[0].replace('a fresh synth', displayDir(outdir));
    return { code: results.some(differs) ? 1 : 0, stdout: `${lines.join('\n')}\n`, stderr: '' };
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, stdout: '', stderr: `diff: ${e.message}\n` };
    throw e;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Entry point for scripts/run.js: prints what `run` returns; the number is the exit code. */
export function main(args: string[]): number {
  let result: RunResult;
  try {
    result = run(args);
  } catch (e) {
    const stack = typeof e === 'object' && e !== null && 'stack' in e ? e.stack : undefined;
    result = { code: 2, stdout: '', stderr: `diff: ${stack || e}\n` };
  }
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  return result.code;
}
