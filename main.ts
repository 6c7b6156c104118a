/**
 * Entry point: `npm run synth [-- --profile staging]` or `cdk8s synth`. Builds one cdk8s App per
 * profile into a temporary folder and swaps the result into dist/<profile>/ only when every
 * profile succeeded, so bad input never changes dist/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { GitOpsChart } from './charts/gitops-chart';
import { buildTemporalStack } from './charts/temporal-stack';
import { inventory } from './charts/inventory';
import { JsonValue, toYaml } from './constructs/yaml';
import { deployedServerVersions, deployedShardCounts, forgetDeployed } from './cli/deployed';
import { checkOutputFolder, MANIFEST, OutputFolderError, readManifest, replaceOwnedFolders } from './cli/output-folder';
import { checkOverlaysDir, checkProfileName, listProfiles, LoadOptions, loadSpec, profileSources, SpecError } from './overlays';
import type { Spec } from './overlays/schema';
import { compareVersions, parseVersion, upgradePath } from './overlays/versions';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

interface CliArgs {
  profiles: string[];
  outdir: string;
  overlays: string[];
  overlaysDir?: string;
  quiet: boolean;
  /** The user creates a new cluster: the deployed shard count does not bind. */
  newCluster: boolean;
}

const USAGE = 'usage: npm run synth -- [--profile <name>]... [--outdir dist] [--overlay extra.yaml]... [--overlays-dir dir] [--new-cluster] [--quiet]';

/** The checkout this app lives in: output folders may not be it or contain it. */
const PROJECT_ROOT = path.resolve(__dirname, path.basename(__dirname) === '.build' ? '..' : '.');

