/**
 * The files generated from the schema (npm run docs) are committed up to date, the overlay JSON Schema
 * accepts what the loader accepts and flags what an editor should, and every YAML overlay points at it.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import { load } from 'js-yaml';
import { TYPED_PROFILES } from '../overlays';
import { generatedFiles, OVERLAY_SCHEMA_FILE } from '../scripts/docs';

const root = path.resolve(__dirname, '..');

test.each(Object.entries(generatedFiles()).map(([file, content]) => [path.relative(root, file), content]))(
  '%s is what npm run docs writes',
  (file, content) => {
    expect(fs.readFileSync(path.join(root, file), 'utf8')).toBe(content);
  },
);

const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(fs.readFileSync(OVERLAY_SCHEMA_FILE, 'utf8')));
const errors = (overlay: unknown) => (validate(overlay) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

describe('config/overlay.schema.json', () => {
  test.each(Object.keys(TYPED_PROFILES))('accepts the typed profile %s', (name) => {
    expect(errors(JSON.parse(JSON.stringify(TYPED_PROFILES[name])))).toEqual([]);
  });

  test('accepts null removals and $patch directives in named lists', () => {
    const overlay = load(
      'temporal:\n  history:\n    autoscaling: null\n  namespaces:\n    - $patch: replace\n    - {name: staging, retention: 7d}\n' +
        'workerPools:\n  - {name: ruby-worker, $patch: delete}\n  - {name: billing, replicas: 2}\n',
    );
    expect(errors(overlay)).toEqual([]);
  });

  test('flags what the loader refuses: a misspelt key, a wrong type, a value outside the enum', () => {
    expect(errors(load('temporal:\n  histroy: {replicas: 3}\n'))).toContain('/temporal must NOT have additional properties');
    expect(errors(load('temporal:\n  history: {replicas: three}\n'))).toContain('/temporal/history/replicas must be integer');
    expect(errors(load('environment: prod\n')).join('\n')).toContain('/environment must be equal to one of the allowed values');
  });
});

test('every YAML overlay passes the schema; the shipped examples name it for editors (yaml-language-server modeline)', () => {
  const yamls: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (/\.ya?ml$/.test(e.name)) yamls.push(path.join(d, e.name));
    }
  };
  walk(path.join(root, 'overlays'));
  expect(yamls.length).toBeGreaterThan(0);
  for (const file of yamls) {
    expect({ file, errors: errors(load(fs.readFileSync(file, 'utf8'))) }).toEqual({ file, errors: [] });
    // Your own overlays may leave the modeline out; the ones this project ships carry it.
    if (!path.relative(root, file).startsWith(`overlays${path.sep}examples${path.sep}`)) continue;
    const m = /^# yaml-language-server: \$schema=(\S+)$/m.exec(fs.readFileSync(file, 'utf8').split('\n')[0]);
    expect({ file: path.relative(root, file), schema: m && path.resolve(path.dirname(file), m[1]) }).toEqual({
      file: path.relative(root, file),
      schema: OVERLAY_SCHEMA_FILE,
    });
  }
});
