/**
 * Where a profile becomes a Spec: base → overlays/<profile>.ts → overlays/<profile>.yaml → any
 * extra YAML overlay files, deep-merged in that order, worker pools completed from their
 * defaults, then validated by the one schema. Nothing downstream sees unvalidated input.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAll, YAMLException } from 'js-yaml';
import { base, TYPED_PROFILES, workerPoolDefaults } from '../overlays';
import { deepMerge, isPlainObject, MergeError, MergeNotice } from './merge';
import { setValueOverlay, SetValueError } from './set-values';
import { decodeOverlay, readBounded, structureProblem } from './overlay-input';
import { Spec, specSchema } from './schema';

export { TYPED_PROFILES };

export const DEFAULT_OVERLAYS_DIR = path.resolve(__dirname, '..', 'overlays');

/** Bad input: the message names the profile, the field path and the fix. */
export class SpecError extends Error {
  constructor(
    readonly profile: string,
    message: string,
  ) {
    super(message);
    this.name = 'SpecError';
  }
}

export interface LoadOptions {
  /** @default DEFAULT_OVERLAYS_DIR */
  readonly overlaysDir?: string;
  /** YAML overlay files applied last, in order. @default [] */
  readonly extraOverlays?: readonly string[];
  /** `--set path=value` layers applied after every file (config/set-values.ts). @default [] */
  readonly setValues?: readonly string[];
  /** Told when a YAML overlay replaces an inherited list of named entries. @default silent */
  readonly onNotice?: (message: string) => void;
}

/** `a.b[2].c` */
const fieldPath = (p: readonly (string | number)[]) =>
  p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('') || '(root)';

/** Folder names the synth writes beside the profiles' folders. */
const RESERVED_PROFILE_NAMES = new Set(['argocd']);
const RESERVED_PROFILE_SUFFIX = '-custom-resources';

/**
 * A profile name becomes a folder under dist/ and part of Argo CD names: a DNS label that cannot
 * climb out of dist/ or land in another profile's folder.
 */
export function checkProfileName(name: string, where: string): void {
  const problem =
    name === ''
      ? 'is empty'
      : !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 40
        ? 'must be a DNS label of at most 40 characters (lowercase letters, digits, "-"; no "/", "." or spaces)'
        : RESERVED_PROFILE_NAMES.has(name)
          ? `is reserved: dist/${name}/ holds the Argo CD objects`
          : name.endsWith(RESERVED_PROFILE_SUFFIX)
            ? `must not end in "${RESERVED_PROFILE_SUFFIX}": dist/<profile>${RESERVED_PROFILE_SUFFIX}/ holds a profile's custom resources`
            : undefined;
  if (problem)
    throw new SpecError(name || '-', `profile name ${JSON.stringify(name)} (${where}) ${problem}. Choose another name, e.g. "staging-eu".`);
}

/** An overlays folder named on the command line must exist: a typo would silently drop every YAML overlay. */
export function checkOverlaysDir(dir: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new SpecError(
      '-',
      `--overlays-dir ${dir}: no such folder. Point it at a folder of <profile>.yaml overlays (the default is overlays/).`,
    );
  }
}

const yamlFilesFor = (dir: string, profile: string) =>
  [`${profile}.yaml`, `${profile}.yml`].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f));

/** Every profile: the typed ones first, then YAML-only profiles in name order. */
export function listProfiles(overlaysDir = DEFAULT_OVERLAYS_DIR): string[] {
  const yamlOnly = fs.existsSync(overlaysDir)
    ? fs
        .readdirSync(overlaysDir)
        .filter((f) => /^[a-z0-9-]+\.ya?ml$/.test(f))
        .map((f) => f.replace(/\.ya?ml$/, ''))
        .filter((name) => !(name in TYPED_PROFILES))
    : [];
  const names = [...Object.keys(TYPED_PROFILES), ...[...new Set(yamlOnly)].sort()];
  for (const name of names) checkProfileName(name, `from ${path.join(overlaysDir, name)}.yaml`);
  return names;
}

export function readYamlOverlay(profile: string, file: string): unknown {
  const shown = displayPath(file);
  const fail = (problem: string) =>
    new SpecError(profile, `profile "${profile}": ${shown}${problem}. Fix the file and run the synth again.`);
  let bytes: Buffer;
  try {
    bytes = readBounded(file);
  } catch (e) {
    throw new SpecError(profile, `profile "${profile}": cannot read overlay ${shown}: ${(e as Error).message}`);
  }
  const decoded = decodeOverlay(bytes);
  if ('problem' in decoded) throw fail(` ${decoded.problem}`);
  let docs: unknown[];
  try {
    docs = loadAll(decoded.text);
  } catch (e) {
    const reason = e instanceof YAMLException ? e.message : String(e);
    throw new SpecError(
      profile,
      `profile "${profile}": ${shown} is not valid YAML:\n  ${reason.split('\n').join('\n  ')}\nFix the syntax and run the synth again.`,
    );
  }
  if (docs.length > 1) throw fail(` holds ${docs.length} YAML documents; an overlay is one mapping: merge them or remove the "---" lines`);
  const doc = docs[0];
  // A file of comments only (or an empty one) changes nothing.
  if (doc === undefined || doc === null) return {};
  if (!isPlainObject(doc)) {
    throw new SpecError(
      profile,
      `profile "${profile}": ${shown} must contain a mapping of spec fields (like overlays/base.ts), not a ${Array.isArray(doc) ? 'list' : typeof doc}.`,
    );
  }
  const problem = structureProblem(doc);
  if (problem) throw fail(`: ${formatPath(problem.path, doc)}: ${problem.message}`);
  return doc;
}

