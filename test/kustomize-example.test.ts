/**
 * The kustomize example of docs/deploy.md (examples/kustomize-staging) builds with `kubectl kustomize` on top
 * of the committed dist/staging, lists exactly the files that exist, and its patches apply.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { load, loadAll } from 'js-yaml';
import { K8sObject, synthesized } from './helpers';

const root = path.resolve(__dirname, '..');
const example = path.join(root, 'examples', 'kustomize-staging');
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const haveKubectl = kubectl.status === 0;
const required = process.env.REQUIRE_KUBECTL_TESTS === '1';

test('the example lists every staging manifest file, in order, and nothing else', () => {
  const { files, customFiles } = synthesized('staging');
  const expected = [
    ...Object.keys(files).map((f) => `../../dist/staging/${f}`),
    ...Object.keys(customFiles).map((f) => `../../dist/staging-custom-resources/${f}`),
  ];
  const kustomization = load(fs.readFileSync(path.join(example, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  expect(kustomization.resources).toEqual(expected);
});

(haveKubectl || required ? describe : describe.skip)('kubectl kustomize', () => {
  if (!haveKubectl) {
    test('kubectl is installed (REQUIRE_KUBECTL_TESTS=1)', () => {
      throw new Error('kubectl not found; the kustomize example cannot be built');
    });
    return;
  }
  const out = spawnSync('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', example], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  const docs = out.status === 0 ? (loadAll(out.stdout) as K8sObject[]) : [];

  test('builds, with every object of the committed dist/staging', () => {
    expect([out.status, out.stderr]).toEqual([0, '']);
    expect(docs.length).toBe(synthesized('staging').objects.length);
  });

  test('the patches apply: Ingress host, node selector, team label (selectors untouched)', () => {
    const ingress = docs.find((d) => d.kind === 'Ingress')!;
    expect(ingress.spec.rules[0].host).toBe('temporal.staging.mycompany.internal');
    expect(ingress.metadata.annotations!['nginx.ingress.kubernetes.io/whitelist-source-range']).toBe('10.0.0.0/8');
    const history = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'temporal-history')!;
    expect(history.spec.template.spec.nodeSelector).toEqual({ 'workload-class': 'temporal-history' });
    expect(history.spec.selector.matchLabels).not.toHaveProperty('example.com/team');
    for (const d of docs)
      expect([d.kind, d.metadata.name, d.metadata.labels?.['example.com/team']]).toEqual([d.kind, d.metadata.name, 'platform']);
  });
});

if (!haveKubectl && !required) {
  console.warn('kubectl not found: skipping the kustomize build of examples/kustomize-staging (CI sets REQUIRE_KUBECTL_TESTS=1)');
}
