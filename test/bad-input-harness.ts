/**
 * The bad-input rule, shared by test/bad-input*.test.ts: a synth into a scratch dist/ before the
 * tests, and after every test that dist/ is byte-for-byte unchanged and no temporary folder is left.
 * Every CLI call reads the fixture profiles (`--overlays-dir test/fixtures/profiles`, so
 * `--profile fixture-staging` works): the messages and limits asserted depend on their values, never
 * on the example profiles'. A call may pass its own `--overlays-dir` (the last one wins).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../main';
import { FIXTURE_ARGS, FIXTURE_PROFILES } from './helpers';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      hash.update(path.relative(dir, p));
      if (e.isDirectory()) walk(p);
      else hash.update(fs.readFileSync(p));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

export interface BadInputHarness {
  /** The scratch folder (set in beforeAll). */
  readonly work: () => string;
  /** The CLI with `--outdir <scratch dist> --overlays-dir <fixtures>` and these arguments. */
  synth(args: string[]): CliResult;
  /** The CLI writing to a throw-away folder instead, for input that must be accepted. */
  synthElsewhere(args: string[]): CliResult & { outdir: string };
  /** Writes an overlay file (text, or raw bytes) and returns its path. */
  overlay(name: string, content: string | Buffer): string;
  /** Runs one profile with one overlay and checks the bad-input rule; returns stderr. */
  expectRefused(profile: string, content: string | Buffer, expected: readonly string[]): string;
  /** Runs one profile with one overlay and expects success; returns where it wrote. */
  expectAccepted(profile: string, content: string | Buffer): string;
}

export function badInputHarness(): BadInputHarness {
  let work = '';
  let outdir = '';
  let before = '';
  let n = 0;
  const cli = (dir: string, args: string[]): CliResult => {
    const out: string[] = [];
    const err: string[] = [];
    const code = run(['--outdir', dir, ...FIXTURE_ARGS, ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, {});
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const h: BadInputHarness = {
    work: () => work,
    synth: (args) => cli(outdir, args),
    synthElsewhere: (args) => {
      const dir = path.join(work, `accepted-${n++}`);
      return { ...cli(dir, args), outdir: dir };
    },
    overlay: (name, content) => {
      const file = path.join(work, `${name}.yaml`);
      fs.writeFileSync(file, content);
      return file;
    },
    expectRefused: (profile, content, expected) => {
      const file = h.overlay(`refused-${n++}`, content);
      const { code, err } = h.synth(['--profile', profile, '--overlay', file]);
      expect(err).not.toMatch(/\n\s+at /); // no stack trace
      expect(code).toBe(1);
      for (const e of [`profile "${profile}"`, ...expected]) expect(err).toContain(e);
      expect(err).toContain('dist/ was left unchanged.');
      return err;
    },
    expectAccepted: (profile, content) => {
      const file = h.overlay(`accepted-${n++}`, content);
      const res = h.synthElsewhere(['--profile', profile, '--overlay', file, '--quiet']);
      // Notes (a YAML overlay replacing a whole list of named entries) are not errors.
      expect(res.err.split('\n').filter((l) => l && !l.startsWith('note: '))).toEqual([]);
      expect(res.code).toBe(0);
      return path.join(res.outdir, profile);
    },
  };

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-'));
    outdir = path.join(work, 'dist');
    expect(cli(outdir, ['--quiet', '--profile', FIXTURE_PROFILES.join(',')]).code).toBe(0);
    before = treeDigest(outdir);
  });

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  afterEach(() => {
    expect(treeDigest(outdir)).toBe(before);
    expect(fs.readdirSync(work).filter((f) => f.startsWith('.dist-tmp-'))).toEqual([]);
  });

  return h;
}
