/**
 * Names: what the app derives from a field (each checked at its longest), the namespaces Kubernetes
 * reserves, label and annotation keys and values, duplicate ports, and the construct-level checks
 * (Grafana uids, X.509 commonNames, Go durations) that must surface as field errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAll } from 'js-yaml';
import * as stack from '../charts/temporal-stack';
import { badInputHarness } from './bad-input-harness';
import { FX } from './helpers';

const h = badInputHarness();
const a = (n: number) => 'a'.repeat(n);

function objectsIn(dir: string): any[] {
  return [dir, `${dir}-custom-resources`]
    .filter((d) => fs.existsSync(d))
    .flatMap((d) =>
      fs
        .readdirSync(d)
        .filter((f) => f.endsWith('.yaml'))
        .flatMap((f) => loadAll(fs.readFileSync(path.join(d, f), 'utf8')) as any[]),
    );
}

describe('generated names fit Kubernetes (63 characters, DNS-1123)', () => {
  test.each<[string, string, string, string[]]>([
    [
      'a pool name too long for its client certificate (TLS on)',
      FX.staging,
      `workerPools:\n  - name: ${a(53)}\n`,
      [
        `workerPools[2] (${a(53)}).name: is 53 characters, too long for its client Certificate and Secret "${a(53)}-client-tls" (at most 63); shorten it to at most 52 characters`,
      ],
    ],
    [
      'a pool name too long for its metrics Service',
      FX.dev,
      `workerPools:\n  - name: ${a(56)}\n`,
      [`.name: is 56 characters, too long for its metrics Service "${a(56)}-metrics" (at most 63); shorten it to at most 55 characters`],
    ],
    [
      'a pool name too long for its ConfigMap (no metrics, no TLS)',
      FX.dev,
      `workerPools:\n  - name: ${a(57)}\n    metricsPort: null\n`,
      [`too long for its ConfigMap "${a(57)}-config"`, 'shorten it to at most 56 characters'],
    ],
    [
      'a pool name starting with a digit (its metrics Service needs a letter first)',
      FX.dev,
      'workerPools:\n  - name: 1worker\n',
      ['workerPools[1] (1worker).name: yields its metrics Service "1worker-metrics", which must start with a letter (a DNS-1035 label)'],
    ],
    [
      'a server tag too long for the setup Jobs',
      FX.production,
      `images:\n  server:\n    tag: v${a(40)}\n`,
      ['images.server.tag: is too long for the setup Job "temporal-namespaces-', 'use a tag of at most 34 characters'],
    ],
    [
      'an instance too long for the Grafana dashboard uids',
      FX.staging,
      `instance: ${a(19)}\n`,
      [
        `instance: is 19 characters, too long for the Grafana dashboard uid "${a(19)}-temporal-worker-pools" (at most 40); shorten it to at most 18 characters, or set monitoring.dashboards: false`,
      ],
    ],
    [
      'a 63-character instance (dashboards and the CA)',
      FX.production,
      `instance: ${a(63)}\n`,
      [
        'instance: is 63 characters, too long for the Grafana dashboard uid',
        `instance: is too long for the CA certificate's commonName "Temporal ${a(63)} internode CA" (X.509 allows 64); shorten it to at most 42 characters`,
      ],
    ],
    [
      'an instance too long for the CA commonName alone',
      FX.staging,
      `instance: ${a(43)}\nmonitoring:\n  dashboards: false\n`,
      ['commonName "Temporal', 'shorten it to at most 42 characters'],
    ],
  ])('refuses %s', (_name, profile, text, expected) => {
    h.expectRefused(profile, text, expected);
  });

  test.each<[string, string, string]>([
    ['a 52-character pool name with TLS', FX.staging, `workerPools:\n  - name: b${a(51)}\n    temporalNamespace: staging\n`],
    ['a 56-character pool name without TLS or metrics', FX.dev, `workerPools:\n  - name: b${a(55)}\n    metricsPort: null\n`],
    ['a 55-character pool name with metrics', FX.dev, `workerPools:\n  - name: b${a(54)}\n`],
    ['an 18-character instance with dashboards', FX.staging, `instance: ${a(18)}\n`],
    ['a 63-character instance without dashboards or a self-signed CA', FX.dev, `instance: ${a(63)}\n`],
    ['a 34-character server tag', FX.staging, `images:\n  server:\n    tag: v${a(33)}\n`],
  ])('accepts %s', (_name, profile, text) => {
    const dir = h.expectAccepted(profile, text);
    for (const o of objectsIn(dir)) expect(o.metadata.name.length).toBeLessThanOrEqual(63);
  });
});

describe("the profile's namespace is not one Kubernetes reserves", () => {
  test.each(['kube-system', 'kube-public', 'kube-node-lease', 'default'])('refuses %s', (ns) => {
    h.expectRefused(FX.staging, `namespace:\n  name: ${ns}\n`, [
      'namespace.name: must not be one of default, kube-system, kube-public, kube-node-lease (reserved for Kubernetes)',
    ]);
  });

  test.each(['kube-systems', 'temporal-default', 'my-kube-system'])('accepts %s', (ns) => {
    h.expectAccepted(FX.dev, `namespace:\n  name: ${ns}\n`);
  });
});

describe("label and annotation keys and values follow Kubernetes' rules", () => {
  test.each<[string, string, string[]]>([
    [
      'a key with a space',
      'namespace:\n  labels:\n    "bad key": x\n',
      ['namespace.labels.bad key: is not a valid label key', 'letters, digits, "-", "_" and "."'],
    ],
    [
      'a key with two slashes',
      'namespace:\n  labels:\n    a/b/c: x\n',
      ['namespace.labels.a/b/c: is not a valid label key: it must be [prefix/]name with at most one "/"'],
    ],
    [
      'an upper-case prefix',
      'monitoring:\n  selectorLabels:\n    Example.com/team: x\n',
      ['monitoring.selectorLabels.Example.com/team: is not a valid label key: it has a prefix (before "/") that must be a DNS subdomain'],
    ],
    [
      'a 64-character name',
      `namespace:\n  labels:\n    ${a(64)}: x\n`,
      [`namespace.labels.${a(64)}: is not a valid label key: it must have a name (after any "/") of 1 to 63 characters`],
    ],
    [
      'a 64-character value',
      `monitoring:\n  dashboardLabels:\n    grafana_dashboard: ${a(64)}\n`,
      ['monitoring.dashboardLabels.grafana_dashboard: must be a label value of at most 63 characters'],
    ],
    [
      'a value with a space',
      'namespace:\n  labels:\n    team: "platform team"\n',
      ['namespace.labels.team: must be a label value: empty, or letters, digits'],
    ],
    [
      'a value ending in "-"',
      'networkPolicies:\n  clientNamespaces:\n    - {team: apps-}\n',
      ['networkPolicies.clientNamespaces[0].team: must be a label value'],
    ],
    [
      'an annotation key with a colon',
      'ui:\n  ingress:\n    annotations:\n      "nginx:proxy": "8m"\n',
      ['ui.ingress.annotations.nginx:proxy: is not a valid annotation key'],
    ],
    [
      'an empty service-account annotation name',
      'temporal:\n  serviceAccountAnnotations:\n    eks.amazonaws.com/: x\n',
      ['temporal.serviceAccountAnnotations.eks.amazonaws.com/: is not a valid annotation key'],
    ],
  ])('refuses %s', (_name, text, expected) => {
    h.expectRefused(FX.staging, text, expected);
  });

  test('accepts prefixed keys, empty values and free-text annotation values', () => {
    const dir = h.expectAccepted(
      FX.staging,
      [
        'namespace:\n  labels:\n    example.com/team: Platform_1\n    tier: ""\n    a.b-c_d: X.y-z_1\n',
        'ui:\n  ingress:\n    annotations:\n      nginx.ingress.kubernetes.io/proxy-body-size: "8m"\n      note: "any text: even spaces, commas"\n',
      ].join(''),
    );
    const ns = objectsIn(dir).find((o) => o.kind === 'Namespace');
    expect(ns.metadata.labels).toMatchObject({ 'example.com/team': 'Platform_1', tier: '', 'a.b-c_d': 'X.y-z_1' });
  });
});

describe('ports are listed once', () => {
  test.each<[string, string, string[]]>([
    [
      'an API-server port twice',
      'networkPolicies:\n  apiServer:\n    ports: [443, 443]\n',
      ['networkPolicies.apiServer.ports[1]: port 443 is listed twice (also at index 0); list each port once'],
    ],
    [
      'a port twice among others',
      'networkPolicies:\n  apiServer:\n    ports: [6443, 443, 6443]\n',
      ['networkPolicies.apiServer.ports[2]: port 6443 is listed twice'],
    ],
  ])('refuses %s', (_name, text, expected) => {
    h.expectRefused(FX.staging, text, expected);
  });

  test.each<[string, string, { name: string; containerPort: number }[]]>([
    [
      "metrics on the probes' port: one container port, named metrics",
      'workerPools:\n  - name: app-worker\n    metricsPort: 8080\n',
      [{ name: 'metrics', containerPort: 8080 }],
    ],
    [
      'metrics on its own port',
      'workerPools:\n  - name: app-worker\n    metricsPort: 9464\n',
      [
        { name: 'metrics', containerPort: 9464 },
        { name: 'http-8080', containerPort: 8080 },
      ],
    ],
    [
      'liveness and readiness on different ports, metrics on one of them',
      'workerPools:\n  - name: app-worker\n    metricsPort: 8081\n    liveness: {type: tcp, port: 8080}\n    readiness: {type: http, path: /ready, port: 8081}\n',
      [
        { name: 'metrics', containerPort: 8081 },
        { name: 'http-8080', containerPort: 8080 },
      ],
    ],
  ])('renders unique container ports for %s', (_name, text, ports) => {
    const dir = h.expectAccepted(FX.dev, text);
    const deployment = objectsIn(dir).find((o) => o.kind === 'Deployment' && o.metadata.name === 'app-worker');
    expect(deployment.spec.template.spec.containers[0].ports.map((p: any) => ({ name: p.name, containerPort: p.containerPort }))).toEqual(
      ports,
    );
  });
});

describe('what constructs used to refuse is refused by the schema, with the field', () => {
  test.each<[string, string, string, string[]]>([
    [
      'a 63-character instance (Grafana uid check)',
      FX.staging,
      `instance: ${a(63)}\n`,
      ['instance: is 63 characters, too long for the Grafana dashboard uid'],
    ],
    [
      'a certificate duration out of order',
      FX.staging,
      'tls:\n  certificateDuration: 30s1h\n',
      ['tls.certificateDuration: must be a Go duration of hours, minutes and seconds in that order'],
    ],
    [
      'an ExternalSecret refresh out of order',
      FX.production,
      'externalSecrets:\n  refreshInterval: 5s1m\n',
      ['externalSecrets.refreshInterval: must be a Go duration'],
    ],
    [
      'renewal no earlier than expiry',
      FX.staging,
      'tls:\n  certificateDuration: 24h\n  renewBefore: 24h\n',
      ['tls.renewBefore: must be shorter than certificateDuration (24h)'],
    ],
    [
      'a certificate shorter than cert-manager allows',
      FX.staging,
      'tls:\n  certificateDuration: 30m\n  renewBefore: 10m\n',
      ['tls.certificateDuration: must be at least 1h'],
    ],
    [
      'a task queue with a comma (joined into TEMPORAL_TASK_QUEUES, and a Grafana variable)',
      FX.staging,
      'workerPools:\n  - name: app-worker\n    taskQueues: ["a,b"]\n',
      ['workerPools[0] (app-worker).taskQueues[0]: must not contain ","'],
    ],
  ])('refuses %s', (_name, profile, text, expected) => {
    h.expectRefused(profile, text, expected);
  });

  test('an error a construct throws anyway is one line naming the profile, without a stack trace', () => {
    const spy = jest.spyOn(stack, 'buildTemporalStack').mockImplementation(() => {
      throw new Error('SomeConstruct: a check the schema lacks\nsecond line');
    });
    try {
      const { code, err } = h.synth(['--profile', FX.dev]);
      expect(code).toBe(1);
      expect(err).toBe(
        `synth failed: profile "${FX.dev}": SomeConstruct: a check the schema lacks ` +
          '(unexpected: config/schema.ts lacks a rule for this input; please report it)\ndist/ was left unchanged.',
      );
    } finally {
      spy.mockRestore();
    }
  });
});
