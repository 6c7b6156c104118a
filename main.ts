/**
 * Entry point: `npm run synth [-- --profile staging]` or `cdk8s synth`. Builds one cdk8s App per
 * profile into a temporary folder and swaps the result into dist/<profile>/ only when every
 * profile succeeded, so bad input never changes dist/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { buildTemporalStack } from './charts/temporal-stack';
import { toYaml } from './constructs/yaml';
import { listProfiles, loadSpec, SpecError } from './overlays';
import type { Spec } from './overlays/schema';

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
}

const USAGE = 'usage: npm run synth -- [--profile <name>]... [--outdir dist] [--overlay extra.yaml]... [--quiet]';

function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { profiles: [], outdir: 'dist', overlays: [], quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new SpecError('-', `${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--profile': case '-p': args.profiles.push(...value().split(',').filter(Boolean)); break;
      case '--outdir': case '-o': args.outdir = value(); break;
      case '--overlay': args.overlays.push(value()); break;
      case '--overlays-dir': args.overlaysDir = value(); break;
      case '--quiet': case '-q': args.quiet = true; break;
      default: throw new SpecError('-', `unknown argument "${a}"\n${USAGE}`);
    }
  }
  return args;
}

/**
 * Writes one file per chart, `NNNN-<chart>.k8s.yaml` in apply order (the Namespace first), and returns
 * the number of objects. Same layout as cdk8s's FILE_PER_CHART, serialised by constructs/yaml.ts,
 * which costs a fraction of cdk8s's own YAML writer on this hot path.
 */
export function synthProfile(spec: Spec, outdir: string): number {
  const app = new App({ outdir, recordConstructMetadata: false });
  const charts = buildTemporalStack(app, spec);
  fs.mkdirSync(outdir, { recursive: true });
  let objects = 0;
  charts.forEach((chart, i) => {
    const docs = chart.toJson();
    objects += docs.length;
    const file = path.join(outdir, `${String(i).padStart(4, '0')}-${chart.node.id}.k8s.yaml`);
    fs.writeFileSync(file, docs.map(toYaml).join('---\n'));
  });
  return objects;
}

/** Runs the CLI; returns the process exit code. */
export function run(argv: readonly string[], io: CliIo = { out: console.log, err: console.error }, env = process.env): number {
  let tmp: string | undefined;
  try {
    const args = parseArgs(argv);
    const known = listProfiles(args.overlaysDir);
    const profiles = args.profiles.length ? [...new Set(args.profiles)] : known;
    const specs = profiles.map((profile) => ({
      profile,
      spec: loadSpec(profile, { overlaysDir: args.overlaysDir, extraOverlays: args.overlays.map((f) => path.resolve(f)) }),
    }));

    const outdir = path.resolve(args.outdir);
    fs.mkdirSync(path.dirname(outdir), { recursive: true });
    tmp = fs.mkdtempSync(path.join(path.dirname(outdir), `.${path.basename(outdir)}-tmp-`));
    fs.chmodSync(tmp, 0o755);
    for (const { profile, spec } of specs) {
      const started = process.hrtime.bigint();
      const objects = synthProfile(spec, path.join(tmp, profile));
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (!args.quiet) io.out(`${profile}: ${objects} objects → ${path.join(args.outdir, profile)}/ (${ms.toFixed(0)} ms)`);
    }
    swapInto(tmp, outdir, profiles, args.profiles.length === 0);
    tmp = undefined;
    mirrorForCdk8sCli(outdir, profiles, env.CDK8S_OUTDIR);
    return 0;
  } catch (e) {
    if (e instanceof SpecError) {
      io.err(`synth failed: ${e.message}`);
    } else {
      io.err(`synth failed: ${(e as Error).stack ?? String(e)}`);
    }
    io.err('dist/ was left unchanged.');
    return 1;
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Replaces dist/<profile> (or all of dist/ when every profile was built) with the new output. */
function swapInto(tmp: string, outdir: string, profiles: readonly string[], whole: boolean): void {
  const trash = `${tmp}-old`;
  if (whole) {
    if (fs.existsSync(outdir)) fs.renameSync(outdir, trash);
    fs.renameSync(tmp, outdir);
  } else {
    fs.mkdirSync(outdir, { recursive: true });
    fs.mkdirSync(trash);
    for (const profile of profiles) {
      const target = path.join(outdir, profile);
      if (fs.existsSync(target)) fs.renameSync(target, path.join(trash, profile));
      fs.renameSync(path.join(tmp, profile), target);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.rmSync(trash, { recursive: true, force: true });
}

/** `cdk8s synth` empties its output folder before running the app, so it gets a copy, never dist/ itself. */
function mirrorForCdk8sCli(outdir: string, profiles: readonly string[], cliOutdir: string | undefined): void {
  if (!cliOutdir || path.resolve(cliOutdir) === outdir) return;
  for (const profile of profiles) {
    fs.cpSync(path.join(outdir, profile), path.join(path.resolve(cliOutdir), profile), { recursive: true });
  }
}

if (require.main === module) {
  process.exitCode = run(process.argv.slice(2));
}
