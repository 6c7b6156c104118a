/**
 * Entry point: `npm run synth [-- --profile staging]` or `cdk8s synth`. Builds one cdk8s App per
 * profile into a temporary folder and swaps the result into dist/<profile>/ only when every
 * profile succeeded, so bad input never changes dist/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkDistinctProfiles } from './config/distinct-profiles';
import { checkOverlaysDir, checkProfileName, listProfiles, loadSpec, profileSources, SpecError } from './config/load';
import type { Spec } from './config/schema';
import type { JsonValue } from './lib/yaml';
import { forgetDeployed } from './output/deployed';
import { checkServerUpgrade, checkShardCount } from './output/deployed-guards';
import { checkOutputFolder, MANIFEST, OutputFolderError, readManifest, replaceOwnedFolders } from './output/output-folder';
import { ARGOCD_DIR, customResourcesDir, synthArgoCd, synthProfile } from './output/synth';

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

const USAGE =
  'usage: npm run synth -- [--profile <name>]... [--outdir dist] [--overlay extra.yaml]... [--overlays-dir dir] [--new-cluster] [--quiet]';

/** The checkout this app lives in: output folders may not be it or contain it. */
const PROJECT_ROOT = path.resolve(__dirname, path.basename(__dirname) === '.build' ? '..' : '.');

function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { profiles: [], outdir: 'dist', overlays: [], quiet: false, newCluster: false };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] =
      a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new SpecError('-', `${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--profile':
      case '-p': {
        for (const name of value().split(',')) {
          checkProfileName(name, `${flag} ${JSON.stringify(inline ?? argv[i])}`);
          if (args.profiles.includes(name))
            throw new SpecError(name, `--profile ${name} is given twice; name each profile once.\n${USAGE}`);
          args.profiles.push(name);
        }
        break;
      }
      case '--outdir':
      case '-o':
        if (seen.has('--outdir')) throw new SpecError('-', `--outdir is given twice; give one output folder.\n${USAGE}`);
        args.outdir = value();
        break;
      case '--overlay':
        args.overlays.push(value());
        break;
      case '--overlays-dir':
        args.overlaysDir = value();
        break;
      case '--quiet':
      case '-q':
        args.quiet = true;
        break;
      case '--new-cluster':
        args.newCluster = true;
        break;
      default:
        throw new SpecError('-', `unknown argument "${a}"\n${USAGE}`);
    }
    seen.add(flag === '-o' ? '--outdir' : flag);
  }
  return args;
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
    const loadOptions = {
      overlaysDir: args.overlaysDir,
      extraOverlays: args.overlays.map((f) => path.resolve(f)),
      onNotice: (message: string) => io.err(`note: ${message}`),
    };
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
    const obsolete = whole
      ? [...new Set([...(readManifest(outdir) ?? [])].map((f) => f.split('/')[0]))].filter((d) => !folders.includes(d))
      : [];
    replaceOwnedFolders(tmp, outdir, folders, obsolete);
    mirrorForCdk8sCli(outdir, env.CDK8S_OUTDIR);
    return 0;
  } catch (e) {
    if (e instanceof SpecError || e instanceof OutputFolderError) {
      io.err(`synth failed: ${e.message}`);
    } else {
      // A construct refused what the schema let through: one line naming the profile, no stack trace.
      const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      io.err(
        `synth failed: ${current ? `profile "${current}": ${reason} (unexpected: config/schema.ts lacks a rule for this input; please report it)` : reason}`,
      );
      if (env.SYNTH_DEBUG) io.err(String((e as Error).stack));
    }
    io.err('dist/ was left unchanged.');
    return 1;
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Profiles not being built, for the cross-profile checks; one that does not load is not checked here. */
function otherProfiles(
  known: readonly string[],
  building: readonly string[],
  overlaysDir: string | undefined,
): { profile: string; spec: Spec }[] {
  return known
    .filter((p) => !building.includes(p))
    .flatMap((profile) => {
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
