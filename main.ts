/**
 * Entry point: `npm run synth [-- --profile staging]` or `cdk8s synth`. Builds one cdk8s App per
 * profile into a temporary folder and swaps the result into dist/<profile>/ only when every
 * profile succeeded, so bad input never changes dist/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkDistinctProfiles } from './config/distinct-profiles';
import { specValue } from './config/set-values';
import { cliArgs } from './lib/cli-args';
import { checkOverlaysDir, checkProfileName, listProfiles, loadSpec, profileSources, SpecError } from './config/load';
import type { Spec } from './config/schema';
import { JsonValue, toYaml } from './lib/yaml';
import { forgetDeployed } from './output/deployed';
import { checkServerUpgrade, checkShardCount } from './output/deployed-guards';
import { checkOutputFolder, MANIFEST, OutputFolderError, readManifest, replaceOwnedFolders } from './output/output-folder';
import { ARGOCD_DIR, customResourcesDir, synthArgoCd, synthProfile } from './output/synth';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

interface CliArgs {
  command: 'synth' | 'spec';
  profiles: string[];
  outdir: string;
  overlays: string[];
  overlaysDir?: string;
  /** `--set path=value` overrides, in order. */
  sets: string[];
  /** `spec --get path`: print one value (for scripts and the docs' commands). */
  get?: string;
  quiet: boolean;
  /** Print the manifests instead of writing dist/ (like `helm template`). */
  stdout: boolean;
  /** The user creates a new cluster: the deployed shard count does not bind. */
  newCluster: boolean;
  help: boolean;
}

const SYNTH_USAGE = `usage: npm run synth -- [options]        (or: cdk8s synth; npx cdk8s synth --no-check-upgrade offline)

Renders every profile (or the ones named) into dist/<profile>/ and dist/<profile>-custom-resources/,
and dist/argocd/ from every profile. Bad input changes nothing and exits 1.

  -p, --profile <name>    build only this profile (repeatable, or a,b); dist/argocd/ is still rebuilt
  -o, --outdir <dir>      output folder (default dist; only folders this synth wrote are replaced)
      --overlay <file>    extra YAML overlay applied after the profile's own (repeatable)
      --set <path=value>  one-off override typed by the schema, applied last (repeatable), e.g.
                          --set temporal.history.replicas=5 --set 'workerPools[app-worker].replicas=3'
      --overlays-dir <d>  where profile overlays live (default overlays/)
      --stdout            print the manifests (built-in kinds, then custom resources) instead of writing
      --new-cluster       the profile goes to a new, empty cluster: allow a new shard count or version
  -q, --quiet             no progress lines
  -h, --help              this text

See also: npm run spec -- --help (the merged spec), npm run diff -- --help (what a change does).`;

const SPEC_USAGE = `usage: npm run spec -- --profile <name> [options]

Prints the profile's merged, validated spec as YAML: base → overlays/<profile>.ts → overlays/<profile>.yaml
→ --overlay files → --set values, with every default filled in. Bad input exits 1 with the field and fix.

  -p, --profile <name>    the profile (exactly one)
      --overlay <file>    extra YAML overlay (repeatable)
      --set <path=value>  one-off override typed by the schema (repeatable)
      --get <path>        print only this value, e.g. --get namespace.name or --get 'workerPools[app-worker].replicas'
      --overlays-dir <d>  where profile overlays live (default overlays/)
  -h, --help              this text

Every field, its type, default and meaning: docs/reference.md.`;

/** The checkout this app lives in: output folders may not be it or contain it. */
const PROJECT_ROOT = path.resolve(__dirname, path.basename(__dirname) === '.build' ? '..' : '.');

