import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { ComponentIdentity, recommendedLabels, selectorLabels } from './labels';
import {
  ImageProps,
  ResourceProps,
  RunAsProps,
  imageRef,
  probe,
  resourceRequirements,
  restrictedContainerSecurityContext,
} from './pod-defaults';
import { AutoscalingProps, ScaledDeployment } from './scaled-deployment';
import { RolePorts, roleVolumes, ServerConfig } from './server-config';
import { WorkloadServiceAccount } from './service-account';
import type { TemporalRoleName } from './temporal-config/model';

/**
 * gRPC health service each role registers on its gRPC port. The worker role has none that every
 * 1.x server serves, so it is probed over TCP on its membership port.
 */
const HEALTH_SERVICE: Partial<Record<TemporalRoleName, string>> = {
  frontend: 'temporal.api.workflowservice.v1.WorkflowService',
  'internal-frontend': 'temporal.api.workflowservice.v1.WorkflowService',
  history: 'temporal.api.workflowservice.v1.HistoryService',
  matching: 'temporal.api.workflowservice.v1.MatchingService',
};

export interface TemporalRoleProps {
  readonly role: TemporalRoleName;
  /** Name of the Deployment, ServiceAccount, HPA, PDB and Service, e.g. `temporal-frontend`. */
  readonly name: string;
  readonly identity: ComponentIdentity;
  readonly image: ImageProps;
  readonly resources: ResourceProps;
  readonly ports: RolePorts;
  /** The ServerConfig whose ConfigMaps, checksum, env and volumes the pods use. */
  readonly config: ServerConfig;
  /** Annotations on the ServiceAccount, e.g. a cloud IAM role. @default none */
  readonly serviceAccountAnnotations?: Record<string, string>;
  /** Used when `autoscaling` is absent. @default 1 */
  readonly replicas?: number;
  /** An HPA owns replicas when set. @default none */
  readonly autoscaling?: AutoscalingProps;
  /** Spread pods over zones and nodes. @default false */
  readonly topologySpread?: boolean;
  /** Run before the server starts, e.g. wait for the database. @default [] */
  readonly initContainers?: k8s.Container[];
  /** Readiness by gRPC health check (plaintext only) or TCP; the worker role is always TCP. @default 'grpc' */
  readonly readinessCheck?: 'grpc' | 'tcp';
  /** @default { user: 1000, group: 1000 } (the temporal user of the server image) */
  readonly runAs?: RunAsProps;
  /** Add prometheus.io/scrape, port and path pod annotations. @default false */
  readonly prometheusAnnotations?: boolean;
  /** Seconds to drain in-flight requests and hand over shards. @default 60 */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Seconds a new pod must stay ready before the rollout replaces the next one: a TCP readiness
   * probe passes before a pod has taken its shards or joined the ring. @default 0
   */
  readonly minReadySeconds?: number;
}

/**
 * One Temporal service role: ServiceAccount, Deployment, Service(s), optional HPA and a PDB.
 * The frontend gets a ClusterIP Service for clients plus a headless one; other roles get a
 * headless Service for membership and metrics.
 */
export class TemporalRole extends Construct {
  readonly serviceName: string;
  readonly headlessServiceName: string;
  readonly selector: Record<string, string>;

