import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { ComponentIdentity, recommendedLabels } from './labels';
import {
  ImageProps, ResourceProps, RunAsProps, imageRef, resourceRequirements,
  restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume,
} from './pod-defaults';
import { WorkloadServiceAccount } from './service-account';
import { shellQuote } from './shell';
import { waitForPostgres } from './wait-for';

export interface SchemaStore {
  /** Short DNS-safe name used in container names, e.g. `default` or `visibility`. */
  readonly store: string;
  readonly database: string;
  /** Versioned schema directory in the admin-tools image. */
  readonly schemaDir: string;
}

export interface SchemaJobProps {
  /** Job name; include the server version, since a Job's template is immutable. */
  readonly name: string;
  readonly serviceAccountName: string;
  readonly identity: ComponentIdentity;
  /** temporalio/admin-tools, same version as the server. */
  readonly image: ImageProps;
  /** An image with `pg_isready` (the postgres image) to wait for the database. */
  readonly waitImage: ImageProps;
  readonly resources: ResourceProps;
  readonly pluginName: 'postgres12' | 'postgres12_pgx';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly passwordSecret: { readonly name: string; readonly key: string };
  readonly stores: readonly SchemaStore[];
  /** @default 10 */
  readonly backoffLimit?: number;
  /** @default 86400 */
  readonly ttlSecondsAfterFinished?: number;
  /** @default { user: 1000, group: 1000 } */
  readonly runAs?: RunAsProps;
}

/**
 * Creates the databases (idempotently) and brings each schema to the latest version shipped in
 * the admin-tools image: `setup-schema -v 0.0` then `update-schema -d <versioned dir>`. Steps run
 * in order as init containers.
 */
export class SchemaJob extends Construct {
  constructor(scope: Construct, id: string, props: SchemaJobProps) {
    super(scope, id);
    const labels = recommendedLabels(props.identity);
    new WorkloadServiceAccount(this, 'ServiceAccount', { name: props.serviceAccountName, labels });

    const tool = `temporal-sql-tool --plugin ${props.pluginName} --endpoint ${props.host} --port ${props.port} --user ${shellQuote(props.user)}`;
    const step = (name: string, image: ImageProps, script: string, env: k8s.EnvVar[] = []): k8s.Container => ({
      name,
      image: imageRef(image),
      imagePullPolicy: image.pullPolicy,
      command: ['/bin/sh', '-ec', script],
      env,
      resources: resourceRequirements(props.resources),
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    });
    const password: k8s.EnvVar = { name: 'SQL_PASSWORD', valueFrom: { secretKeyRef: { name: props.passwordSecret.name, key: props.passwordSecret.key } } };

    const steps: k8s.Container[] = [
      waitForPostgres({ image: props.waitImage, host: props.host, port: props.port, resources: props.resources }),
    ];
    for (const s of props.stores) {
      const db = `${tool} --database ${s.database}`;
      steps.push(step(`create-${s.store}-database`, props.image, [
        `if out=$(${db} create-database 2>&1); then echo "$out";`,
        `elif echo "$out" | grep -q 'already exists'; then echo "database ${s.database} already exists";`,
        'else echo "$out" >&2; exit 1; fi',
      ].join('\n'), [password]));
      steps.push(step(`update-${s.store}-schema`, props.image,
        `${db} setup-schema -v 0.0\n${db} update-schema -d ${s.schemaDir}`, [password]));
    }
    const last = steps.pop()!;

    new k8s.KubeJob(this, 'Resource', {
      metadata: { name: props.name, labels },
      spec: {
        backoffLimit: props.backoffLimit ?? 10,
        ttlSecondsAfterFinished: props.ttlSecondsAfterFinished ?? 86400,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'OnFailure',
            serviceAccountName: props.serviceAccountName,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(props.runAs ?? { user: 1000, group: 1000 }),
            initContainers: steps,
            containers: [last],
            volumes: [scratchVolume('tmp')],
          },
        },
      },
    });
  }
}
