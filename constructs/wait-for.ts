import type { k8s } from '../imports/k8s';
import type { ImageProps, ResourceProps } from './pod-defaults';
import { jobStep } from './setup-job';
import { shellQuote } from './shell';

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
