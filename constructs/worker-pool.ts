import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { KedaScaler, KedaScalerProps } from './keda-scaler';
import { ClientTlsProps, cliTlsEnv, clientTlsVolume } from './client-tls';
import { ComponentIdentity, recommendedLabels, selectorLabels } from './labels';
import {
  ImageProps,
  ProbeCheck,
  ResourceProps,
  RunAsProps,
  imageRef,
  probe,
  resourceRequirements,
  restrictedContainerSecurityContext,
} from './pod-defaults';
import { workerPoolNames } from '../lib/names';
import { AutoscalingProps, ScaledDeployment } from './scaled-deployment';
import { javaTrustStore } from './java-trust-store';
import { WorkloadServiceAccount } from './service-account';

/** Application probes; ports are numbers so each one becomes a declared container port. */
type AppProbe =
  | Exclude<ProbeCheck, { type: 'grpc' | 'http' | 'tcp' }>
  | { readonly type: 'http'; readonly path: string; readonly port: number }
  | { readonly type: 'tcp'; readonly port: number };

/** A pool's KEDA settings; the ScaledObject's target, endpoint, queues and credentials come from the pool. */
export type KedaScalingProps = Pick<
  KedaScalerProps,
  | 'minReplicas'
  | 'maxReplicas'
  | 'targetQueueSize'
  | 'activationTargetQueueSize'
  | 'queueTypes'
  | 'pollingIntervalSeconds'
  | 'cooldownPeriodSeconds'
>;

export interface WorkerPoolProps {
  /** Name of the Deployment, ServiceAccount, Role, HPA/ScaledObject and PDB; the ConfigMap is `<name>-config`. */
  readonly name: string;
  readonly identity: ComponentIdentity;
  readonly image: ImageProps;
  readonly resources: ResourceProps;
  /** host:port of the frontend gRPC endpoint (`TEMPORAL_ADDRESS`). */
  readonly frontendAddress: string;
  readonly temporalNamespace: string;
  /** `TEMPORAL_TASK_QUEUE` is the first, `TEMPORAL_TASK_QUEUES` all of them (comma-separated). */
  readonly taskQueues: readonly string[];
  readonly liveness: AppProbe;
  readonly readiness: AppProbe;
  /** `TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS`. @default not set (the SDK's default) */
  readonly maxConcurrentWorkflowTasks?: number;
  /** `TEMPORAL_MAX_CONCURRENT_ACTIVITIES`. @default not set (the SDK's default) */
  readonly maxConcurrentActivities?: number;
  /** @default 1 (when neither autoscaling nor keda) */
  readonly replicas?: number;
  /** An HPA on CPU/memory. @default none */
  readonly autoscaling?: AutoscalingProps;
  /** A KEDA ScaledObject on the task-queue backlog (exclusive with `autoscaling`). @default none */
  readonly keda?: KedaScalingProps;
  /** @default {} */
  readonly env?: Record<string, string>;
  /** Pre-existing ConfigMaps and Secrets loaded with envFrom; the Role may read exactly these. @default none */
  readonly envFrom?: { readonly configMaps?: readonly string[]; readonly secrets?: readonly string[] };
  /** Files for the application config ConfigMap. @default {} */
  readonly config?: Record<string, string>;
  /** @default '/etc/app' */
  readonly configMountPath?: string;
  /** JVM flags, passed as JAVA_TOOL_OPTIONS. @default none */
  readonly jvmOptions?: readonly string[];
  /** A PVC `<name>-data` mounted at `mountPath`. @default none */
  readonly volume?: {
    readonly size: string;
    readonly storageClassName?: string;
    readonly mountPath: string;
    readonly accessMode: 'ReadWriteOnce' | 'ReadWriteMany';
  };
  /** Container port that serves metrics (named `metrics`); gets a `<name>-metrics` Service. @default none */
  readonly metricsPort?: number;
  /** @default '/metrics' */
  readonly metricsPath?: string;
  /** Add prometheus.io/scrape, port and path pod annotations. @default false */
  readonly prometheusAnnotations?: boolean;
  /** Client certificate for a TLS frontend: mounted, and announced with TEMPORAL_TLS_* env. @default plaintext */
  readonly tls?: ClientTlsProps;
  /**
   * For a JVM pool with `tls`: an init container running this image's `keytool` builds a PKCS#12
   * trust store of the JRE's public CAs plus the TLS CA, and `JAVA_TOOL_OPTIONS` points the JVM at
   * it. The Temporal Spring Boot starter has no CA setting; its default trust manager reads
   * `javax.net.ssl.trustStore`. @default the JVM's own trust store
   */
  readonly javaTrustStore?: { readonly image: ImageProps };
  /** Secret with the worker's JWT/API key: TEMPORAL_API_KEY, and KEDA's `apiKey`. @default none */
  readonly apiKeySecret?: { readonly name: string; readonly key: string };
  /** @default false */
  readonly topologySpread?: boolean;
  /** @default { user: 1000, group: 1000 } */
  readonly runAs?: RunAsProps;
}

