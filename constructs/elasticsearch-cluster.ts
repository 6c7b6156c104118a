import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { ClaimingStatefulSet, dataClaimTemplate } from './claiming-stateful-set';
import { DisruptionBudget } from './disruption-budget';
import { ComponentIdentity, recommendedLabels, selectorLabels } from './labels';
import {
  ImageProps,
  ResourceProps,
  RunAsProps,
  imageRef,
  probe,
  resourceRequirements,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchVolume,
  topologySpread,
} from './pod-defaults';
import { WorkloadServiceAccount } from './service-account';
import { memoryBytes } from '../lib/quantities';
import { shellQuote } from '../lib/shell';
import { toYaml } from '../lib/yaml';

export interface ElasticsearchClusterProps {
  /** Name of the StatefulSet, ServiceAccount, client Service and PDB, e.g. `temporal-elasticsearch`. */
  readonly name: string;
  readonly identity: ComponentIdentity;
  /** The official image, docker.elastic.co/elasticsearch/elasticsearch (8.x; uid 1000). */
  readonly image: ImageProps;
  /** Master-eligible data nodes: 1 runs single-node discovery. @default 1 */
  readonly replicas?: number;
  /** The memory limit sizes the JVM heap. */
  readonly resources: ResourceProps;
  /** JVM heap as a percentage of the memory limit. @default 50 */
  readonly heapPercent?: number;
  readonly storage: { readonly size: string; /** @default the cluster's default class */ readonly storageClassName?: string };
  /**
   * xpack security: the built-in `elastic` user gets its password from this Secret, and
   * multi-node clusters encrypt node-to-node traffic with the certificate in `transportTlsSecret`
   * (keys `tls.crt`, `tls.key`, `ca.crt`, as cert-manager writes them). @default security off
   */
  readonly security?: {
    readonly passwordSecret: { readonly name: string; readonly key: string };
    readonly transportTlsSecret?: string;
  };
  /** Spread nodes over zones and hosts. @default false */
  readonly topologySpread?: boolean;
  /** @default { user: 1000, group: 1000 } (the elasticsearch user of the official image) */
  readonly runAs?: RunAsProps;
  /** Resources of the init container that prepares the config directory. @default 50m/64Mi requests, 500m/128Mi limits */
  readonly initResources?: ResourceProps;
}

const HOME = '/usr/share/elasticsearch';
/** The image's entrypoint: sets the keystore's bootstrap password and turns env vars named like settings into `-E` options. */
const ENTRYPOINT = '/usr/local/bin/docker-entrypoint.sh';
const HTTP_PORT = 9200;
const TRANSPORT_PORT = 9300;

/**
 * Elasticsearch as a StatefulSet that passes Pod Security "restricted": no privileged sysctl init
 * container (mmap is off instead of raising vm.max_map_count), a read-only root filesystem with the
 * config directory copied into an emptyDir, heap sized from the memory limit, readiness on the node
 * itself. One node runs single-node discovery; three or more bootstrap from the headless Service.
 *
 * The probes use `curl`, which Elastic's default 8.x image (Ubuntu-based) installs in its
 * Dockerfile; a mirror or custom image without it needs other probes.
 */
export class ElasticsearchCluster extends Construct {
  static readonly HTTP_PORT = HTTP_PORT;
  /** The superuser whose password `security.passwordSecret` holds. */
  static readonly USER = 'elastic';
  readonly serviceName: string;
  readonly headlessServiceName: string;
  readonly selector: Record<string, string>;
  readonly replicas: number;

