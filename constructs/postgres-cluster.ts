import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { ClaimingStatefulSet, dataClaimTemplate } from './claiming-stateful-set';
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
} from './pod-defaults';
import { WorkloadServiceAccount } from './service-account';

export interface PostgresClusterProps {
  /** Name of the StatefulSet, ServiceAccount and client Service, e.g. `temporal-postgres`. */
  readonly name: string;
  readonly identity: ComponentIdentity;
  /** The official `postgres` image (Debian based; uid 999). */
  readonly image: ImageProps;
  readonly resources: ResourceProps;
  readonly storage: { readonly size: string; /** @default the cluster's default class */ readonly storageClassName?: string };
  /** The superuser the image creates on first start, and the database it creates. */
  readonly user: string;
  readonly database: string;
  /** Secret (name, key) holding the password. */
  readonly passwordSecret: { readonly name: string; readonly key: string };
  /**
   * Render the password Secret with this literal value. Only for throw-away development clusters;
   * otherwise the Secret must exist before apply. @default none (Secret is referenced, not rendered)
   */
  readonly generatedPassword?: string;
  /** @default 5432 */
  readonly port?: number;
  /** @default { user: 999, group: 999 } (the postgres user of the official image) */
  readonly runAs?: RunAsProps;
  /** `max_connections`; must cover every client pool. @default 100 */
  readonly maxConnections?: number;
  /** `shared_buffers`, e.g. `1GB`; about a quarter of the memory limit. @default '128MB' */
  readonly sharedBuffers?: string;
  /** Size of the memory-backed /dev/shm (counts against the memory limit). @default '64Mi' */
  readonly shmSize?: string;
}

/**
 * A single-node PostgreSQL StatefulSet with a PVC, a headless Service (stable pod DNS) and a
 * client Service, running non-root on a read-only root filesystem.
 */
export class PostgresCluster extends Construct {
  static readonly DATA_DIR = '/var/lib/postgresql/data';
  readonly serviceName: string;
  readonly port: number;
  readonly selector: Record<string, string>;

  constructor(scope: Construct, id: string, props: PostgresClusterProps) {
    super(scope, id);
    const labels = recommendedLabels(props.identity);
    this.selector = selectorLabels(props.identity);
    this.serviceName = props.name;
    this.port = props.port ?? 5432;
    const headless = `${props.name}-headless`;

    if (props.generatedPassword !== undefined) {
      new k8s.KubeSecret(this, 'Secret', {
        metadata: {
          name: props.passwordSecret.name,
          labels,
          annotations: { 'temporal.cdk8s.io/dev-only': 'generated, deterministic credential for development clusters only' },
        },
        type: 'Opaque',
        stringData: { [props.passwordSecret.key]: props.generatedPassword },
      });
    }

    const sa = new WorkloadServiceAccount(this, 'ServiceAccount', { name: props.name, labels });
    const servicePorts: k8s.ServicePort[] = [
      { name: 'postgres', port: this.port, targetPort: k8s.IntOrString.fromString('postgres'), protocol: 'TCP' },
    ];
    new k8s.KubeService(this, 'HeadlessService', {
      metadata: { name: headless, labels },
      spec: { clusterIp: 'None', publishNotReadyAddresses: true, selector: this.selector, ports: servicePorts },
    });
    new k8s.KubeService(this, 'Service', {
      metadata: { name: props.name, labels },
      spec: { type: 'ClusterIP', selector: this.selector, ports: servicePorts },
    });

    const isReady = ['pg_isready', '-h', '127.0.0.1', '-p', String(this.port), '-U', props.user, '-d', props.database];
    new ClaimingStatefulSet(this, 'StatefulSet', {
      metadata: { name: props.name, labels },
      spec: {
        serviceName: headless,
        replicas: 1,
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        selector: { matchLabels: this.selector },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: sa.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(props.runAs ?? { user: 999, group: 999 }),
            terminationGracePeriodSeconds: 60,
            containers: [
              {
                name: 'postgres',
                image: imageRef(props.image),
                imagePullPolicy: props.image.pullPolicy,
                // The image's entrypoint passes arguments starting with "-" to the postgres server.
                args: ['-c', `max_connections=${props.maxConnections ?? 100}`, '-c', `shared_buffers=${props.sharedBuffers ?? '128MB'}`],
                env: [
                  { name: 'POSTGRES_USER', value: props.user },
                  { name: 'POSTGRES_DB', value: props.database },
                  {
                    name: 'POSTGRES_PASSWORD',
                    valueFrom: { secretKeyRef: { name: props.passwordSecret.name, key: props.passwordSecret.key } },
                  },
                  // A sub-directory, so initdb never sees the volume's lost+found.
                  { name: 'PGDATA', value: `${PostgresCluster.DATA_DIR}/pgdata` },
                  { name: 'PGPORT', value: String(this.port) },
                ],
                ports: [{ name: 'postgres', containerPort: this.port, protocol: 'TCP' }],
                resources: resourceRequirements(props.resources),
                securityContext: restrictedContainerSecurityContext(),
                startupProbe: probe({ type: 'exec', command: isReady }, { periodSeconds: 5, failureThreshold: 60 }),
                livenessProbe: probe({ type: 'exec', command: isReady }, { periodSeconds: 15, failureThreshold: 6 }),
                readinessProbe: probe({ type: 'exec', command: isReady }, { periodSeconds: 5, failureThreshold: 3 }),
                volumeMounts: [
                  { name: 'data', mountPath: PostgresCluster.DATA_DIR },
                  { name: 'run', mountPath: '/var/run/postgresql' },
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'shm', mountPath: '/dev/shm' },
                ],
              },
            ],
            volumes: [
              scratchVolume('run', '16Mi'),
              scratchVolume('tmp', '256Mi'),
              { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(props.shmSize ?? '64Mi') } },
            ],
          },
        },
        volumeClaimTemplates: [dataClaimTemplate(labels, props.storage)],
      },
    });
  }
}