function parseArgs(argv: readonly string[]): CliArgs {
  const command = argv[0] === 'spec' ? 'spec' : 'synth';
  const USAGE = command === 'spec' ? SPEC_USAGE : SYNTH_USAGE;
  const args: CliArgs = {
    command,
    profiles: [],
    outdir: 'dist',
    overlays: [],
    sets: [],
    quiet: false,
    stdout: false,
    newCluster: false,
    help: false,
  };
  const seen = new Set<string>();
  const rest = command === 'spec' ? argv.slice(1) : argv;
  const synthOnly = (flag: string) => {
    if (command === 'spec') throw new SpecError('-', `${flag} is an option of npm run synth, not of npm run spec\n${USAGE}`);
  };
  for (const { arg, flag, value } of cliArgs(rest, (f) => new SpecError('-', `${f} needs a value\n${USAGE}`))) {
    switch (flag) {
      case '--profile':
      case '-p': {
        const names = value();
        for (const name of names.split(',')) {
          checkProfileName(name, `${flag} ${JSON.stringify(names)}`);
          if (args.profiles.includes(name))
            throw new SpecError(name, `--profile ${name} is given twice; name each profile once.\n${USAGE}`);
          args.profiles.push(name);
        }
        break;
      }
      case '--outdir':
      case '-o':
        synthOnly(flag);
        if (seen.has('--outdir')) throw new SpecError('-', `--outdir is given twice; give one output folder.\n${USAGE}`);
        args.outdir = value();
        break;
      case '--overlay':
        args.overlays.push(value());
        break;
      case '--set':
        args.sets.push(value());
        break;
      case '--get':
        if (command !== 'spec') throw new SpecError('-', `--get is an option of npm run spec, not of npm run synth\n${USAGE}`);
        args.get = value();
        break;
      case '--overlays-dir':
        args.overlaysDir = value();
        break;
      case '--quiet':
      case '-q':
        synthOnly(flag);
        args.quiet = true;
        break;
      case '--stdout':
        synthOnly(flag);
        args.stdout = true;
        break;
      case '--new-cluster':
        synthOnly(flag);
        args.newCluster = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new SpecError('-', `unknown argument "${arg}"\n${USAGE}`);
    }
    seen.add(flag === '-o' ? '--outdir' : flag);
  }
  if (command === 'spec' && !args.help && args.profiles.length !== 1) {
    throw new SpecError('-', `npm run spec prints one profile: give exactly one --profile\n${USAGE}`);
  }
  return args;
}

type Rendered = { profile: string; spec: Spec; objects: { [key: string]: JsonValue }[] };

