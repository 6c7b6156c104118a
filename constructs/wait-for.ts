import type { k8s } from '../imports/k8s';
import type { ImageProps, ResourceProps } from './pod-defaults';
import { jobStep } from './setup-job';
import { shellQuote } from '../lib/shell';

export interface WaitForPostgresProps {
  /** Any image with `pg_isready`, e.g. the postgres image itself. */
  readonly image: ImageProps;
  readonly host: string;
  readonly port: number;
  /** Role name to connect as; pg_isready cannot guess one for a uid without a passwd entry. */
  readonly user: string;
  readonly resources: ResourceProps;
}

/** An init container that blocks until PostgreSQL accepts connections. */
export function waitForPostgres(props: WaitForPostgresProps): k8s.Container {
  const host = shellQuote(props.host);
  return jobStep({
    name: 'wait-for-database',
    image: props.image,
    resources: props.resources,
    script: `until pg_isready -h ${host} -p ${props.port} -U ${shellQuote(props.user)} -t 3; do echo "waiting for ${props.host}:${props.port}"; sleep 3; done`,
  });
}

export interface WaitForElasticsearchProps {
  /** An image with `curl`, e.g. the Elasticsearch image itself. */
  readonly image: ImageProps;
  /** Base URL, e.g. `http://temporal-elasticsearch:9200`. */
  readonly url: string;
  /** Wait until this index exists; otherwise until the cluster is at least yellow. @default cluster health */
  readonly index?: string;
  /** Basic-auth user and the Secret with its password. @default no authentication */
  readonly credentials?: { readonly username: string; readonly password: { readonly name: string; readonly key: string } };
  readonly resources: ResourceProps;
}

/**
 * An init container that blocks until Elasticsearch is healthy, or until an index exists. Temporal
 * must not write before its index exists: Elasticsearch would create it with dynamic mappings
 * (text instead of keyword) and the index Job could never fix it.
 */
export function waitForElasticsearch(props: WaitForElasticsearchProps): k8s.Container {
  const target = props.index ? `${props.url}/${props.index}` : `${props.url}/_cluster/health?wait_for_status=yellow&timeout=5s`;
  if (props.credentials && !/^[A-Za-z0-9_.@-]+$/.test(props.credentials.username)) {
    throw new Error(
      `waitForElasticsearch: user name ${JSON.stringify(props.credentials.username)} must be letters, digits, "_", ".", "@" or "-"`,
    );
  }
  const auth = props.credentials ? ` -u "${props.credentials.username}:$ES_PWD"` : '';
  return jobStep({
    name: props.index ? 'wait-for-visibility-index' : 'wait-for-elasticsearch',
    image: props.image,
    resources: props.resources,
    env: props.credentials
      ? [{ name: 'ES_PWD', valueFrom: { secretKeyRef: { name: props.credentials.password.name, key: props.credentials.password.key } } }]
      : [],
    script: `until curl -fsS -o /dev/null${auth} ${shellQuote(target)}; do echo "waiting for ${target}"; sleep 5; done`,
  });
}