  constructor(scope: Construct, id: string, props: ElasticsearchClusterProps) {
    super(scope, id);
    const labels = recommendedLabels(props.identity);
    this.selector = selectorLabels(props.identity);
    this.serviceName = props.name;
    this.headlessServiceName = `${props.name}-headless`;
    this.replicas = props.replicas ?? 1;
    const multiNode = this.replicas > 1;
    const security = props.security;
    if (security && multiNode && !security.transportTlsSecret) {
      throw new Error(`ElasticsearchCluster ${props.name}: security with ${this.replicas} nodes needs transportTlsSecret`);
    }

    const heapMiB = Math.floor(((memoryBytes(props.resources.limits.memory)! / 2 ** 20) * (props.heapPercent ?? 50)) / 100);
    const nodeNames = Array.from({ length: this.replicas }, (_, i) => `${props.name}-${i}`);
    const settings: Record<string, string | boolean | string[]> = {
      'cluster.name': props.name,
      'node.name': '${POD_NAME}',
      'network.host': '0.0.0.0',
      'network.publish_host': '${POD_IP}',
      'http.port': String(HTTP_PORT),
      'transport.port': String(TRANSPORT_PORT),
      'path.data': `${HOME}/data`,
      // Instead of a privileged init container raising vm.max_map_count.
      'node.store.allow_mmap': false,
      'xpack.security.enabled': !!security,
      'xpack.security.enrollment.enabled': false,
      'xpack.ml.enabled': false,
      // cluster.initial_master_nodes is not here: it must be gone once the cluster has formed (startScript).
      ...(multiNode ? { 'discovery.seed_hosts': [this.headlessServiceName] } : { 'discovery.type': 'single-node' }),
      ...(security?.transportTlsSecret
        ? {
            'xpack.security.transport.ssl.enabled': true,
            // One certificate for every node: trust the CA, not per-pod host names.
            'xpack.security.transport.ssl.verification_mode': 'certificate',
            'xpack.security.transport.ssl.key': 'certs/tls.key',
            'xpack.security.transport.ssl.certificate': 'certs/tls.crt',
            'xpack.security.transport.ssl.certificate_authorities': ['certs/ca.crt'],
          }
        : {}),
    };
    const configYaml = toYaml(settings);
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: `${props.name}-config`, labels },
      data: { 'elasticsearch.yml': configYaml },
    });

    const sa = new WorkloadServiceAccount(this, 'ServiceAccount', { name: props.name, labels });
    const ports: k8s.ServicePort[] = [
      { name: 'http', port: HTTP_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' },
      { name: 'transport', port: TRANSPORT_PORT, targetPort: k8s.IntOrString.fromString('transport'), protocol: 'TCP' },
    ];
    new k8s.KubeService(this, 'HeadlessService', {
      metadata: { name: this.headlessServiceName, labels },
      // Not-ready addresses are published so nodes can find each other before the cluster forms.
      spec: { clusterIp: 'None', publishNotReadyAddresses: true, selector: this.selector, ports },
    });
    new k8s.KubeService(this, 'Service', {
      metadata: { name: props.name, labels },
      spec: { type: 'ClusterIP', selector: this.selector, ports: [ports[0]] },
    });

    const auth = security ? ` -u "${ElasticsearchCluster.USER}:$ELASTIC_PASSWORD"` : '';
    // Ready = this node serves HTTP and accepts its own credentials: `GET /` is answered from the
    // node's local state. Never cluster health: one red index would make every node unready, empty
    // the Service and, with the PDB, block every node drain.
    const ready = `curl -fsS -o /dev/null --max-time 3${auth} "http://127.0.0.1:${HTTP_PORT}/"`;
    const alive = `curl -sS -o /dev/null${auth} "http://127.0.0.1:${HTTP_PORT}/"`;
    const env: k8s.EnvVar[] = [
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP', apiVersion: 'v1' } } },
      // GC logging to stderr: the image's default (logs/gc.log, up to 2 GiB) would overflow the logs emptyDir.
      { name: 'ES_JAVA_OPTS', value: `-Xms${heapMiB}m -Xmx${heapMiB}m -Xlog:disable -Xlog:all=warning:stderr:utctime,level,tags` },
      ...(security
        ? [
            {
              name: 'ELASTIC_PASSWORD',
              valueFrom: { secretKeyRef: { name: security.passwordSecret.name, key: security.passwordSecret.key } },
            },
          ]
        : []),
    ];
    const mounts: k8s.VolumeMount[] = [
      { name: 'data', mountPath: `${HOME}/data` },
      { name: 'config', mountPath: `${HOME}/config` },
      { name: 'logs', mountPath: `${HOME}/logs` },
      { name: 'tmp', mountPath: '/tmp' },
      ...(security?.transportTlsSecret ? [{ name: 'transport-tls', mountPath: `${HOME}/config/certs`, readOnly: true }] : []),
    ];

    new ClaimingStatefulSet(this, 'StatefulSet', {
      metadata: { name: props.name, labels },
      spec: {
        serviceName: this.headlessServiceName,
        replicas: this.replicas,
        // All masters must start together to elect a leader; OrderedReady would wait forever on pod 0.
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate' },
        selector: { matchLabels: this.selector },
        template: {
          metadata: { labels, annotations: { 'checksum/config': createHash('sha256').update(configYaml).digest('hex') } },
          spec: {
            serviceAccountName: sa.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(props.runAs ?? { user: 1000, group: 1000 }),
            terminationGracePeriodSeconds: 120,
            topologySpreadConstraints: props.topologySpread && multiNode ? topologySpread(this.selector, []) : undefined,
            affinity: multiNode
              ? {
                  podAntiAffinity: {
                    preferredDuringSchedulingIgnoredDuringExecution: [
                      {
                        weight: 100,
                        podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: this.selector } },
                      },
                    ],
                  },
                }
              : undefined,
            initContainers: [
              {
                // The image's config directory must be writable (keystore, generated files), but the
                // root filesystem is read-only: start from a copy of it in an emptyDir.
                name: 'copy-config',
                image: imageRef(props.image),
                imagePullPolicy: props.image.pullPolicy,
                command: [
                  '/bin/sh',
                  '-ec',
                  `cp -R ${HOME}/config/. /config/ && cp /config-src/elasticsearch.yml /config/elasticsearch.yml`,
                ],
                resources: resourceRequirements(
                  props.initResources ?? { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
                ),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [
                  { name: 'config', mountPath: '/config' },
                  { name: 'config-src', mountPath: '/config-src', readOnly: true },
                ],
              },
            ],
            containers: [
              {
                name: 'elasticsearch',
                image: imageRef(props.image),
                imagePullPolicy: props.image.pullPolicy,
                command: multiNode ? ['/bin/tini', '--', '/bin/sh', '-c', startScript(nodeNames)] : undefined,
                env,
                ports: [
                  { name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' },
                  { name: 'transport', containerPort: TRANSPORT_PORT, protocol: 'TCP' },
                ],
                resources: resourceRequirements(props.resources),
                securityContext: restrictedContainerSecurityContext(),
                startupProbe: probe({ type: 'tcp', port: 'http' }, { periodSeconds: 5, failureThreshold: 60 }),
                livenessProbe: probe({ type: 'exec', command: ['/bin/sh', '-c', alive] }, { periodSeconds: 20, failureThreshold: 6 }),
                readinessProbe: probe(
                  { type: 'exec', command: ['/bin/sh', '-c', ready] },
                  { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
                ),
                volumeMounts: mounts,
              },
            ],
            volumes: [
              { name: 'config-src', configMap: { name: `${props.name}-config` } },
              scratchVolume('config', '64Mi'),
              scratchVolume('logs', '256Mi'),
              scratchVolume('tmp', '512Mi'),
              ...(security?.transportTlsSecret ? [{ name: 'transport-tls', secret: { secretName: security.transportTlsSecret } }] : []),
            ],
          },
        },
        volumeClaimTemplates: [dataClaimTemplate(labels, props.storage)],
      },
    });

    // A quorum survives one voluntary disruption at a time; a single node may be drained.
    new DisruptionBudget(this, 'Budget', { name: props.name, labels, selector: this.selector, maxUnavailable: 1 });
  }
}

/**
 * Starts the image's entrypoint with `cluster.initial_master_nodes` only while the node's data
 * directory holds no cluster state, i.e. on its first start. Elastic: remove the setting once the
 * cluster has formed, or restarted nodes may bootstrap a second cluster. Elasticsearch 8 keeps its
 * state in `<path.data>/_state` and writes it at the first start (even before the cluster forms).
 * The entrypoint passes env vars named like settings on as `-E` options.
 */
function startScript(nodeNames: readonly string[]): string {
  return [
    `if [ -d ${HOME}/data/_state ]; then exec ${ENTRYPOINT} eswrapper; fi`,
    `exec env ${shellQuote(`cluster.initial_master_nodes=${nodeNames.join(',')}`)} ${ENTRYPOINT} eswrapper`,
  ].join('\n');
}
