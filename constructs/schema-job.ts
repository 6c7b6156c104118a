import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { recommendedLabels } from './labels';
import type { ImageProps } from './pod-defaults';
import { SetupJob, SetupJobBaseProps, jobStep } from './setup-job';
import { shellQuote } from '../lib/shell';
import { waitForPostgres } from './wait-for';

export interface SchemaStore {
  /** Short DNS-safe name used in container names, e.g. `default` or `visibility`. */
  readonly store: string;
  readonly database: string;
  /** Versioned schema directory in the admin-tools image. */
  readonly schemaDir: string;
}

export interface SchemaJobProps extends SetupJobBaseProps {
  /** An image with `pg_isready` (the postgres image) to wait for the database. */
  readonly waitImage: ImageProps;
  readonly pluginName: 'postgres12' | 'postgres12_pgx';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly passwordSecret: { readonly name: string; readonly key: string };
  readonly stores: readonly SchemaStore[];
  /** Connect over TLS. @default plaintext */
  readonly tls?: {
    readonly enableHostVerification: boolean;
    /** Secret with the CA bundle. @default the image's system CAs */
    readonly caSecret?: { readonly name: string; readonly key: string };
  };
}

/**
 * Creates the databases (idempotently) and brings each schema to the latest version shipped in the
 * admin-tools image: `setup-schema -v 0.0` (a no-op on an existing schema) then
 * `update-schema -d <versioned dir>`. Steps run in order as init containers.
 */
export class SchemaJob extends Construct {
  static readonly CA_DIR = '/etc/temporal/tls/database-ca';
  readonly jobName: string;

  constructor(scope: Construct, id: string, props: SchemaJobProps) {
    super(scope, id);
    const tool = `temporal-sql-tool --plugin ${props.pluginName} --endpoint ${shellQuote(props.host)} --port ${props.port} --user ${shellQuote(props.user)}`;
    const env: k8s.EnvVar[] = [
      { name: 'SQL_PASSWORD', valueFrom: { secretKeyRef: { name: props.passwordSecret.name, key: props.passwordSecret.key } } },
      // temporal-sql-tool reads its TLS settings from SQL_TLS*.
      ...(props.tls
        ? [
            { name: 'SQL_TLS', value: 'true' },
            { name: 'SQL_TLS_DISABLE_HOST_VERIFICATION', value: String(!props.tls.enableHostVerification) },
            ...(props.tls.caSecret ? [{ name: 'SQL_TLS_CA_FILE', value: `${SchemaJob.CA_DIR}/ca.crt` }] : []),
          ]
        : []),
    ];
    const ca = props.tls?.caSecret;
    const mounts = ca ? [{ name: 'database-ca', mountPath: SchemaJob.CA_DIR, readOnly: true }] : [];
    const step = (name: string, script: string) =>
      jobStep({ name, image: props.image, script, resources: props.resources, env, volumeMounts: mounts });

    const steps: k8s.Container[] = [
      waitForPostgres({ image: props.waitImage, host: props.host, port: props.port, user: props.user, resources: props.resources }),
    ];
    for (const s of props.stores) {
      const db = `${tool} --database ${shellQuote(s.database)}`;
      steps.push(
        step(
          `create-${s.store}-database`,
          [
            `if out=$(${db} create-database 2>&1); then echo "$out";`,
            `elif echo "$out" | grep -q 'already exists'; then echo "database ${s.database} already exists";`,
            // A user without CREATEDB cannot even probe; the database must then exist (setup-schema checks).
            `elif echo "$out" | grep -q 'permission denied to create database'; then echo "no CREATEDB privilege: using the existing database ${s.database}";`,
            'else echo "$out" >&2; exit 1; fi',
          ].join('\n'),
        ),
      );
      steps.push(step(`update-${s.store}-schema`, `${db} setup-schema -v 0.0\n${db} update-schema -d ${shellQuote(s.schemaDir)}`));
    }
    this.jobName = new SetupJob(this, 'Job', {
      name: props.name,
      serviceAccountName: props.serviceAccountName,
      labels: recommendedLabels(props.identity),
      steps,
      backoffLimit: props.backoffLimit,
      activeDeadlineSeconds: props.activeDeadlineSeconds,
      ttlSecondsAfterFinished: props.ttlSecondsAfterFinished,
      runAs: props.runAs,
      volumes: ca ? [{ name: 'database-ca', secret: { secretName: ca.name, items: [{ key: ca.key, path: 'ca.crt' }] } }] : [],
    }).jobName;
  }
}
