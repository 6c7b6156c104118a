import { k8s } from '../imports/k8s';
import {
  ImageProps, ResourceProps, imageRef, resourceRequirements, restrictedContainerSecurityContext,
} from './pod-defaults';

export interface WaitForPostgresProps {
  /** Any image with `pg_isready`, e.g. the postgres image itself. */
  readonly image: ImageProps;
  readonly host: string;
  readonly port: number;
  readonly resources: ResourceProps;
}

/** An init container that blocks until PostgreSQL accepts connections. */
export function waitForPostgres(props: WaitForPostgresProps): k8s.Container {
  return {
    name: 'wait-for-database',
    image: imageRef(props.image),
    imagePullPolicy: props.image.pullPolicy,
    command: [
      '/bin/sh', '-ec',
      `until pg_isready -h ${props.host} -p ${props.port} -t 3; do echo "waiting for ${props.host}:${props.port}"; sleep 3; done`,
    ],
    resources: resourceRequirements(props.resources),
    securityContext: restrictedContainerSecurityContext(),
  };
}
