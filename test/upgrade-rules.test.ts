/**
 * Unsafe upgrades are refused against what is deployed (the output folder, and git HEAD's copy):
 * a skipped minor release (with the path to take), a downgrade; and images that do not belong
 * together: admin tools of another release, a Web UI older than the chart's for that server.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../main';
import { upgradePath, parseVersion } from '../config/versions';
import { FIXTURE_ARGS, FX } from './helpers';

let work: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'upgrade-rules-'));
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

function synth(...args: string[]): { code: number; err: string } {
  const err: string[] = [];
  const code = run(
    ['--quiet', '--outdir', path.join(work, 'dist'), ...FIXTURE_ARGS, '--profile', FX.staging, ...args],
    { out: () => undefined, err: (l) => err.push(l) },
    {},
  );
  return { code, err: err.join('\n') };
}

function pinned(server: string, tools = server, ui?: string): string {
  const file = path.join(work, `pin-${server}-${tools}-${ui ?? ''}.yaml`);
  fs.writeFileSync(
    file,
    `images:\n  server:\n    tag: "${server}"\n  adminTools:\n    tag: "${tools}"\n${ui ? `  ui:\n    tag: "${ui}"\n` : ''}`,
  );
  return file;
}

test('one minor at a time, from the newest patch: 1.29 → 1.31 and 1.30.4 → 1.31 are refused with the releases to take; 1.30.9 → 1.31 is fine', () => {
  expect(synth('--overlay', pinned('1.29.1')).code).toBe(0);
  const skip = synth();
  expect(skip.code).toBe(1);
  expect(skip.err).toContain(`profile "${FX.staging}": images.server.tag: deployed 1.29.1`);
  expect(skip.err).toContain('requested 1.31.2');
  expect(skip.err).toContain('Take 1.30.9, then 1.31.2: one commit and rollout each');
  expect(synth('--overlay', pinned('1.30.4'), '--new-cluster').code).toBe(0);
  expect(synth().err).toContain('Take 1.30.9, then 1.31.2');
  expect(synth('--overlay', pinned('1.30.9')).code).toBe(0);
  expect(synth().code).toBe(0);
});

test('a downgrade is refused, even by one patch', () => {
  expect(synth().code).toBe(0);
  const down = synth('--overlay', pinned('1.31.1'));
  expect(down.code).toBe(1);
  expect(down.err).toContain('deployed 1.31.2');
  expect(down.err).toContain('Temporal cannot be downgraded');
});

test('--new-cluster lifts the deployed-state rules', () => {
  expect(synth().code).toBe(0);
  expect(synth('--overlay', pinned('1.30.9'), '--new-cluster').code).toBe(0);
});

test.each([
  ['admin tools of another release', ['1.31.2', '1.30.9'], 'images.adminTools.tag: 1.30.9 does not match the server 1.31.2'],
  ['a Web UI older than the chart pairs with the server', ['1.31.2', '1.31.2', '2.40.0'], 'images.ui.tag: 2.40.0 is older than 2.52.0'],
] as const)('%s is refused', (_, tags, message) => {
  const r = synth('--overlay', pinned(...(tags as unknown as [string, string, string?])));
  expect(r.code).toBe(1);
  expect(r.err).toContain(message);
});

test('upgrade paths take each minor at its newest known patch', () => {
  expect(upgradePath(parseVersion('1.28.1')!, parseVersion('1.31.2')!)).toEqual(['1.29.1', '1.30.9', '1.31.2']);
  // First the newest patch of the current minor.
  expect(upgradePath(parseVersion('1.30.4')!, parseVersion('1.31.2')!)).toEqual(['1.30.9', '1.31.2']);
  expect(upgradePath(parseVersion('1.31.2')!, parseVersion('1.31.5')!)).toEqual(['1.31.5']);
  expect(parseVersion('1.31.2-dsql.1')).toEqual({ major: 1, minor: 31, patch: 2 });
});
