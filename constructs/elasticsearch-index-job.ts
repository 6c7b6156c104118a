import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { recommendedLabels } from './labels';
import type { ImageProps } from './pod-defaults';
import { SetupJob, SetupJobBaseProps, jobStep } from './setup-job';
import { shellQuote } from '../lib/shell';
import { waitForElasticsearch } from './wait-for';

export interface ElasticsearchIndexJobProps extends SetupJobBaseProps {
  /** An image with `curl` to wait for cluster health, e.g. the Elasticsearch image. */
  readonly waitImage: ImageProps;
  /** Base URL, e.g. `http://temporal-elasticsearch.temporal.svc.cluster.local:9200`. */
  readonly url: string;
  /** The visibility index the server is configured with. */
  readonly index: string;
  /** @default no authentication */
  readonly credentials?: { readonly username: string; readonly password: { readonly name: string; readonly key: string } };
}

/**
 * Prepares the visibility index once Elasticsearch is healthy: `setup-schema` (cluster settings and
 * the index template), `create-index` (an existing index is fine), then `update-schema` so an
 * existing index gets the mappings of a newer server version.
 */
export class ElasticsearchIndexJob extends Construct {
  readonly jobName: string;

  constructor(scope: Construct, id: string, props: ElasticsearchIndexJobProps) {
    super(scope, id);
    // The tool reads its endpoint and credentials from ES_SERVER, ES_USER and ES_PWD.
    const env: k8s.EnvVar[] = [
      { name: 'ES_SERVER', value: props.url },
      ...(props.credentials
        ? [
            { name: 'ES_USER', value: props.credentials.username },
            { name: 'ES_PWD', valueFrom: { secretKeyRef: { name: props.credentials.password.name, key: props.credentials.password.key } } },
          ]
        : []),
    ];
    const index = shellQuote(props.index);
    const tool = 'temporal-elasticsearch-tool';
    this.jobName = new SetupJob(this, 'Job', {
      name: props.name,
      serviceAccountName: props.serviceAccountName,
      labels: recommendedLabels(props.identity),
      steps: [
        waitForElasticsearch({ image: props.waitImage, url: props.url, credentials: props.credentials, resources: props.resources }),
        jobStep({
          name: 'setup-visibility-index',
          image: props.image,
          resources: props.resources,
          env,
          script: [
            `${tool} setup-schema`,
            `if out=$(${tool} create-index --index ${index} 2>&1); then echo "$out";`,
            `elif echo "$out" | grep -q 'resource_already_exists_exception'; then echo "index already exists:" ${index};`,
            'else echo "$out" >&2; exit 1; fi',
            `${tool} update-schema --index ${index}`,
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
