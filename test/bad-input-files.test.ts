/**
 * Overlay files as files: their encoding, keys that would pollute merged objects' prototypes, their
 * size (which must never make the synth slow), and files that are odd but valid.
 */
import * as fs from 'fs';
import * as path from 'path';
import { badInputHarness } from './bad-input-harness';
import { FX } from './helpers';

const h = badInputHarness();
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const lines = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i)).join('');

describe('overlays that are not UTF-8 text', () => {
  test.each<[string, Buffer, string]>([
    [
      'Latin-1 text',
      Buffer.from('namespace:\n  labels:\n    team: caf\xe9\n', 'latin1'),
      'is not valid UTF-8 (first bad byte on line 3; Latin-1 or Windows-1252 text?); save it as UTF-8',
    ],
    [
      'UTF-16 with a little-endian BOM',
      Buffer.from('\ufeffui:\n  replicas: 2\n', 'utf16le'),
      'is UTF-16 (little-endian) text; save it as UTF-8',
    ],
    [
      'UTF-16 with a big-endian BOM',
      Buffer.from('\ufeffui:\n  replicas: 2\n', 'utf16le').swap16(),
      'is UTF-16 (big-endian) text; save it as UTF-8',
    ],
    [
      'UTF-16 without a BOM',
      Buffer.from('ui:\n  replicas: 2\n', 'utf16le'),
      'contains a NUL character on line 1 (UTF-16 text without a byte-order mark?)',
    ],
    [
      'a truncated multi-byte character',
      Buffer.concat([Buffer.from('ui:\n  replicas: 2\n# \xe2\x98', 'latin1')]),
      'is not valid UTF-8 (first bad byte on line 3',
    ],
  ])('refuses %s, naming the file', (_name, bytes, message) => {
    const err = h.expectRefused(FX.staging, bytes, [message, 'Fix the file and run the synth again.']);
    expect(err).toMatch(/refused-\d+\.yaml (is|contains) /);
  });

  test.each<[string, Buffer]>([
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ui:\n  replicas: 2\n')])],
    [
      'UTF-8 beyond ASCII',
      Buffer.from(
        'temporal:\n  namespaces:\n    - {name: default, retention: 7d, description: "Café ☕ 日本"}\n    - {name: staging, retention: 7d}\n',
      ),
    ],
  ])('accepts %s', (_name, bytes) => {
    const dir = h.expectAccepted(FX.staging, bytes);
    expect(fs.existsSync(dir)).toBe(true);
  });
});