/** The files a profile is built from, for messages. */
export function profileSources(profile: string, options: LoadOptions = {}): string[] {
  const typed = profile in TYPED_PROFILES ? [`overlays/${profile}.ts`] : [];
  return [
    ...typed,
    ...[...yamlFilesFor(options.overlaysDir ?? DEFAULT_OVERLAYS_DIR, profile), ...(options.extraOverlays ?? [])].map(displayPath),
  ];
}

export function loadSpec(profile: string, options: LoadOptions = {}): Spec {
  const dir = options.overlaysDir ?? DEFAULT_OVERLAYS_DIR;
  checkProfileName(profile, '--profile');
  const yamlFiles = yamlFilesFor(dir, profile);
  if (!(profile in TYPED_PROFILES) && yamlFiles.length === 0) {
    throw new SpecError(
      profile,
      `unknown profile "${profile}". Known profiles: ${listProfiles(dir).join(', ')}. ` +
        `Add overlays/${profile}.yaml (or a typed overlay registered in overlays/index.ts) to create it.`,
    );
  }
  const files = [...yamlFiles, ...(options.extraOverlays ?? [])];
  const layers: { file: string; overlay: unknown }[] = [
    { file: `overlays/${profile}.ts`, overlay: TYPED_PROFILES[profile] ?? {} },
    ...files.map((f) => ({ file: displayPath(f), overlay: readYamlOverlay(profile, f) })),
    ...(options.setValues ?? []).map((raw) => ({ file: `--set ${raw}`, overlay: setLayer(profile, raw) })),
  ];
  // Worker pools start from their defaults, so an overlay's `null` can remove a default (autoscaling: null).
  const entryDefaults = (at: readonly (string | number)[]) => (at.length === 1 && at[0] === 'workerPools' ? workerPoolDefaults : undefined);
  let merged = deepMerge({}, base, { entryDefaults }) as Record<string, unknown>;
  for (const [i, { file, overlay }] of layers.entries()) {
    // Typed profiles are code under review; a YAML overlay says when it replaces what it inherits.
    const onNotice =
      i > 0 && options.onNotice
        ? (n: MergeNotice) => options.onNotice!(`profile "${profile}": ${file}: ${fieldPath(n.path)} ${n.message}`)
        : undefined;
    try {
      merged = deepMerge(merged, overlay, { onNotice, entryDefaults });
    } catch (e) {
      if (!(e instanceof MergeError)) throw e;
      throw new SpecError(profile, `profile "${profile}": ${file}: ${fieldPath(e.path)}: ${e.message}`);
    }
  }
  const result = specSchema.safeParse(merged);
  if (!result.success) {
    const sources = [...files.map(displayPath), ...(options.setValues ?? []).map((raw) => `--set ${raw}`)];
    throw new SpecError(profile, formatIssues(profile, result.error.issues, sources, merged));
  }
  return result.data;
}

interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
  /** Nested issues, e.g. for an invalid record key. */
  readonly issues?: readonly Issue[];
  /** Per-branch issues of a union (`invalid_union`). */
  readonly errors?: readonly (readonly Issue[])[];
}

/** A union error becomes the issues of the branch that matched the input's shape (failing below its root). */
function flattenUnion(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || !issue.errors) return [issue];
  const branch = issue.errors.find((b) => b.length > 0 && b.every((x) => x.path.length > 0));
  return branch ? branch.flatMap((x) => flattenUnion({ ...x, path: [...issue.path, ...x.path] })) : [issue];
}

function formatPath(pathKeys: readonly PropertyKey[], spec: Record<string, unknown>): string {
  let out = '';
  let node: unknown = spec;
  for (const k of pathKeys) {
    const isIndex = typeof k === 'number' || (typeof k === 'string' && /^\d+$/.test(k));
    node = isPlainObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[k as string] : undefined;
    if (isIndex) {
      const name = isPlainObject(node) && typeof node.name === 'string' ? ` (${node.name})` : '';
      out += `[${String(k)}]${name}`;
    } else {
      out += out ? `.${String(k)}` : String(k);
    }
  }
  return out || '(root)';
}

function describe(issue: Issue): string {
  if (issue.code === 'invalid_key' && issue.issues?.length) return describe(issue.issues[0]);
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: remove it or fix the spelling (config/schema.ts lists every field)`;
  }
  const m = /^Invalid input: expected (\w+), received (\w+)$/.exec(issue.message);
  if (m) return m[2] === 'undefined' ? `is required (expected ${m[1]})` : `expected ${m[1]}, got ${m[2]}`;
  return issue.message.replace(/^Invalid input: /, '');
}

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

const MAX_LISTED_ISSUES = 50;

function formatIssues(profile: string, issues: readonly Issue[], yamlFiles: readonly string[], merged: Record<string, unknown>): string {
  const all = issues.flatMap(flattenUnion);
  const lines = all.slice(0, MAX_LISTED_ISSUES).map((i) => `  - ${formatPath(i.path, merged)}: ${describe(i)}`);
  if (all.length > MAX_LISTED_ISSUES) lines.push(`  - … and ${all.length - MAX_LISTED_ISSUES} more`);
  const typed = profile in TYPED_PROFILES ? [`overlays/${profile}.ts`] : [];
  const sources = [...typed, ...yamlFiles].join(' or ');
  return [
    `profile "${profile}": invalid spec (${issues.length} problem${issues.length > 1 ? 's' : ''})`,
    ...lines,
    `Fix these fields in ${sources} (defaults are in overlays/base.ts) and run the synth again.`,
  ].join('\n');
}

function setLayer(profile: string, raw: string): Record<string, unknown> {
  try {
    return setValueOverlay(raw, specSchema);
  } catch (e) {
    if (e instanceof SetValueError) throw new SpecError(profile, `profile "${profile}": ${e.message}`);
    throw e;
  }
}
