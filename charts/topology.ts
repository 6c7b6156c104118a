/**
 * Values derived once from the spec and shared by every chart: object names, ports, in-cluster
 * addresses and label identities. Nothing here reads a profile name.
 */
import type { ComponentIdentity } from '../constructs/labels';
import type { RolePorts } from '../constructs/server-config';
import type { TemporalRoleName } from '../constructs/temporal-config/model';
import { clientTlsName, jobPrefixes } from '../lib/names';
import { durationHours } from '../lib/quantities';
import { Spec, TEMPORAL_ROLE_NAMES } from '../config/schema';

/** The four core roles, each sized by `temporal.<role>` in the spec. */
export const TEMPORAL_ROLES: readonly TemporalRoleName[] = TEMPORAL_ROLE_NAMES;

/** The spec section that sizes a server role. */
export function roleSpec(spec: Spec, role: TemporalRoleName) {
  return role === 'internal-frontend' ? spec.temporal.internalFrontend : spec.temporal[role];
}

/** Default ports of Temporal server 1.31 (../shared/reference/temporal-server.md §3). */
export const ROLE_PORTS: Record<TemporalRoleName, RolePorts> = {
  frontend: { grpc: 7233, membership: 6933, http: 7243 },
  'internal-frontend': { grpc: 7236, membership: 6936, http: 7246 },
  history: { grpc: 7234, membership: 6934 },
  matching: { grpc: 7235, membership: 6935 },
  worker: { grpc: 7239, membership: 6939 },
};

export const METRICS_PORT = 9090;

/** Versioned schema directories inside the admin-tools image. */
export const SCHEMA_DIRS = {
  default: '/etc/temporal/schema/postgresql/v12/temporal/versioned',
  visibility: '/etc/temporal/schema/postgresql/v12/visibility/versioned',
} as const;

export interface Topology {
  readonly namespace: string;
  /** The server roles deployed: the four core roles, plus internal-frontend when authorization is on. */
  readonly serverRoles: readonly TemporalRoleName[];
  /** Where the server's own clients (namespace Job, admin tools) connect: the internal frontend when there is one. */
  readonly internalFrontendAddress: string;
  readonly names: {
    readonly config: string;
    readonly dynamicConfig: string;
    readonly postgres: string;
    readonly web: string;
    readonly adminTools: string;
    /** Job name prefixes; the Jobs append a digest of their pod template. */
    readonly schemaJob: string;
    readonly indexJob: string;
    readonly namespaceJob: string;
    readonly elasticsearch: string;
    readonly backup: string;
    readonly archivalClaim: string;
    /** cert-manager Secrets (and Certificates) of the TLS setup. */
    readonly tls: {
      /** Signs what the server roles present to each other (and operator clients of the internal frontend). */
      readonly internodeCa: string;
      /** Signs the frontend's certificate and the certificates of its clients. */
      readonly frontendCa: string;
      /** Signs only the Elasticsearch nodes' transport certificate. */
      readonly elasticsearchCa: string;
      readonly internode: string;
      readonly frontend: string;
      /** Client certificate of a component that calls the frontend, e.g. `temporal-web-client-tls`. */
      client(component: string): string;
    };
    role(role: TemporalRoleName): string;
  };
  readonly frontendHost: string;
  readonly frontendAddress: string;
  /** Every name the frontend answers to, for its certificate. */
  readonly frontendDnsNames: readonly string[];
  /** The name in the internode certificate that roles verify each other against. */
  readonly internodeServerName: string;
  /** The in-cluster PostgreSQL Service's DNS name. */
  readonly postgresHost: string;
  /** Where Temporal's SQL database is: the in-cluster Service or the external host. */
  readonly databaseHost: string;
  readonly databasePort: number;
  /** Base URL of the in-cluster Elasticsearch Service. */
  readonly elasticsearchUrl: string;
  identity(component: string, opts?: { name?: string; version?: string }): ComponentIdentity;
}

export function topology(spec: Spec): Topology {
  const ns = spec.namespace.name;
  const serverVersion = spec.images.server.tag;
  const fqdn = (service: string) => `${service}.${ns}.svc.cluster.local`;
  const frontendHost = fqdn('temporal-frontend');
  const serverRoles: TemporalRoleName[] = [...TEMPORAL_ROLES];
  if (spec.authorization.enabled) serverRoles.splice(1, 0, 'internal-frontend');
  const internalHost = fqdn('temporal-internal-frontend');
  const jobs = jobPrefixes(serverVersion);
  return {
    namespace: ns,
    serverRoles,
    internalFrontendAddress: spec.authorization.enabled
      ? `${internalHost}:${ROLE_PORTS['internal-frontend'].grpc}`
      : `${frontendHost}:${ROLE_PORTS.frontend.grpc}`,
    names: {
      config: 'temporal-config',
      dynamicConfig: 'temporal-dynamic-config',
      postgres: 'temporal-postgres',
      web: 'temporal-web',
      adminTools: 'temporal-admin-tools',
      schemaJob: jobs.schema,
      indexJob: jobs.index,
      namespaceJob: jobs.namespaces,
      elasticsearch: 'temporal-elasticsearch',
      backup: 'temporal-postgres-backup',
      archivalClaim: 'temporal-archival',
      tls: {
        internodeCa: 'temporal-internode-ca',
        frontendCa: 'temporal-frontend-ca',
        elasticsearchCa: 'temporal-elasticsearch-ca',
        internode: 'temporal-internode-tls',
        frontend: 'temporal-frontend-tls',
        client: clientTlsName,
      },
      role: (role) => `temporal-${role}`,
    },
    frontendHost,
    frontendDnsNames: ['temporal-frontend', `temporal-frontend.${ns}`, `temporal-frontend.${ns}.svc`, frontendHost],
    internodeServerName: `temporal-internode.${ns}.svc`,
    frontendAddress: `${frontendHost}:${ROLE_PORTS.frontend.grpc}`,
    postgresHost: fqdn('temporal-postgres'),
    databaseHost: spec.persistence.external?.host ?? fqdn('temporal-postgres'),
    databasePort: spec.persistence.external?.port ?? spec.postgres.port,
    elasticsearchUrl: `http://${fqdn('temporal-elasticsearch')}:9200`,
    identity: (component, opts = {}) => ({
      name: opts.name ?? 'temporal',
      instance: spec.instance,
      component,
      version: opts.version ?? serverVersion,
    }),
  };
}

export function retentionHours(retention: string): number {
  return durationHours(retention)!;
}
