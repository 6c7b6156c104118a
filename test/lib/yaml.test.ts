import { load } from 'js-yaml';
import { parse } from 'cdk8s/node_modules/yaml';
import { JsonValue, toYaml } from '../../lib/yaml';
import { ALL_PROFILES, synthesized } from '../helpers';

/** Kubernetes (sigs.k8s.io/yaml) reads YAML 1.1; js-yaml and the Temporal server read 1.2-style. */
function expectRoundTrip(value: JsonValue): void {
  const text = toYaml(value);
  expect(load(text)).toEqual(value);
  expect(parse(text, { version: '1.1' })).toEqual(value);
}

const TRICKY = [
  'yes',
  'No',
  'ON',
  'off',
  'y',
  'n',
  'true',
  'False',
  'null',
  '~',
  '',
  ' ',
  ' leading',
  'trailing ',
  '1.31.2',
  '17.6',
  '0777',
  '010',
  '0x1F',
  '1e3',
  '.5',
  '-1',
  '+1',
  '.inf',
  '.NaN',
  '1:20',
  '2001-01-01',
  '0.0.0.0:9090',
  '-',
  '- a',
  'a: b',
  'a #b',
  '#x',
  '&anchor',
  '*alias',
  '!tag',
  '%x',
  '@x',
  '`x',
  '|',
  '>',
  '[a]',
  '{a}',
  "it's",
  '"q"',
  'a\tb',
  'tab\tand\nnewline',
  'line1\nline2',
  'line1\nline2\n',
  'two\n\n',
  'x\n\n\n',
  '\nstarts with newline',
  '  indented\nblock',
  'blank line\n\ninside\n',
  'spaces-only line\n   \nnext',
  'unicode ✓ é',
  'emoji 🚀',
  '\u0000nul',
  'bell\u0007',
  'crlf\r\nline',
  '{{ env "X" | quote }}',
  '${TEMPORAL_ADDRESS}',
  'key=value,other=1',
  '/etc/temporal/config',
  'temporal-frontend.ns.svc:7233',
];

describe('toYaml', () => {
  test.each(TRICKY.map((s) => [JSON.stringify(s), s]))('round-trips the string %s as a value, a key and a list item', (_label, s) => {
    expectRoundTrip({ value: s as string });
    expectRoundTrip({ [s as string]: 'v' });
    expectRoundTrip({ list: [s as string, { nested: s as string }] });
  });

  test('keeps numbers, booleans, null, empty collections and nesting', () => {
    expectRoundTrip({ a: 1, b: 0.5, c: -3, d: true, e: false, f: null, g: [], h: {}, i: [[1, 2], [], {}], j: [{ k: [{ l: 'm' }] }] });
  });

  test('writes multi-line strings as literal blocks and plain words bare', () => {
    expect(toYaml({ data: { 'config.yaml': 'a: 1\nb: 2\n' }, name: 'temporal-web', version: '1.31.2' })).toBe(
      "data:\n  config.yaml: |\n    a: 1\n    b: 2\nname: temporal-web\nversion: '1.31.2'\n",
    );
  });

  test('omits undefined values and rejects what YAML cannot hold', () => {
    expect(toYaml({ a: undefined, b: 1 })).toBe('b: 1\n');
    expect(() => toYaml({ n: Number.NaN })).toThrow('cannot write NaN');
    expect(() => toYaml('scalar')).toThrow('must be a mapping');
  });

  test.each(ALL_PROFILES)('round-trips every object of the %s profile exactly', (profile) => {
    for (const o of synthesized(profile).objects) expectRoundTrip(o as unknown as JsonValue);
  });
});
