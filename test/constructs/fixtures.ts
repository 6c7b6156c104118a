/** Small shared fixtures for the construct unit tests in this folder. */
import type { ClientTlsProps } from '../../constructs/client-tls';
import type { ComponentIdentity } from '../../constructs/labels';
import type { ImageProps, ResourceProps } from '../../constructs/pod-defaults';
import type { Chart } from 'cdk8s';
import { K8sObject, synthChart, testChart } from '../helpers';

export const identity = (component: string, version = '1.31.2'): ComponentIdentity => ({
  name: 'temporal',
  instance: 'temporal-test',
  component,
  version,
});

/** The three labels `selectorLabels(identity(component))` returns. */
export const selectorOf = (component: string): Record<string, string> => ({
  'app.kubernetes.io/name': 'temporal',
  'app.kubernetes.io/instance': 'temporal-test',
  'app.kubernetes.io/component': component,
});

export const image: ImageProps = { repository: 'temporalio/server', tag: '1.31.2', pullPolicy: 'IfNotPresent' };
export const postgresImage: ImageProps = { repository: 'postgres', tag: '16.4', pullPolicy: 'IfNotPresent' };

export const resources: ResourceProps = { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } };

/** Every object of a kind. */
export const ofKind = (objects: K8sObject[], kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);

/** The single object of a kind; fails the test if there are none or several. */
export function only(objects: K8sObject[], kind: string): K8sObject {
  const found = ofKind(objects, kind);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}, found ${found.length}`);
  return found[0];
}

/** Init containers then containers of a workload's pod template. */
export const containersOf = (workload: K8sObject): any[] => [
  ...(workload.spec.template.spec.initContainers ?? []),
  ...workload.spec.template.spec.containers,
];

/** Asserts the Pod Security "restricted" container settings on every container of every workload. */
export function expectRestrictedContainers(objects: K8sObject[]): void {
  const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind));
  expect(workloads.length).toBeGreaterThan(0);
  for (const w of workloads) {
    for (const c of containersOf(w)) {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        privileged: false,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
  }
}

/** Every selector in the output (workload, Service, PDB) equals `expected` and has no cdk8s address label. */
export function expectSelectors(objects: K8sObject[], expected: Record<string, string>): void {
  const selectors = objects.flatMap((o): Record<string, string>[] => {
    if (['Deployment', 'StatefulSet', 'PodDisruptionBudget'].includes(o.kind)) return [o.spec.selector.matchLabels];
    if (o.kind === 'Service') return [o.spec.selector];
    return [];
  });
  expect(selectors.length).toBeGreaterThan(0);
  for (const s of selectors) {
    expect(s).toEqual(expected);
    expect(Object.keys(s)).not.toContain('cdk8s.io/metadata.addr');
  }
}

/** Environment variables of a container as name → value or valueFrom. */
export const envOf = (container: any): Record<string, any> =>
  Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

/** Builds one construct in a fresh chart and returns its single workload (and that workload's pod). */
export function synthWorkload<C>(build: (chart: Chart) => C, kind = 'Deployment') {
  const chart = testChart();
  const construct = build(chart);
  const objects = synthChart(chart);
  const workload = only(objects, kind);
  const pod = workload.spec.template.spec;
  return { construct, objects, workload, pod, container: pod.containers[0] };
}

/** A client certificate Secret for a TLS frontend (constructs/client-tls.ts). */
export const clientTls: ClientTlsProps = { secretName: 'temporal-client-tls', serverName: 'temporal-frontend.temporal-test.svc' };

/** The `client-tls` mount every TLS client of the frontend has. */
export const clientTlsMount = { name: 'client-tls', mountPath: '/etc/temporal/tls/client', readOnly: true };

/** The `client-tls` pod volume for a Secret. */
export const clientTlsVolumeFor = (secretName: string) => ({ name: 'client-tls', secret: { secretName } });

/** TEMPORAL_TLS* env of the temporal CLI and SDKs (`cliTlsEnv`), name → value, for a server name. */
export const cliTlsEnvFor = (serverName: string): Record<string, string> => ({
  TEMPORAL_TLS: 'true',
  TEMPORAL_TLS_CLIENT_CERT_PATH: '/etc/temporal/tls/client/tls.crt',
  TEMPORAL_TLS_CLIENT_KEY_PATH: '/etc/temporal/tls/client/tls.key',
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/etc/temporal/tls/client/ca.crt',
  TEMPORAL_TLS_SERVER_NAME: serverName,
});
