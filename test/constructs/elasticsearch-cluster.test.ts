import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { load } from 'js-yaml';
import { ElasticsearchCluster, ElasticsearchClusterProps } from '../../constructs/elasticsearch-cluster';
import {
  containersOf,
  envOf,
  expectRestrictedContainers,
  expectSelectors,
  identity,
  ofKind,
  only,
  resources,
  selectorOf,
  synthWorkload,
} from './fixtures';

const esImage = { repository: 'docker.elastic.co/elasticsearch/elasticsearch', tag: '8.15.3', pullPolicy: 'IfNotPresent' as const };
const HOME = '/usr/share/elasticsearch';

const minimal: ElasticsearchClusterProps = {
  name: 'temporal-elasticsearch',
  identity: identity('visibility', '8.15.3'),
  image: esImage,
  resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '2Gi' } },
  storage: { size: '20Gi' },
};

const security = { passwordSecret: { name: 'es-credentials', key: 'password' }, transportTlsSecret: 'es-transport-tls' };
const threeNodes: ElasticsearchClusterProps = { ...minimal, replicas: 3 };

function synth(props: ElasticsearchClusterProps) {
  const { workload, ...rest } = synthWorkload((chart) => new ElasticsearchCluster(chart, 'Elasticsearch', props), 'StatefulSet');
  const configMap = only(rest.objects, 'ConfigMap');
  const settings = load(configMap.data['elasticsearch.yml']) as Record<string, unknown>;
  return { ...rest, sts: workload, configMap, settings };
}

const script = (probe: any): string => probe.exec.command[2];

/**
 * Runs the container's start script with the image's data directory and entrypoint swapped for a
 * temporary directory and a bash script (like the image's) that prints its arguments and environment.
 */