  constructor(scope: Construct, id: string, props: TemporalRoleProps) {
    super(scope, id);
    const labels = recommendedLabels(props.identity);
    this.selector = selectorLabels(props.identity);
    const { ports, config, role } = props;
    const metricsPort = config.metricsPort;

    const sa = new WorkloadServiceAccount(this, 'ServiceAccount', {
      name: props.name,
      labels,
      annotations: props.serviceAccountAnnotations,
    });

    const containerPorts: k8s.ContainerPort[] = [
      { name: 'grpc', containerPort: ports.grpc, protocol: 'TCP' },
      { name: 'membership', containerPort: ports.membership, protocol: 'TCP' },
      ...(ports.http !== undefined ? [{ name: 'http', containerPort: ports.http, protocol: 'TCP' }] : []),
      { name: 'metrics', containerPort: metricsPort, protocol: 'TCP' },
    ];
    // The system worker serves no client gRPC API; its membership listener is what proves it is up.
    const probePort = role === 'worker' ? 'membership' : 'grpc';
    const healthService = HEALTH_SERVICE[role];
    const readiness =
      (props.readinessCheck ?? 'grpc') === 'grpc' && healthService
        ? probe({ type: 'grpc', port: ports.grpc, service: healthService }, { periodSeconds: 10 })
        : probe({ type: 'tcp', port: probePort }, { periodSeconds: 10 });

    new ScaledDeployment(this, 'Deployment', {
      name: props.name,
      labels,
      selector: this.selector,
      serviceAccountName: sa.name,
      podAnnotations: {
        'checksum/config': config.checksum,
        ...(props.prometheusAnnotations
          ? { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(metricsPort), 'prometheus.io/path': '/metrics' }
          : {}),
      },
      replicas: props.replicas,
      autoscaling: props.autoscaling,
      minReadySeconds: props.minReadySeconds,
      runAs: props.runAs ?? { user: 1000, group: 1000 },
      terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 60,
      topologySpread: props.topologySpread,
      initContainers: props.initContainers,
      containers: [
        {
          name: `temporal-${role}`,
          image: imageRef(props.image),
          imagePullPolicy: props.image.pullPolicy,
          env: [
            { name: 'TEMPORAL_SERVICES', value: role },
            { name: 'TEMPORAL_SERVER_CONFIG_FILE_PATH', value: `${ServerConfig.CONFIG_DIR}/${ServerConfig.CONFIG_FILE}` },
            { name: ServerConfig.ENV.podIp, valueFrom: { fieldRef: { fieldPath: 'status.podIP', apiVersion: 'v1' } } },
            ...config.podEnv,
          ],
          ports: containerPorts,
          resources: resourceRequirements(props.resources),
          securityContext: restrictedContainerSecurityContext(),
          startupProbe: probe({ type: 'tcp', port: probePort }, { periodSeconds: 5, failureThreshold: 60 }),
          livenessProbe: probe({ type: 'tcp', port: probePort }, { periodSeconds: 15, failureThreshold: 4 }),
          readinessProbe: readiness,
          volumeMounts: [
            { name: 'config', mountPath: ServerConfig.CONFIG_DIR, readOnly: true },
            { name: 'dynamic-config', mountPath: ServerConfig.DYNAMIC_CONFIG_DIR, readOnly: true },
            { name: 'tmp', mountPath: '/tmp' },
            ...roleVolumes(config, props.role).map((v) => v.mount),
          ],
        },
      ],
      volumes: [
        ...roleVolumes(config, props.role).map((v) => v.volume),
        {
          name: 'config',
          configMap: { name: config.configMapName, items: [{ key: ServerConfig.CONFIG_FILE, path: ServerConfig.CONFIG_FILE }] },
        },
        {
          name: 'dynamic-config',
          configMap: {
            name: config.dynamicConfigMapName,
            items: [{ key: ServerConfig.DYNAMIC_CONFIG_FILE, path: ServerConfig.DYNAMIC_CONFIG_FILE }],
          },
        },
      ],
    });

    const servicePort = (name: string, port: number): k8s.ServicePort => ({
      name,
      port,
      targetPort: k8s.IntOrString.fromString(name),
      protocol: 'TCP',
    });
    // Both frontends serve clients through a ClusterIP Service; every role has a headless one for membership.
    const clientFacing = role === 'frontend' || role === 'internal-frontend';
    this.headlessServiceName = clientFacing ? `${props.name}-headless` : props.name;
    this.serviceName = props.name;
    if (clientFacing) {
      new k8s.KubeService(this, 'Service', {
        metadata: { name: props.name, labels },
        spec: {
          type: 'ClusterIP',
          selector: this.selector,
          ports: [servicePort('grpc', ports.grpc), ...(ports.http !== undefined ? [servicePort('http', ports.http)] : [])],
        },
      });
    }
    new k8s.KubeService(this, 'HeadlessService', {
      metadata: { name: this.headlessServiceName, labels },
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: this.selector,
        ports: [servicePort('grpc', ports.grpc), servicePort('membership', ports.membership), servicePort('metrics', metricsPort)],
      },
    });
  }
}