function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { profiles: [], outdir: 'dist', overlays: [], quiet: false, newCluster: false };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new SpecError('-', `${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--profile': case '-p': {
        for (const name of value().split(',')) {
          checkProfileName(name, `${flag} ${JSON.stringify(inline ?? argv[i])}`);
          if (args.profiles.includes(name)) throw new SpecError(name, `--profile ${name} is given twice; name each profile once.\n${USAGE}`);
          args.profiles.push(name);
        }
        break;
      }
      case '--outdir': case '-o':
        if (seen.has('--outdir')) throw new SpecError('-', `--outdir is given twice; give one output folder.\n${USAGE}`);
        args.outdir = value();
        break;
      case '--overlay': args.overlays.push(value()); break;
      case '--overlays-dir': args.overlaysDir = value(); break;
      case '--quiet': case '-q': args.quiet = true; break;
      case '--new-cluster': args.newCluster = true; break;
      default: throw new SpecError('-', `unknown argument "${a}"\n${USAGE}`);
    }
    seen.add(flag === '-o' ? '--outdir' : flag);
  }
  return args;
}

/** API groups every cluster serves; any other object needs a CRD (cert-manager, KEDA, …). */
const BUILT_IN_GROUPS = new Set(['', 'apps', 'batch', 'policy', 'autoscaling', 'networking.k8s.io', 'rbac.authorization.k8s.io']);

export const needsCrd = (apiVersion: string) => !BUILT_IN_GROUPS.has(apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/** Where the objects that need CRDs go, beside dist/<profile>/: apply it once the operators run. */
export const customResourcesDir = (profileDir: string) => `${profileDir}-custom-resources`;

/**
 * Writes one file per chart, `NNNN-<chart>.k8s.yaml` in apply order (the Namespace first): built-in
 * kinds to `outdir`, objects that need a CRD to `<outdir>-custom-resources`, so `kubectl apply -R` of
 * the first works on a cluster without the operators. Returns the number of objects. Serialised by
 * constructs/yaml.ts, a fraction of the cost of cdk8s's own YAML writer on this hot path.
 */
export function synthProfile(spec: Spec, outdir: string): { [key: string]: JsonValue }[] {
  const app = new App({ outdir, recordConstructMetadata: false });
  const charts = buildTemporalStack(app, spec);
  const crdir = customResourcesDir(outdir);
  fs.mkdirSync(outdir, { recursive: true });
  const all: { [key: string]: JsonValue }[] = [];
  charts.forEach((chart, i) => {
    const docs = chart.toJson() as { [key: string]: JsonValue }[];
    all.push(...docs);
    const name = `${String(i).padStart(4, '0')}-${chart.node.id}.k8s.yaml`;
    const core = docs.filter((d) => !needsCrd(String(d.apiVersion)));
    const custom = docs.filter((d) => needsCrd(String(d.apiVersion)));
    if (core.length) fs.writeFileSync(path.join(outdir, name), core.map(toYaml).join('---\n'));
    if (custom.length) {
      fs.mkdirSync(crdir, { recursive: true });
      fs.writeFileSync(path.join(crdir, name), custom.map(toYaml).join('---\n'));
    }
  });
  fs.writeFileSync(path.join(outdir, 'README.md'), inventory(spec, all, path.basename(outdir)));
  return all;
}

export const ARGOCD_DIR = 'argocd';

/** dist/argocd/: the AppProject and one Application per profile, for an app-of-apps to point at. */
export function synthArgoCd(profiles: readonly { profile: string; spec: Spec; objects: { [key: string]: JsonValue }[] }[], outdir: string): void {
  const app = new App({ outdir, recordConstructMetadata: false });
  const chart = new GitOpsChart(app, 'argocd', profiles.map((p) => ({
    profile: p.profile,
    spec: p.spec,
    kinds: p.objects.map((o) => ({ apiVersion: String(o.apiVersion), kind: String(o.kind) })),
    hasCustomResources: p.objects.some((o) => needsCrd(String(o.apiVersion))),
  })));
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, '0000-argocd.k8s.yaml'), (chart.toJson() as JsonValue[]).map(toYaml).join('---\n'));
}

/** Two profiles sharing a namespace, instance or Ingress host would have Argo CD fight over the same objects. */
function checkDistinctProfiles(specs: readonly { profile: string; spec: Spec }[], options: LoadOptions): void {
  const claims = new Map<string, string>();
  for (const { profile, spec } of specs) {
    const owned: [string, string][] = [['namespace.name', spec.namespace.name], ['instance', spec.instance]];
    if (spec.ui.enabled && spec.ui.ingress.enabled) owned.push(['ui.ingress.host', spec.ui.ingress.host]);
    for (const [field, value] of owned) {
      const key = `${field}=${value}`;
      const other = claims.get(key);
      if (other !== undefined && other !== profile) {
        throw new SpecError(profile, `profile "${profile}": ${field} "${value}" is also used by profile "${other}"; `
          + `each profile needs its own ${field}, or their objects and Argo CD Applications collide. Change it in ${profileSources(profile, options).join(' or ')}.`);
      }
      claims.set(key, profile);
    }
  }
}

/** The shard count is fixed when a cluster first starts; a changed count against what is deployed is refused. */
function checkShardCount(profile: string, spec: Spec, profileDir: string, sources: readonly string[], newCluster: boolean): void {
  if (newCluster) return;
  for (const deployed of deployedShardCounts(profileDir)) {
    if (deployed.value === spec.temporal.numHistoryShards) continue;
    throw new SpecError(profile, `profile "${profile}": temporal.numHistoryShards: deployed ${deployed.value} (${deployed.source}), requested ${spec.temporal.numHistoryShards}. `
      + `A running cluster keeps the shard count it first started with; set it back to ${deployed.value} in ${sources.join(' or ')}. `
      + 'Only for a new cluster on an empty database, run the synth with --new-cluster.');
  }
}

/**
 * Temporal takes one minor release at a time and never goes back (its schema only moves forward):
 * against what is deployed, a skipped minor or a downgrade is refused, with the path to take.
 */
function checkServerUpgrade(profile: string, spec: Spec, profileDir: string, sources: readonly string[], newCluster: boolean): void {
  if (newCluster) return;
  const requested = parseVersion(spec.images.server.tag);
  if (!requested) return;
  for (const deployed of deployedServerVersions(profileDir)) {
    const from = parseVersion(deployed.value);
    if (!from) continue;
    const at = `profile "${profile}": images.server.tag: deployed ${deployed.value} (${deployed.source}), requested ${spec.images.server.tag}`;
    if (compareVersions(requested, from) < 0) {
      throw new SpecError(profile, `${at}. Temporal cannot be downgraded: the database schema only moves forward. Set it back to ${deployed.value} in ${sources.join(' or ')}; `
        + 'to return to an older release, restore a backup taken before the upgrade into a new cluster (--new-cluster).');
    }
    // One minor at a time, from the newest patch of the current minor (Temporal's upgrade guide).
    if (requested.major !== from.major || upgradePath(from, requested).length > 1) {
      const path = upgradePath(from, requested);
      throw new SpecError(profile, `${at}. Temporal upgrades one minor release at a time (schema and server together). Take ${path.join(', then ')}: `
        + `one commit and rollout each, setting images.server.tag and images.adminTools.tag in ${sources.join(' or ')}.`);
    }
  }
}

/** Runs the CLI; returns the process exit code. */
export function run(argv: readonly string[], io: CliIo = { out: console.log, err: console.error }, env = process.env): number {
  let tmp: string | undefined;
  forgetDeployed();
  /** The profile being loaded or built, for an error that is not a SpecError. */
  let current: string | undefined;
  try {
    const args = parseArgs(argv);
    if (args.overlaysDir !== undefined) checkOverlaysDir(args.overlaysDir);
    const outdir = checkOutputFolder(args.outdir, { projectRoot: PROJECT_ROOT, given: args.outdir });
    const known = listProfiles(args.overlaysDir);
    const profiles = args.profiles.length ? args.profiles : known;
    const loadOptions = { overlaysDir: args.overlaysDir, extraOverlays: args.overlays.map((f) => path.resolve(f)) };
    const specs = profiles.map((profile) => ({ profile: (current = profile), spec: loadSpec(profile, loadOptions) }));
    current = undefined;
    // Profiles not being built claim first, so the message blames the one being changed.
    checkDistinctProfiles([...otherProfiles(known, profiles, args.overlaysDir), ...specs], loadOptions);
    for (const { profile, spec } of specs) {
      checkShardCount(profile, spec, path.join(outdir, profile), profileSources(profile, loadOptions), args.newCluster);
      checkServerUpgrade(profile, spec, path.join(outdir, profile), profileSources(profile, loadOptions), args.newCluster);
    }

    fs.mkdirSync(path.dirname(outdir), { recursive: true });
    tmp = fs.mkdtempSync(path.join(path.dirname(outdir), `.${path.basename(outdir)}-tmp-`));
    fs.chmodSync(tmp, 0o755);
    const rendered: { profile: string; spec: Spec; objects: { [key: string]: JsonValue }[] }[] = [];
    for (const { profile, spec } of specs) {
      current = profile;
      const started = process.hrtime.bigint();
      const objects = synthProfile(spec, path.join(tmp, profile));
      rendered.push({ profile, spec, objects });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (!args.quiet) io.out(`${profile}: ${objects.length} objects → ${path.join(args.outdir, profile)}/ (${ms.toFixed(0)} ms)`);
    }
    current = undefined;
    // The Argo CD objects describe every profile, so they are written only when all were built.
    const whole = args.profiles.length === 0;
    if (whole) synthArgoCd(rendered, path.join(tmp, ARGOCD_DIR));
    const folders = [...profiles.flatMap((p) => [p, customResourcesDir(p)]), ...(whole ? [ARGOCD_DIR] : [])];
    // A whole synth also retires the folders of profiles that no longer exist (only files it wrote).
    const obsolete = whole ? [...new Set([...(readManifest(outdir) ?? [])].map((f) => f.split('/')[0]))].filter((d) => !folders.includes(d)) : [];
    replaceOwnedFolders(tmp, outdir, folders, obsolete);
    mirrorForCdk8sCli(outdir, env.CDK8S_OUTDIR);
    return 0;
  } catch (e) {
    if (e instanceof SpecError || e instanceof OutputFolderError) {
      io.err(`synth failed: ${e.message}`);
    } else {
      // A construct refused what the schema let through: one line naming the profile, no stack trace.
      const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      io.err(`synth failed: ${current ? `profile "${current}": ${reason} (unexpected: overlays/schema.ts lacks a rule for this input; please report it)` : reason}`);
      if (env.SYNTH_DEBUG) io.err(String((e as Error).stack));
    }
    io.err('dist/ was left unchanged.');
    return 1;
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Profiles not being built, for the cross-profile checks; one that does not load is not checked here. */
function otherProfiles(known: readonly string[], building: readonly string[], overlaysDir: string | undefined): { profile: string; spec: Spec }[] {
  return known.filter((p) => !building.includes(p)).flatMap((profile) => {
    try {
      return [{ profile, spec: loadSpec(profile, { overlaysDir }) }];
    } catch {
      return [];
    }
  });
}

/**
 * `cdk8s synth` empties its output folder before running the app, so it gets a copy, never dist/
 * itself; the copy obeys the same rules as dist/.
 */
function mirrorForCdk8sCli(outdir: string, cliOutdir: string | undefined): void {
  if (!cliOutdir || path.resolve(cliOutdir) === outdir) return;
  const mirror = checkOutputFolder(cliOutdir, { projectRoot: PROJECT_ROOT, given: cliOutdir });
  const files = readManifest(outdir) ?? new Set<string>();
  for (const f of [...files, MANIFEST]) {
    fs.mkdirSync(path.dirname(path.join(mirror, f)), { recursive: true });
    fs.copyFileSync(path.join(outdir, f), path.join(mirror, f));
  }
}

/** The entry `npm run synth` and `cdk8s synth` start (through scripts/run.js). */
export const main = (args: readonly string[]): number => run(args);
