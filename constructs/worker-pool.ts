import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { ClientTlsProps, cliTlsEnv, clientTlsVolume } from './client-tls';
import { ComponentIdentity, recommendedLabels, selectorLabels } from './labels';
import {
  ImageProps, ProbeCheck, ResourceProps, RunAsProps, imageRef, probe, resourceRequirements, restrictedContainerSecurityContext,
} from './pod-defaults';
import { AutoscalingProps, ScaledDeployment } from './scaled-deployment';
import { WorkloadServiceAccount } from './service-account';

/** Application probes; ports are numbers so each one becomes a declared container port. */
type AppProbe = Exclude<ProbeCheck, { type: 'grpc' | 'http' | 'tcp' }>
  | { readonly type: 'http'; readonly path: string; readonly port: number }
  | { readonly type: 'tcp'; readonly port: number };

export interface WorkerPoolProps {
  /** Name of the Deployment, ServiceAccount, Role, HPA and PDB; the ConfigMap is `<name>-config`. */
  readonly name: string;
  readonly identity: ComponentIdentity;
  readonly image: ImageProps;
  readonly resources: ResourceProps;
  /** host:port of the frontend gRPC endpoint (`TEMPORAL_ADDRESS`). */
  readonly frontendAddress: string;
  readonly temporalNamespace: string;
  readonly taskQueue: string;
  readonly liveness: AppProbe;
  readonly readiness: AppProbe;
  /** @default 1 (when no autoscaling) */
  readonly replicas?: number;
  /** @default none */
  readonly autoscaling?: AutoscalingProps;
  /** @default {} */
  readonly env?: Record<string, string>;
  /** Files for the application config ConfigMap. @default {} */
  readonly config?: Record<string, string>;
  /** @default '/etc/app' */
  readonly configMountPath?: string;
  /** A pre-existing Secret loaded with envFrom. @default none */
  readonly existingSecret?: string;
  /** Client certificate for a TLS frontend: mounted, and announced with TEMPORAL_TLS_* env. @default plaintext */
  readonly tls?: ClientTlsProps;
  /** Container port that serves metrics (named `metrics`). @default none */
  readonly metricsPort?: number;
  /** @default false */
  readonly topologySpread?: boolean;
  /** @default { user: 1000, group: 1000 } */
  readonly runAs?: RunAsProps;
}

/**
 * An application worker pool: Deployment, application ConfigMap, ServiceAccount with a Role that can
 * read only its own ConfigMap (and Secret), optional HPA, and a PDB.
 */
export class WorkerPool extends Construct {
  readonly configMapName: string;
  readonly selector: Record<string, string>;

  constructor(scope: Construct, id: string, props: WorkerPoolProps) {
    super(scope, id);
    const labels = recommendedLabels(props.identity);
    this.selector = selectorLabels(props.identity);
    this.configMapName = `${props.name}-config`;
    const config = props.config ?? {};
    const mountPath = props.configMountPath ?? '/etc/app';

    new k8s.KubeConfigMap(this, 'Config', { metadata: { name: this.configMapName, labels }, data: config });
    const sa = new WorkloadServiceAccount(this, 'ServiceAccount', { name: props.name, labels, automountToken: true });
    const rules: k8s.PolicyRule[] = [
      { apiGroups: [''], resources: ['configmaps'], resourceNames: [this.configMapName], verbs: ['get', 'list', 'watch'] },
    ];
    if (props.existingSecret) {
      rules.push({ apiGroups: [''], resources: ['secrets'], resourceNames: [props.existingSecret], verbs: ['get', 'list', 'watch'] });
    }
    new k8s.KubeRole(this, 'Role', { metadata: { name: props.name, labels }, rules });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: props.name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: props.name },
      subjects: [{ kind: 'ServiceAccount', name: sa.name }],
    });

    const probePorts = [props.liveness, props.readiness]
      .flatMap((p) => ('port' in p ? [p.port] : []));
    const ports = [...new Set([...(props.metricsPort !== undefined ? [props.metricsPort] : []), ...probePorts])]
      .map((containerPort) => ({ name: containerPort === props.metricsPort ? 'metrics' : `http-${containerPort}`, containerPort, protocol: 'TCP' }));
    const tlsVolume = props.tls && clientTlsVolume(props.tls);
    const checksum = createHash('sha256').update(JSON.stringify(config)).digest('hex');

    new ScaledDeployment(this, 'Deployment', {
      name: props.name,
      labels,
      selector: this.selector,
      serviceAccountName: sa.name,
      automountServiceAccountToken: true,
      podAnnotations: { 'checksum/config': checksum },
      replicas: props.replicas,
      autoscaling: props.autoscaling,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(1) } },
      runAs: props.runAs ?? { user: 1000, group: 1000 },
      terminationGracePeriodSeconds: 60,
      topologySpread: props.topologySpread,
      tmpSizeLimit: '256Mi',
      containers: [
        {
          name: 'worker',
          image: imageRef(props.image),
          imagePullPolicy: props.image.pullPolicy,
          env: [
            { name: 'TEMPORAL_ADDRESS', value: props.frontendAddress },
            { name: 'TEMPORAL_NAMESPACE', value: props.temporalNamespace },
            { name: 'TEMPORAL_TASK_QUEUE', value: props.taskQueue },
            ...(props.tls ? cliTlsEnv(props.tls) : []),
            ...Object.entries(props.env ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, value })),
          ],
          envFrom: props.existingSecret ? [{ secretRef: { name: props.existingSecret } }] : undefined,
          ports: ports.length ? ports : undefined,
          resources: resourceRequirements(props.resources),
          securityContext: restrictedContainerSecurityContext(),
          startupProbe: probe(props.liveness, { periodSeconds: 5, failureThreshold: 60 }),
          livenessProbe: probe(props.liveness, { periodSeconds: 15 }),
          readinessProbe: probe(props.readiness, { periodSeconds: 10 }),
          volumeMounts: [
            { name: 'config', mountPath: mountPath, readOnly: true },
            { name: 'tmp', mountPath: '/tmp' },
            ...(tlsVolume ? [tlsVolume.mount] : []),
          ],
        },
      ],
      volumes: [{ name: 'config', configMap: { name: this.configMapName } }, ...(tlsVolume ? [tlsVolume.volume] : [])],
    });
  }
}