function startEnv(container: any, hasClusterState: boolean, env: Record<string, string> = {}): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'es-start-'));
  try {
    fs.mkdirSync(path.join(dir, 'data'));
    if (hasClusterState) fs.mkdirSync(path.join(dir, 'data', '_state'));
    const entrypoint = path.join(dir, 'docker-entrypoint.sh');
    fs.writeFileSync(entrypoint, '#!/bin/bash\necho "args=$*"\nenv\n', { mode: 0o755 });
    const start = (container.command[4] as string)
      .split(`${HOME}/data`)
      .join(path.join(dir, 'data'))
      .split('/usr/local/bin/docker-entrypoint.sh')
      .join(entrypoint);
    const out = execFileSync('/bin/sh', ['-c', start], { encoding: 'utf8', env: { PATH: process.env.PATH!, ...env } });
    return Object.fromEntries(
      out
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** JVM logging (GC included) goes to stderr at warning level, never to files under logs/. */
const JVM_LOG = '-Xlog:disable -Xlog:all=warning:stderr:utctime,level,tags';
const javaOpts = (mib: number) => `-Xms${mib}m -Xmx${mib}m ${JVM_LOG}`;

describe('ElasticsearchCluster', () => {
  test('minimal props: one node, single-node discovery, uid 1000, security off', () => {
    const { construct, objects, sts, pod, container, configMap, settings } = synth(minimal);
    expect(construct.replicas).toBe(1);
    expect(construct.serviceName).toBe('temporal-elasticsearch');
    expect(construct.headlessServiceName).toBe('temporal-elasticsearch-headless');
    expect(ElasticsearchCluster.HTTP_PORT).toBe(9200);
    expect(sts.metadata.name).toBe('temporal-elasticsearch');
    expect(sts.spec.replicas).toBe(1);
    expect(configMap.metadata.name).toBe('temporal-elasticsearch-config');
    expect(settings).toEqual({
      'cluster.name': 'temporal-elasticsearch',
      'node.name': '${POD_NAME}',
      'network.host': '0.0.0.0',
      'network.publish_host': '${POD_IP}',
      'http.port': '9200',
      'transport.port': '9300',
      'path.data': `${HOME}/data`,
      'node.store.allow_mmap': false,
      'xpack.security.enabled': false,
      'xpack.security.enrollment.enabled': false,
      'xpack.ml.enabled': false,
      'discovery.type': 'single-node',
    });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(pod).not.toHaveProperty('affinity');
    expect(pod).not.toHaveProperty('topologySpreadConstraints');
    expect(container.image).toBe('docker.elastic.co/elasticsearch/elasticsearch:8.15.3');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(Object.keys(envOf(container)).sort()).toEqual(['ES_JAVA_OPTS', 'POD_IP', 'POD_NAME']);
    expect(envOf(container).ES_JAVA_OPTS).toBe(javaOpts(1024));
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '20Gi' } },
      volumeMode: 'Filesystem',
    });
    expect(ofKind(objects, 'Secret')).toHaveLength(0);
    expect(only(objects, 'ServiceAccount').metadata.name).toBe('temporal-elasticsearch');
    expect(pod.serviceAccountName).toBe('temporal-elasticsearch');
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('all props: every prop shows up', () => {
    const all: Required<ElasticsearchClusterProps> = {
      name: 'es',
      identity: identity('search', '8.16.0'),
      image: { repository: 'mirror/elasticsearch', tag: '8.16.0', pullPolicy: 'Always' },
      replicas: 3,
      resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      heapPercent: 40,
      storage: { size: '100Gi', storageClassName: 'fast-ssd' },
      security,
      topologySpread: true,
      runAs: { user: 1001, group: 1002, fsGroup: 1003 },
      initResources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
    };
    const { construct, objects, sts, pod, container, settings } = synth(all);
    expect(pod.initContainers[0].resources).toEqual({ requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } });
    expect(construct.replicas).toBe(3);
    expect(sts.metadata.name).toBe('es');
    expect(sts.metadata.labels).toHaveProperty(['app.kubernetes.io/component'], 'search');
    expect(sts.metadata.labels).toHaveProperty(['app.kubernetes.io/version'], '8.16.0');
    expect(sts.spec.replicas).toBe(3);
    for (const c of containersOf(sts)) expect(c).toMatchObject({ image: 'mirror/elasticsearch:8.16.0', imagePullPolicy: 'Always' });
    expect(container.resources).toEqual({ requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    // 4Gi = 4096 MiB; 40% = 1638.4 → 1638
    expect(envOf(container).ES_JAVA_OPTS).toBe(javaOpts(1638));
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast-ssd',
      resources: { requests: { storage: '100Gi' } },
      volumeMode: 'Filesystem',
    });
    expect(settings['xpack.security.enabled']).toBe(true);
    expect(startEnv(container, false)['cluster.initial_master_nodes']).toBe('es-0,es-1,es-2');
    expect(settings['discovery.seed_hosts']).toEqual(['es-headless']);
    expect(envOf(container).ELASTIC_PASSWORD).toEqual({ secretKeyRef: { name: 'es-credentials', key: 'password' } });
    expect(pod.volumes).toContainEqual({ name: 'transport-tls', secret: { secretName: 'es-transport-tls' } });
    expect(pod.topologySpreadConstraints).toHaveLength(2);
    expect(pod.securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 1002, fsGroup: 1003 });
    expect(only(objects, 'PodDisruptionBudget').metadata.name).toBe('es');
  });

  describe('discovery', () => {
    test('a single node: single-node discovery, no seed hosts or initial masters, no anti-affinity', () => {
      const { settings, sts, pod, container } = synth({ ...minimal, topologySpread: true });
      expect(settings['discovery.type']).toBe('single-node');
      expect(settings).not.toHaveProperty(['discovery.seed_hosts']);
      expect(settings).not.toHaveProperty(['cluster.initial_master_nodes']);
      // The image's own entrypoint: nothing to bootstrap.
      expect(container).not.toHaveProperty('command');
      expect(settings['node.store.allow_mmap']).toBe(false);
      expect(settings['xpack.security.enabled']).toBe(false);
      expect(sts.spec.podManagementPolicy).toBe('Parallel');
      // topologySpread only applies to several nodes
      expect(pod).not.toHaveProperty('topologySpreadConstraints');
      expect(pod).not.toHaveProperty('affinity');
    });

    test('three nodes: seed hosts are the headless Service; initial masters are not in elasticsearch.yml', () => {
      const { construct, settings, sts, objects } = synth(threeNodes);
      expect(settings).not.toHaveProperty(['discovery.type']);
      expect(settings['discovery.seed_hosts']).toEqual(['temporal-elasticsearch-headless']);
      expect(settings).not.toHaveProperty(['cluster.initial_master_nodes']);
      expect(settings['node.store.allow_mmap']).toBe(false);
      expect(sts.spec).toMatchObject({
        replicas: 3,
        serviceName: 'temporal-elasticsearch-headless',
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate' },
      });
      // The seed host resolves: the headless Service exists under that name.
      const headless = ofKind(objects, 'Service').find((s) => s.metadata.name === construct.headlessServiceName)!;
      expect(headless.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    });

    test('three nodes: preferred host anti-affinity always; topology spread only when enabled', () => {
      const without = synth(threeNodes).pod;
      expect(without.affinity).toEqual({
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selectorOf('visibility') } },
            },
          ],
        },
      });
      expect(without).not.toHaveProperty('topologySpreadConstraints');

      const withSpread = synth({ ...threeNodes, topologySpread: true }).pod;
      expect(withSpread.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual([
        'topology.kubernetes.io/zone',
        'kubernetes.io/hostname',
      ]);
      for (const t of withSpread.topologySpreadConstraints) {
        expect(t).toMatchObject({
          maxSkew: 1,
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: selectorOf('visibility') },
        });
        // StatefulSet pods carry no pod-template-hash: a matchLabelKeys on it would match nothing.
        expect(t).not.toHaveProperty('matchLabelKeys');
      }
    });
  });

  describe('bootstrap: cluster.initial_master_nodes only on the first start', () => {
    test('the start command keeps tini and the image entrypoint (which turns dotted env vars into -E settings)', () => {
      const { container } = synth(threeNodes);
      expect(container.command.slice(0, 4)).toEqual(['/bin/tini', '--', '/bin/sh', '-c']);
      expect(container.command[4]).toContain('/usr/local/bin/docker-entrypoint.sh eswrapper');
      expect(Object.keys(envOf(container))).not.toContain('cluster.initial_master_nodes');
    });

    test('a data directory without cluster state (the first start): the three pod names', () => {
      const { container } = synth(threeNodes);
      expect(startEnv(container, false)).toMatchObject({
        'cluster.initial_master_nodes': 'temporal-elasticsearch-0,temporal-elasticsearch-1,temporal-elasticsearch-2',
        args: 'eswrapper',
      });
    });

    test('a data directory with cluster state (every later start): not set', () => {
      const { container } = synth(threeNodes);
      const env = startEnv(container, true);
      expect(env.args).toBe('eswrapper');
      expect(env).not.toHaveProperty(['cluster.initial_master_nodes']);
    });

    test('the ELASTIC_PASSWORD and JVM options still reach the entrypoint', () => {
      const { container } = synth({ ...threeNodes, security });
      expect(startEnv(container, true, { ELASTIC_PASSWORD: 'pw', ES_JAVA_OPTS: '-Xms1m' })).toMatchObject({
        ELASTIC_PASSWORD: 'pw',
        ES_JAVA_OPTS: '-Xms1m',
      });
    });
  });

  describe('heap', () => {
    test.each([
      ['4Gi', 50, 2048],
      ['2Gi', 50, 1024],
      ['4Gi', 25, 1024],
      ['3000Mi', 50, 1500],
      ['1G', 50, 476], // 1e9 bytes = 953.67 MiB
    ])('memory limit %s at %i%% → %im, Xms equal to Xmx', (memory, heapPercent, mib) => {
      const { container } = synth({ ...minimal, resources: { requests: { cpu: '1', memory }, limits: { memory } }, heapPercent });
      const opts = envOf(container).ES_JAVA_OPTS as string;
      expect(opts).toBe(javaOpts(mib));
      const [, xms, xmx] = /^-Xms(\d+)m -Xmx(\d+)m /.exec(opts)!;
      expect(xms).toBe(xmx);
    });

    test('heapPercent defaults to 50', () => {
      const { container } = synth({ ...minimal, resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { memory: '4Gi' } } });
      expect(envOf(container).ES_JAVA_OPTS).toBe(javaOpts(2048));
    });
  });

  describe('security', () => {
    test('single node with a password: ELASTIC_PASSWORD from the Secret, probes authenticate, no transport TLS', () => {
      const { container, settings, pod } = synth({ ...minimal, security: { passwordSecret: { name: 'es-credentials', key: 'pw' } } });
      expect(settings['xpack.security.enabled']).toBe(true);
      expect(envOf(container).ELASTIC_PASSWORD).toEqual({ secretKeyRef: { name: 'es-credentials', key: 'pw' } });
      expect(ElasticsearchCluster.USER).toBe('elastic');
      expect(script(container.readinessProbe)).toBe(
        'curl -fsS -o /dev/null --max-time 3 -u "elastic:$ELASTIC_PASSWORD" "http://127.0.0.1:9200/"',
      );
      expect(script(container.livenessProbe)).toBe('curl -sS -o /dev/null -u "elastic:$ELASTIC_PASSWORD" "http://127.0.0.1:9200/"');
      expect(Object.keys(settings).filter((k) => k.startsWith('xpack.security.transport'))).toEqual([]);
      expect(pod.volumes.map((v: any) => v.name)).not.toContain('transport-tls');
    });

    test('without security the probes do not authenticate and no password is read', () => {
      const { container } = synth(minimal);
      expect(envOf(container)).not.toHaveProperty('ELASTIC_PASSWORD');
      expect(script(container.readinessProbe)).toBe('curl -fsS -o /dev/null --max-time 3 "http://127.0.0.1:9200/"');
      expect(script(container.readinessProbe)).not.toContain('-u ');
      expect(script(container.livenessProbe)).not.toContain('-u ');
    });

    test('three nodes: transport TLS settings and the certificate Secret mounted at config/certs', () => {
      const { container, settings, pod } = synth({ ...threeNodes, security });
      expect(settings).toMatchObject({
        'xpack.security.enabled': true,
        'xpack.security.transport.ssl.enabled': true,
        'xpack.security.transport.ssl.verification_mode': 'certificate',
        'xpack.security.transport.ssl.key': 'certs/tls.key',
        'xpack.security.transport.ssl.certificate': 'certs/tls.crt',
        'xpack.security.transport.ssl.certificate_authorities': ['certs/ca.crt'],
      });
      expect(pod.volumes).toContainEqual({ name: 'transport-tls', secret: { secretName: 'es-transport-tls' } });
      expect(container.volumeMounts).toContainEqual({ name: 'transport-tls', mountPath: `${HOME}/config/certs`, readOnly: true });
      // Relative paths in elasticsearch.yml resolve against the config directory.
      const configMount = container.volumeMounts.find((m: any) => m.name === 'config');
      expect(configMount.mountPath).toBe(`${HOME}/config`);
      expect(envOf(container).ELASTIC_PASSWORD).toEqual({ secretKeyRef: { name: 'es-credentials', key: 'password' } });
    });

    test('security with three nodes and no transportTlsSecret throws', () => {
      expect(() => synth({ ...threeNodes, security: { passwordSecret: security.passwordSecret } })).toThrow(
        'ElasticsearchCluster temporal-elasticsearch: security with 3 nodes needs transportTlsSecret',
      );
    });

    test('security on a single node without transportTlsSecret is allowed', () => {
      expect(() => synth({ ...minimal, security: { passwordSecret: security.passwordSecret } })).not.toThrow();
    });
  });

  test('Pod Security restricted: non-root uid 1000, read-only root, drop ALL, no privileged init container, no sysctls', () => {
    const { objects, sts, pod } = synth({ ...threeNodes, security });
    expectRestrictedContainers(objects);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext).not.toHaveProperty('sysctls');
    expect(pod).not.toHaveProperty('hostNetwork');
    expect(pod).not.toHaveProperty('hostPID');
    const containers = containersOf(sts);
    expect(containers.map((c) => c.name)).toEqual(['copy-config', 'elasticsearch']);
    for (const c of containers) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect((c.command ?? []).join(' ')).not.toMatch(/sysctl|max_map_count/);
    }
    // Pod volumes are only emptyDirs, the config ConfigMap and Secrets (data is the PVC): no hostPath.
    for (const v of pod.volumes)
      expect(Object.keys(v).filter((k) => k !== 'name')).toEqual([expect.stringMatching(/^(emptyDir|configMap|secret)$/)]);
    expect(pod.volumes.filter((v: any) => v.hostPath)).toEqual([]);
  });

  test('the init container copies the image config into the writable config emptyDir with elasticsearch.yml', () => {
    const { pod } = synth(minimal);
    const init = pod.initContainers[0];
    expect(init.command).toEqual([
      '/bin/sh',
      '-ec',
      `cp -R ${HOME}/config/. /config/ && cp /config-src/elasticsearch.yml /config/elasticsearch.yml`,
    ]);
    expect(init.volumeMounts).toEqual([
      { name: 'config', mountPath: '/config' },
      { name: 'config-src', mountPath: '/config-src', readOnly: true },
    ]);
    expect(pod.volumes).toContainEqual({ name: 'config-src', configMap: { name: 'temporal-elasticsearch-config' } });
    expect(pod.volumes).toContainEqual({ name: 'config', emptyDir: { sizeLimit: '64Mi' } });
    expect(pod.containers[0].volumeMounts.map((m: any) => m.mountPath)).toEqual([`${HOME}/data`, `${HOME}/config`, `${HOME}/logs`, '/tmp']);
  });

  test('the checksum/config annotation tracks elasticsearch.yml', () => {
    const checksum = (props: ElasticsearchClusterProps) => synth(props).sts.spec.template.metadata.annotations['checksum/config'];
    const base = checksum(minimal);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(minimal)).toBe(base);
    expect(checksum({ ...minimal, replicas: 3 })).not.toBe(base);
    expect(checksum({ ...minimal, security: { passwordSecret: security.passwordSecret } })).not.toBe(base);
    expect(checksum({ ...minimal, name: 'other-es' })).not.toBe(base);
    // Settings that are not in elasticsearch.yml leave it alone.
    expect(checksum({ ...minimal, heapPercent: 30 })).toBe(base);
  });

  test('PDB: maxUnavailable 1, selecting the pods', () => {
    const { objects, sts } = synth(threeNodes);
    const pdb = only(objects, 'PodDisruptionBudget');
    expect(pdb.metadata.name).toBe('temporal-elasticsearch');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selectorOf('visibility') } });
    const podLabels = sts.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(pdb.spec.selector.matchLabels)) expect(podLabels[k]).toBe(v);
  });

  test('Services select the pod labels and target named ports the container exposes', () => {
    const { construct, objects, sts, container } = synth(threeNodes);
    expect(construct.selector).toEqual(selectorOf('visibility'));
    expectSelectors(objects, selectorOf('visibility'));
    const podLabels = sts.spec.template.metadata.labels;
    const containerPorts = new Map(container.ports.map((p: any) => [p.name, p.containerPort]));
    expect(Object.fromEntries(containerPorts)).toEqual({ http: 9200, transport: 9300 });

    const services = ofKind(objects, 'Service');
    expect(services.map((s) => s.metadata.name).sort()).toEqual(['temporal-elasticsearch', 'temporal-elasticsearch-headless']);
    for (const svc of services) {
      for (const [k, v] of Object.entries(svc.spec.selector as Record<string, string>)) expect(podLabels[k]).toBe(v);
      for (const p of svc.spec.ports) {
        expect(containerPorts.has(p.targetPort)).toBe(true);
        expect(containerPorts.get(p.targetPort)).toBe(p.port);
      }
    }
    const client = services.find((s) => s.metadata.name === 'temporal-elasticsearch')!;
    expect(client.spec.type).toBe('ClusterIP');
    expect(client.spec.ports).toEqual([{ name: 'http', port: 9200, targetPort: 'http', protocol: 'TCP' }]);
    const headless = services.find((s) => s.metadata.name === 'temporal-elasticsearch-headless')!;
    expect(headless.spec.ports.map((p: any) => p.name)).toEqual(['http', 'transport']);
  });

  test('probes: startup on the http port; readiness is the node itself, never cluster health', () => {
    const { container } = synth({ ...threeNodes, security });
    expect(container.startupProbe.tcpSocket).toEqual({ port: 'http' });
    expect(container.startupProbe).toMatchObject({ periodSeconds: 5, failureThreshold: 60 });
    expect(container.readinessProbe.exec.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    const ready = script(container.readinessProbe);
    // GET / on its own loopback address, with its own credentials: a red index elsewhere cannot fail it.
    expect(ready).toMatch(/"http:\/\/127\.0\.0\.1:9200\/"$/);
    expect(ready).not.toMatch(/_cluster|_cat|wait_for_status|temporal-elasticsearch/);
    // curl gives up before the kubelet does.
    const maxTime = Number(/--max-time (\d+)/.exec(ready)![1]);
    expect(maxTime).toBeLessThan(container.readinessProbe.timeoutSeconds);
  });

  test('the volume claim template does not change when the version does', () => {
    const before = synth(minimal).sts.spec.volumeClaimTemplates;
    const after = synth({ ...minimal, identity: identity('visibility', '8.16.0'), image: { ...esImage, tag: '8.16.0' } }).sts.spec
      .volumeClaimTemplates;
    expect(after).toEqual(before);
    expect(before[0].metadata.labels).not.toHaveProperty(['app.kubernetes.io/version']);
  });

  test('a small memory limit gives a proportionally small heap', () => {
    const { container } = synth({ ...minimal, resources });
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(envOf(container).ES_JAVA_OPTS).toBe(javaOpts(128));
  });
});
