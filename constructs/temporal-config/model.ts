/**
 * A typed model of the Temporal server 1.31 static config (common/config/config.go). Field names
 * are the server's exact yaml keys: the server ignores unknown keys silently, so a typo here must
 * be a compile error. Only the parts this project renders are modelled.
 */

/** A value filled in by the server's `# enable-template` rendering from an environment variable. */
export interface EnvRef {
  readonly env: string;
}
export type Templated = string | EnvRef;

export interface TemporalServerConfig {
  log: LogConfig;
  persistence: PersistenceConfig;
  global: GlobalConfig;
  services: Partial<Record<TemporalRoleName, ServiceConfig>>;
  clusterMetadata: ClusterMetadataConfig;
  dcRedirectionPolicy: { policy: 'noop' | 'selected-apis-forwarding' | 'all-apis-forwarding' };
  publicClient?: { hostPort: string };
  dynamicConfigClient: { filepath: string; pollInterval: string };
  archival?: ArchivalConfig;
  namespaceDefaults?: { archival: NamespaceArchivalDefaults };
}

/** `internal-frontend` serves the server's own callers when the public frontend requires JWTs. */
export type TemporalRoleName = 'frontend' | 'internal-frontend' | 'history' | 'matching' | 'worker';

export interface LogConfig {
  stdout: boolean;
  level: 'debug' | 'info' | 'warn' | 'error';
  format: 'json' | 'console';
}

export interface PersistenceConfig {
  defaultStore: string;
  visibilityStore: string;
  numHistoryShards: number;
  datastores: Record<string, DataStoreConfig>;
}

/** Exactly one kind per store (`DataStore.Validate`). */
export type DataStoreConfig = { sql: SqlConfig } | { elasticsearch: ElasticsearchConfig };

export interface SqlConfig {
  /** `dsql` is registered only by server images built with the Aurora DSQL plugin. */
  pluginName: 'postgres12' | 'postgres12_pgx' | 'dsql';
  databaseName: string;
  connectAddr: string;
  connectProtocol: 'tcp' | 'unix';
  user: string;
  /** Absent for IAM authentication (DSQL). */
  password?: Templated;
  maxConns: number;
  maxIdleConns: number;
  maxConnLifetime: string;
  tls?: SqlTlsConfig;
}

/** common/auth/tls.go `TLS`. */
export interface SqlTlsConfig {
  enabled: boolean;
  caFile?: string;
  enableHostVerification: boolean;
  serverName?: string;
}

/** common/persistence/visibility/store/elasticsearch/client/config.go */
export interface ElasticsearchConfig {
  version: 'v7' | 'v8';
  url: { scheme: 'http' | 'https'; host: string };
  username?: string;
  password?: Templated;
  indices: { visibility: string };
}

export interface ArchivalConfig {
  history: ArchivalTargetConfig;
  visibility: ArchivalTargetConfig;
}

/** When disabled, `enableRead` is false and there is no provider (`isArchivalConfigValid`). */
export interface ArchivalTargetConfig {
  state: 'enabled' | 'disabled';
  enableRead: boolean;
  provider?: ArchiverProviderConfig;
}

export interface ArchiverProviderConfig {
  filestore?: { fileMode: string; dirMode: string };
  s3store?: { region: string; endpoint?: string; s3ForcePathStyle: boolean };
}

/** Note the upper-case `URI`: the server's key is case-sensitive. */
export interface NamespaceArchivalDefaults {
  history: { state: 'enabled' | 'disabled'; URI?: string };
  visibility: { state: 'enabled' | 'disabled'; URI?: string };
}

export interface GlobalConfig {
  membership: { maxJoinDuration: string; broadcastAddress: Templated };
  metrics: { prometheus: { framework: 'tally' | 'opentelemetry'; listenAddress: string } };
  tls?: RootTlsConfig;
  authorization?: AuthorizationConfig;
}

/** common/config/config.go `RootTLS`. */
export interface RootTlsConfig {
  internode: GroupTlsConfig;
  frontend: GroupTlsConfig;
  systemWorker?: { certFile: string; keyFile: string; client: ClientTlsConfig };
  refreshInterval: string;
}

export interface GroupTlsConfig {
  server: { certFile: string; keyFile: string; requireClientAuth: boolean; clientCaFiles?: string[] };
  client: ClientTlsConfig;
}

export interface ClientTlsConfig {
  serverName: string;
  rootCaFiles: string[];
}

export interface AuthorizationConfig {
  jwtKeyProvider: { keySourceURIs: string[]; refreshInterval: string };
  permissionsClaimName: string;
  /** `default` = the default authorizer; empty = noop. */
  authorizer: 'default';
  claimMapper: 'default';
  audience?: string;
}

export interface ServiceConfig {
  rpc: {
    grpcPort: number;
    membershipPort: number;
    httpPort?: number;
    bindOnIP: string;
  };
}

export interface ClusterMetadataConfig {
  enableGlobalNamespace: boolean;
  failoverVersionIncrement: number;
  masterClusterName: string;
  currentClusterName: string;
  clusterInformation: Record<string, { enabled: boolean; initialFailoverVersion: number; rpcAddress: string; httpAddress: string }>;
}
