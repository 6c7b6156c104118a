/**
 * The synth's output folder is shared with the user's own files (the checkout around it), so the
 * synth only ever replaces what it wrote itself. Every file it writes is listed in the folder's
 * manifest; a folder that is the project, contains it, lies outside the project and the system
 * temp folder, or holds a file the manifest does not list is refused before anything is written.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Lists every file the synth wrote into the output folder, one relative path per line. */
export const MANIFEST = '.synth-manifest';

const MANIFEST_HEADER = '# Files written by `npm run synth`; the synth replaces only these. Do not edit.';

/** Files the synth wrote before it kept a manifest (adopted once, then listed). */
const LEGACY_GENERATED = /^(argocd\/0000-argocd\.k8s\.yaml|[a-z0-9-]+\/(README\.md|\d{4}-[a-z0-9-]+\.k8s\.yaml))$/;

/** Folders inside the project that hold its sources or tools: never an output folder. */
const PROTECTED_TOP_LEVEL = new Set(['.git', 'node_modules']);

export class OutputFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputFolderError';
  }
}

/** The real path of `p`, even when its last segments do not exist yet (symlinks resolved). */
export function realPathOf(p: string): string {
  const abs = path.resolve(p);
  let existing = abs;
  const rest: string[] = [];
  while (!fs.existsSync(existing)) {
    rest.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  return path.join(fs.realpathSync(existing), ...rest);
}

const isWithin = (child: string, parent: string) => {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

/** Every file (and symlink) below `dir`, as `/`-separated paths relative to it. */
function filesBelow(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? filesBelow(dir, rel) : [rel];
  });
}

/** The files the manifest of `dir` lists, or undefined when it has none. */
export function readManifest(dir: string): Set<string> | undefined {
  const file = path.join(dir, MANIFEST);
  if (!fs.existsSync(file)) return undefined;
  return new Set(
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#')),
  );
}

export function writeManifest(dir: string, files: Iterable<string>): void {
  fs.writeFileSync(path.join(dir, MANIFEST), [MANIFEST_HEADER, ...[...files].sort()].join('\n') + '\n');
}

export interface OutputFolderOptions {
  /** The project checkout. */
  readonly projectRoot: string;
  /** Besides the project, output may go below this folder. @default os.tmpdir() */
  readonly tempRoot?: string;
  /** How the user named the folder, for messages. */
  readonly given: string;
}

/**
 * Refuses an output folder the synth could damage; returns its real path. Checked before the build,
 * so a refusal leaves everything as it was.
 */
export function checkOutputFolder(outdir: string, options: OutputFolderOptions): string {
  const real = realPathOf(outdir);
  const project = fs.realpathSync(options.projectRoot);
  const temp = realPathOf(options.tempRoot ?? os.tmpdir());
  const named = `--outdir ${options.given}${real !== path.resolve(options.given) ? ` (${real})` : ''}`;
  const refuse = (why: string, fix = 'Use a folder of its own such as dist/ (the default).') => {
    throw new OutputFolderError(`${named} ${why}. ${fix} Nothing was written.`);
  };
  if (real === path.parse(real).root) refuse('is the filesystem root');
  if (real === project) refuse('is the project itself; the synth would replace its files');
  if (isWithin(project, real)) refuse('contains the project; the synth would replace its files');
  // Checked on the path as named too: node_modules/ may be a symlink out of the project (a linked checkout).
  for (const [dir, root] of [
    [real, project],
    [path.resolve(outdir), path.resolve(options.projectRoot)],
  ]) {
    const top = isWithin(dir, root) ? path.relative(root, dir).split(path.sep)[0] : undefined;
    if (top !== undefined && PROTECTED_TOP_LEVEL.has(top)) refuse(`is inside ${top}/, which the synth must not touch`);
  }
  if (!isWithin(real, project) && !isWithin(real, temp)) {
    refuse(`is outside the project and outside ${temp}`, 'Write below the project (e.g. dist/) and copy the result where you need it.');
  }
  if (!fs.existsSync(real)) return real;
  if (!fs.statSync(real).isDirectory()) refuse('is a file, not a folder');
  const manifest = readManifest(real);
  const foreign = filesBelow(real).filter((f) => f !== MANIFEST && !(manifest ? manifest.has(f) : LEGACY_GENERATED.test(f)));
  if (foreign.length) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, … (${foreign.length} in all)` : '');
    refuse(
      `holds files the synth did not write (not listed in its ${MANIFEST}): ${shown}`,
      'Move them elsewhere, or choose an empty or new folder.',
    );
  }
  return real;
}

/**
 * Replaces the given top-level folders of `outdir` with those built in `staging`, and removes the
 * folders the manifest lists that this synth no longer produces (`obsolete`). Only manifest-listed
 * files are ever removed; the manifest is rewritten to list exactly what is there afterwards.
 */
export function replaceOwnedFolders(staging: string, outdir: string, folders: readonly string[], obsolete: readonly string[] = []): void {
  fs.mkdirSync(outdir, { recursive: true });
  const before = readManifest(outdir) ?? new Set(filesBelow(outdir).filter((f) => LEGACY_GENERATED.test(f)));
  const replaced = new Set([...folders, ...obsolete]);
  const kept = [...before].filter((f) => !replaced.has(f.split('/')[0]));
  for (const dir of replaced) {
    const target = path.join(outdir, dir);
    const leftovers = fs.existsSync(target)
      ? filesBelow(target)
          .map((f) => `${dir}/${f}`)
          .filter((f) => !before.has(f))
      : [];
    if (leftovers.length)
      throw new OutputFolderError(`${target} holds files the synth did not write (${leftovers.join(', ')}); nothing was replaced.`);
  }
  // Old folders move aside first and are deleted only once every new folder is in place.
  const trash = fs.mkdtempSync(path.join(path.dirname(staging), `${path.basename(staging)}-old-`));
  for (const dir of replaced) {
    if (fs.existsSync(path.join(outdir, dir))) fs.renameSync(path.join(outdir, dir), path.join(trash, dir));
  }
  const written: string[] = [];
  for (const dir of folders) {
    if (!fs.existsSync(path.join(staging, dir))) continue;
    fs.renameSync(path.join(staging, dir), path.join(outdir, dir));
    written.push(...filesBelow(outdir, dir));
  }
  writeManifest(outdir, [...kept, ...written]);
  fs.rmSync(trash, { recursive: true, force: true });
}