/** Runs the CLI; returns the process exit code. */
export function run(argv: readonly string[], io: CliIo = { out: console.log, err: console.error }, env = process.env): number {
  let tmp: string | undefined;
  forgetDeployed();
  /** The profile being loaded or built, for an error that is not a SpecError. */
  let current: string | undefined;
  let command = 'synth';
  try {
    const args = parseArgs(argv);
    command = args.command;
    if (args.help) {
      io.out(args.command === 'spec' ? SPEC_USAGE : SYNTH_USAGE);
      return 0;
    }
    if (args.overlaysDir !== undefined) checkOverlaysDir(args.overlaysDir);
    const loadOptions = {
      overlaysDir: args.overlaysDir,
      extraOverlays: args.overlays.map((f) => path.resolve(f)),
      setValues: args.sets,
      onNotice: (message: string) => io.err(`note: ${message}`),
    };
    if (args.command === 'spec') {
      const profile = (current = args.profiles[0]);
      const spec = loadSpec(profile, loadOptions);
      if (args.get !== undefined) {
        let value: unknown;
        try {
          value = specValue(spec, args.get);
        } catch (e) {
          throw new SpecError(profile, (e as Error).message.replace(/^--set /, '--get '));
        }
        if (value === undefined)
          throw new SpecError(profile, `--get ${args.get}: profile "${profile}" has no value there (docs/reference.md lists every field)`);
        io.out(typeof value === 'object' && value !== null ? toYaml(value as JsonValue).trimEnd() : String(value));
        return 0;
      }
      io.out(
        `# The merged, validated spec of profile "${profile}" (${['overlays/base.ts', ...profileSources(profile, loadOptions), ...args.sets.map((s) => `--set ${s}`)].join(' → ')}).`,
      );
      io.out(toYaml(spec as unknown as JsonValue).trimEnd());
      return 0;
    }
    const outdir = checkOutputFolder(args.outdir, { projectRoot: PROJECT_ROOT, given: args.outdir });
    const known = listProfiles(args.overlaysDir);
    const profiles = args.profiles.length ? args.profiles : known;
    const specs = profiles.map((profile) => ({ profile: (current = profile), spec: loadSpec(profile, loadOptions) }));
    // dist/argocd/ describes every profile, so the others are loaded (as they are, without this run's overlays) too.
    const others = known
      .filter((p) => !profiles.includes(p))
      .map((profile) => {
        current = profile;
        try {
          return { profile, spec: loadSpec(profile, { overlaysDir: args.overlaysDir }) };
        } catch (e) {
          if (!(e instanceof SpecError)) throw e;
          throw new SpecError(profile, `${e.message}\n(dist/argocd/ describes every profile, so profile "${profile}" must be valid too.)`);
        }
      });
    current = undefined;
    // Profiles not being built claim first, so the message blames the one being changed.
    checkDistinctProfiles([...others, ...specs], loadOptions);
    for (const { profile, spec } of specs) {
      checkShardCount(profile, spec, path.join(outdir, profile), profileSources(profile, loadOptions), args.newCluster);
      checkServerUpgrade(profile, spec, path.join(outdir, profile), profileSources(profile, loadOptions), args.newCluster);
    }

    fs.mkdirSync(path.dirname(outdir), { recursive: true });
    tmp = fs.mkdtempSync(path.join(path.dirname(outdir), `.${path.basename(outdir)}-tmp-`));
    fs.chmodSync(tmp, 0o755);
    const rendered: Rendered[] = [];
    for (const { profile, spec } of specs) {
      current = profile;
      const started = process.hrtime.bigint();
      const objects = synthProfile(spec, path.join(tmp, profile));
      rendered.push({ profile, spec, objects });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = `${profile}: ${objects.length} objects → ${args.stdout ? 'stdout' : `${path.join(args.outdir, profile)}/`} (${ms.toFixed(0)} ms)`;
      if (!args.quiet) (args.stdout ? io.err : io.out)(line);
    }
    const scratch = path.join(tmp, '.others');
    for (const { profile, spec } of others) {
      current = profile;
      rendered.push({ profile, spec, objects: synthProfile(spec, path.join(scratch, profile)) });
    }
    current = undefined;
    rendered.sort((a, b) => known.indexOf(a.profile) - known.indexOf(b.profile));
    synthArgoCd(rendered, path.join(tmp, ARGOCD_DIR));
    const folders = [...profiles.flatMap((p) => [p, customResourcesDir(p)]), ARGOCD_DIR];
    if (args.stdout) {
      printManifests(tmp, folders, args.outdir, io);
      return 0;
    }
    // A whole synth also retires the folders of profiles that no longer exist (only files it wrote).
    const whole = args.profiles.length === 0;
    const obsolete = whole
      ? [...new Set([...(readManifest(outdir) ?? [])].map((f) => f.split('/')[0]))].filter((d) => !folders.includes(d))
      : [];
    replaceOwnedFolders(tmp, outdir, folders, obsolete);
    mirrorForCdk8sCli(outdir, env.CDK8S_OUTDIR);
    return 0;
  } catch (e) {
    const failed = command === 'spec' ? 'spec failed' : 'synth failed';
    if (e instanceof SpecError || e instanceof OutputFolderError) {
      io.err(`${failed}: ${e.message}`);
    } else {
      // A construct refused what the schema let through: one line naming the profile, no stack trace.
      const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      io.err(
        `${failed}: ${current ? `profile "${current}": ${reason} (unexpected: config/schema.ts lacks a rule for this input; please report it)` : reason}`,
      );
      if (env.SYNTH_DEBUG) io.err(String((e as Error).stack));
    }
    if (command === 'synth') io.err('dist/ was left unchanged.');
    return 1;
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** `--stdout`: every manifest file of the folders, in apply order, each after a `# Source:` line. */
function printManifests(tmp: string, folders: readonly string[], outdirName: string, io: CliIo): void {
  const docs: string[] = [];
  for (const folder of folders) {
    const dir = path.join(tmp, folder);
    if (!fs.existsSync(dir)) continue;
    for (const file of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.k8s.yaml'))
      .sort()) {
      for (const doc of fs.readFileSync(path.join(dir, file), 'utf8').split(/^---\n/m)) {
        if (doc.trim()) docs.push(`# Source: ${path.posix.join(outdirName, folder, file)}\n${doc}`);
      }
    }
  }
  io.out(
    docs
      .map((d) => `---\n${d}`)
      .join('')
      .trimEnd(),
  );
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

/** The entry `npm run synth`, `npm run spec` and `cdk8s synth` start (through scripts/run.js). */
export const main = (args: readonly string[]): number => run(args);