describe("keys that would reach an object's prototype are refused, never merged", () => {
  test.each<[string, string, string]>([
    ['__proto__ at the top', '__proto__:\n  environment: development\n', '__proto__: "__proto__" is not allowed as a key'],
    [
      '__proto__ in a section',
      'temporal:\n  __proto__:\n    numHistoryShards: 3\n',
      'temporal.__proto__: "__proto__" is not allowed as a key',
    ],
    ['__proto__ in flow style', 'ui: {__proto__: {replicas: 9}}\n', 'ui.__proto__: "__proto__" is not allowed as a key'],
    [
      'constructor in a worker pool',
      'workerPools:\n  - name: app-worker\n    constructor: {prototype: {x: 1}}\n',
      'workerPools[0] (app-worker).constructor: "constructor" is not allowed as a key',
    ],
    [
      'prototype in a label map',
      'namespace:\n  labels:\n    prototype: x\n',
      'namespace.labels.prototype: "prototype" is not allowed as a key',
    ],
  ])('refuses %s with the field path', (_name, text, message) => {
    h.expectRefused(FX.staging, text, [message, 'it would reach the prototype of merged objects']);
    expect(({} as Record<string, unknown>).numHistoryShards).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('input size never makes the synth slow', () => {
  const timed = (f: () => void) => {
    const start = Date.now();
    f();
    return Date.now() - start;
  };

  test.each<[string, () => string, string]>([
    [
      'an overlay above 1 MiB',
      () => `namespace:\n  labels:\n${lines(60000, (i) => `    example.com/label-${i}: value-${i}\n`)}`,
      'is larger than 1 MiB',
    ],
    [
      '3000 namespace labels',
      () => `namespace:\n  labels:\n${lines(3000, (i) => `    label-${i}: value-${i}\n`)}`,
      'namespace.labels: has 3000 entries; at most 256 are allowed in one list or mapping',
    ],
    [
      'an alias bomb',
      () =>
        `temporal:\n  dynamicConfig:\n    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n${lines(9, (i) => `    a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]\n`)}`,
      'the file holds more than 100000 values (aliases counted each time they are used)',
    ],
    ['lists nested 40 deep', () => `ui: ${'['.repeat(40)}${']'.repeat(40)}\n`, 'nests lists and mappings more than 32 levels deep'],
  ])('refuses %s within seconds', (_name, text, message) => {
    expect(timed(() => h.expectRefused(FX.staging, text(), [message]))).toBeLessThan(5000);
  });

  test('refuses more labels than a map may hold after merging two overlays', () => {
    const first = h.overlay('labels-a', `monitoring:\n  selectorLabels:\n${lines(200, (i) => `    a-${i}: v\n`)}`);
    const second = h.overlay('labels-b', `monitoring:\n  selectorLabels:\n${lines(200, (i) => `    b-${i}: v\n`)}`);
    const { code, err } = h.synth(['--profile', FX.staging, '--overlay', first, '--overlay', second]);
    expect(code).toBe(1);
    expect(err).toContain(`profile "${FX.staging}": invalid spec`);
    expect(err).toContain('monitoring.selectorLabels: must have at most 256 entries');
    expect(err).toContain('labels-a.yaml or ');
  });

  test('refuses more worker pools than the synth is built for', () => {
    h.expectRefused(FX.dev, `workerPools:\n${lines(101, (i) => `  - name: pool-${i}\n`)}`, ['workerPools: must list at most 100 pools']);
  });

  test('a file that never ends (a device) is read only up to the limit', () => {
    if (!fs.existsSync('/dev/zero')) return;
    const { code, err } = h.synth(['--profile', FX.staging, '--overlay', '/dev/zero']);
    expect(code).toBe(1);
    expect(err).toContain('/dev/zero is larger than 1 MiB');
  });

  test("the largest accepted input synthesizes quickly: 256 labels per map (with the base's) and 100 worker pools", () => {
    const text =
      `namespace:\n  labels:\n${lines(256, (i) => `    example.com/label-${i}: value-${i}\n`)}` +
      `monitoring:\n  selectorLabels:\n${lines(255, (i) => `    label-${i}: v\n`)}` +
      `workerPools:\n  - $patch: replace\n${lines(100, (i) => `  - name: pool-${i}\n    temporalNamespace: staging\n`)}`;
    expect(timed(() => h.expectAccepted(FX.staging, text))).toBeLessThan(10000);
  });
});

describe('odd but valid overlay files are accepted', () => {
  test.each<[string, string]>([
    ['a file of comments only', '# nothing to change yet\n# (an empty YAML document)\n'],
    ['an empty file', ''],
    ['a lone document marker', '---\n'],
    ['an explicit null', '~\n'],
  ])('accepts %s as no change', (_name, text) => {
    h.expectAccepted(FX.staging, text);
  });

  test.each<[string, string, string]>([
    ['a tag with a digest', `images:\n  server:\n    tag: "1.31.2@${DIGEST}"\n`, `image: temporalio/server:1.31.2@${DIGEST}`],
    ['a repository with a digest', `images:\n  ui:\n    repository: "temporalio/ui@${DIGEST}"\n`, `image: temporalio/ui:2.52.0@${DIGEST}`],
    [
      'a worker image with a registry port and a digest',
      `workerPools:\n  - name: app-worker\n    temporalNamespace: staging\n    image: {repository: "registry.local:5000/team/worker@${DIGEST}", tag: "2.0.0"}\n`,
      `image: registry.local:5000/team/worker:2.0.0@${DIGEST}`,
    ],
    [
      'latest pinned by a digest outside development',
      `images:\n  ui:\n    tag: "latest@${DIGEST}"\n`,
      `image: temporalio/ui:latest@${DIGEST}`,
    ],
  ])('accepts %s', (_name, text, rendered) => {
    const dir = h.expectAccepted(FX.staging, text);
    const all = fs
      .readdirSync(dir)
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    expect(all).toContain(rendered);
    expect(all).not.toContain('app.kubernetes.io/version: sha256');
  });

  test.each<[string, string, string]>([
    ['a short digest', `images:\n  server:\n    tag: "1.31.2@sha256:abc"\n`, 'images.server.tag: must be a pinned image tag'],
    [
      'an upper-case digest',
      `images:\n  server:\n    tag: "1.31.2@sha256:${'A'.repeat(64)}"\n`,
      'images.server.tag: must be a pinned image tag',
    ],
    [
      'two different digests',
      `images:\n  ui:\n    repository: "temporalio/ui@${DIGEST}"\n    tag: "2.52.0@sha256:${'f'.repeat(64)}"\n`,
      'images.ui.tag: names a different digest than repository',
    ],
    [
      'a tag that cannot be a version label',
      `images:\n  ui:\n    tag: "_2.52"\n`,
      'images.ui.tag: is also the app.kubernetes.io/version label',
    ],
  ])('refuses %s', (_name, text, message) => {
    h.expectRefused(FX.staging, text, [message]);
  });

  test('more than one YAML document is refused, not half-applied', () => {
    h.expectRefused(FX.staging, 'ui:\n  replicas: 2\n---\nui:\n  replicas: 3\n', ['holds 2 YAML documents; an overlay is one mapping']);
  });
});
