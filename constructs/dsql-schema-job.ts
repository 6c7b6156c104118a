import { Construct } from 'constructs';
import { recommendedLabels } from './labels';
import { SetupJob, SetupJobBaseProps, jobStep } from './setup-job';
import { shellQuote } from '../lib/shell';

export interface DsqlSchemaJobProps extends SetupJobBaseProps {
  /** Must carry the IAM role allowed `dsql:DbConnectAdmin` (e.g. `eks.amazonaws.com/role-arn`). */
  readonly serviceAccountAnnotations: Record<string, string>;
  /** Cluster endpoint, `<id>.dsql.<region>.on.aws` (no port). */
  readonly endpoint: string;
  readonly region: string;
  /** Embedded schema to apply. @default 'dsql/v12/temporal' */
  readonly schemaName?: string;
  /** Schema version to set up or update to. @default '1.12' */
  readonly schemaVersion?: string;
}

/**
 * The Aurora DSQL counterpart of SchemaJob. What differs from PostgreSQL: no database to create
 * (DSQL has one, `postgres`), no password (the tool signs a 15-minute IAM token as `admin`, so the
 * ServiceAccount needs the IAM role), TLS always on, and `temporal-dsql-tool` instead of
 * `temporal-sql-tool`. Versioning stays on: the server reads `schema_version` at start-up, so
 * `--disable-versioning` would leave a database the server refuses.
 */
export class DsqlSchemaJob extends Construct {
  readonly jobName: string;

  constructor(scope: Construct, id: string, props: DsqlSchemaJobProps) {
    super(scope, id);
    const tool = `temporal-dsql-tool --endpoint ${shellQuote(props.endpoint)} --region ${shellQuote(props.region)}`;
    const schema = shellQuote(props.schemaName ?? 'dsql/v12/temporal');
    const version = shellQuote(props.schemaVersion ?? '1.12');
    this.jobName = new SetupJob(this, 'Job', {
      name: props.name,
      serviceAccountName: props.serviceAccountName,
      serviceAccountAnnotations: props.serviceAccountAnnotations,
      labels: recommendedLabels(props.identity),
      steps: [
        jobStep({
          name: 'setup-dsql-schema',
          image: props.image,
          resources: props.resources,
          env: [{ name: 'AWS_REGION', value: props.region }],
          // A versioned schema is brought up to date; a fresh database gets the full schema. The
          // target of update-schema is `--version` (tools/common/schema CLIOptTargetVersion).
          script: [
            `if ${tool} update-schema --schema-name ${schema} --version ${version}; then echo "schema is at version" ${version};`,
            `else ${tool} setup-schema --schema-name ${schema} --version ${version}; fi`,
          ].join('\n'),
        }),
      ],
      backoffLimit: props.backoffLimit,
      activeDeadlineSeconds: props.activeDeadlineSeconds,
      ttlSecondsAfterFinished: props.ttlSecondsAfterFinished,
      runAs: props.runAs,
    }).jobName;
  }
}