/**
 * An application worker pool: Deployment, application ConfigMap, ServiceAccount with a Role that can
 * read only its own ConfigMap and the ConfigMaps/Secrets it loads, an HPA or a KEDA ScaledObject,
 * a PDB, and a metrics Service.
 */
export class WorkerPool extends Construct {
  readonly configMapName: string;
  readonly selector: Record<string, string>;
  /** The Service that exposes the metrics port, if any. */
  readonly metricsServiceName?: string;

  constructor(scope: Construct, id: string, props: WorkerPoolProps) {
    super(scope, id);
    if (props.taskQueues.length === 0) throw new Error(`WorkerPool ${props.name}: at least one task queue`);
    if (props.autoscaling && props.keda) throw new Error(`WorkerPool ${props.name}: an HPA and KEDA cannot both scale it`);
    const labels = recommendedLabels(props.identity);
    this.selector = selectorLabels(props.identity);
    const names = workerPoolNames(props.name);
    this.configMapName = names.configMap;
    const config = props.config ?? {};
    const mountPath = props.configMountPath ?? '/etc/app';
    const envFromConfigMaps = [...(props.envFrom?.configMaps ?? [])];
    const envFromSecrets = [...(props.envFrom?.secrets ?? [])];

    new k8s.KubeConfigMap(this, 'Config', { metadata: { name: this.configMapName, labels }, data: config });
    const sa = new WorkloadServiceAccount(this, 'ServiceAccount', { name: props.name, labels, automountToken: true });
    const rules: k8s.PolicyRule[] = [
      {
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: [this.configMapName, ...envFromConfigMaps],
        verbs: ['get', 'list', 'watch'],
      },
    ];
    if (envFromSecrets.length)
      rules.push({ apiGroups: [''], resources: ['secrets'], resourceNames: envFromSecrets, verbs: ['get', 'list', 'watch'] });
    new k8s.KubeRole(this, 'Role', { metadata: { name: props.name, labels }, rules });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: props.name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: props.name },
      subjects: [{ kind: 'ServiceAccount', name: sa.name }],
    });

    const probePorts = [props.liveness, props.readiness].flatMap((p) => ('port' in p ? [p.port] : []));
    const ports = [...new Set([...(props.metricsPort !== undefined ? [props.metricsPort] : []), ...probePorts])].map((containerPort) => ({
      name: containerPort === props.metricsPort ? 'metrics' : `http-${containerPort}`,
      containerPort,
      protocol: 'TCP',
    }));
    const tlsVolume = props.tls && clientTlsVolume(props.tls);
    if (props.javaTrustStore && !props.tls) throw new Error(`WorkerPool ${props.name}: javaTrustStore needs tls`);
    const trustStore = props.javaTrustStore && props.tls ? javaTrustStore(props.javaTrustStore.image, props.resources) : undefined;
    const checksum = createHash('sha256').update(JSON.stringify(config)).digest('hex');
    const metricsPath = props.metricsPath ?? '/metrics';
    const annotations: Record<string, string> = { 'checksum/config': checksum };
    if (props.prometheusAnnotations && props.metricsPort !== undefined) {
      Object.assign(annotations, {
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(props.metricsPort),
        'prometheus.io/path': metricsPath,
      });
    }
    const claimName = names.claim;
    if (props.volume) {
      new k8s.KubePersistentVolumeClaim(this, 'Data', {
        metadata: { name: claimName, labels },
        spec: {
          accessModes: [props.volume.accessMode],
          storageClassName: props.volume.storageClassName,
          resources: { requests: { storage: k8s.Quantity.fromString(props.volume.size) } },
        },
      });
    }
    const env: k8s.EnvVar[] = [
      { name: 'TEMPORAL_ADDRESS', value: props.frontendAddress },
      { name: 'TEMPORAL_NAMESPACE', value: props.temporalNamespace },
      { name: 'TEMPORAL_TASK_QUEUE', value: props.taskQueues[0] },
      { name: 'TEMPORAL_TASK_QUEUES', value: props.taskQueues.join(',') },
      ...(props.maxConcurrentWorkflowTasks !== undefined
        ? [{ name: 'TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS', value: String(props.maxConcurrentWorkflowTasks) }]
        : []),
      ...(props.maxConcurrentActivities !== undefined
        ? [{ name: 'TEMPORAL_MAX_CONCURRENT_ACTIVITIES', value: String(props.maxConcurrentActivities) }]
        : []),
      ...(props.jvmOptions?.length || trustStore
        ? [{ name: 'JAVA_TOOL_OPTIONS', value: [...(props.jvmOptions ?? []), ...(trustStore?.jvmOptions ?? [])].join(' ') }]
        : []),
      ...(props.tls ? cliTlsEnv(props.tls) : []),
      ...(props.apiKeySecret
        ? [{ name: 'TEMPORAL_API_KEY', valueFrom: { secretKeyRef: { name: props.apiKeySecret.name, key: props.apiKeySecret.key } } }]
        : []),
      ...Object.entries(props.env ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value })),
    ];
    const envFrom: k8s.EnvFromSource[] = [
      ...envFromConfigMaps.map((name) => ({ configMapRef: { name } })),
      ...envFromSecrets.map((name) => ({ secretRef: { name } })),
    ];

    new ScaledDeployment(this, 'Deployment', {
      name: props.name,
      labels,
      selector: this.selector,
      serviceAccountName: sa.name,
      automountServiceAccountToken: true,
      podAnnotations: annotations,
      replicas: props.replicas,
      autoscaling: props.autoscaling,
      externallyScaled: props.keda !== undefined,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(1) },
      },
      runAs: props.runAs ?? { user: 1000, group: 1000 },
      terminationGracePeriodSeconds: 60,
      topologySpread: props.topologySpread,
      tmpSizeLimit: '256Mi',
      initContainers: trustStore ? [trustStore.initContainer] : undefined,
      containers: [
        {
          name: 'worker',
          image: imageRef(props.image),
          imagePullPolicy: props.image.pullPolicy,
          env,
          envFrom: envFrom.length ? envFrom : undefined,
          ports: ports.length ? ports : undefined,
          resources: resourceRequirements(props.resources),
          securityContext: restrictedContainerSecurityContext(),
          startupProbe: probe(props.liveness, { periodSeconds: 5, failureThreshold: 60 }),
          livenessProbe: probe(props.liveness, { periodSeconds: 15 }),
          readinessProbe: probe(props.readiness, { periodSeconds: 10 }),
          volumeMounts: [
            { name: 'config', mountPath: mountPath, readOnly: true },
            { name: 'tmp', mountPath: '/tmp' },
            ...(props.volume ? [{ name: 'data', mountPath: props.volume.mountPath }] : []),
            ...(tlsVolume ? [tlsVolume.mount] : []),
            ...(trustStore ? [trustStore.mount] : []),
          ],
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: this.configMapName } },
        ...(props.volume ? [{ name: 'data', persistentVolumeClaim: { claimName } }] : []),
        ...(tlsVolume ? [tlsVolume.volume] : []),
        ...(trustStore ? [trustStore.volume] : []),
      ],
    });

    if (props.keda) {
      new KedaScaler(this, 'KedaScaler', {
        name: props.name,
        labels,
        endpoint: props.frontendAddress,
        temporalNamespace: props.temporalNamespace,
        taskQueues: props.taskQueues,
        ...props.keda,
        tls: props.tls,
        apiKeySecret: props.apiKeySecret,
      });
    }

    if (props.metricsPort !== undefined) {
      this.metricsServiceName = names.metricsService;
      new k8s.KubeService(this, 'MetricsService', {
        metadata: { name: this.metricsServiceName, labels },
        spec: {
          clusterIp: 'None',
          selector: this.selector,
          ports: [{ name: 'metrics', port: props.metricsPort, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' }],
        },
      });
    }
  }
}
