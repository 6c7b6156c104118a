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
}

export type TemporalRoleName = 'frontend' | 'history' | 'matching' | 'worker';

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

export interface DataStoreConfig {
  sql: SqlConfig;
}

export interface SqlConfig {
  pluginName: 'postgres12' | 'postgres12_pgx';
  databaseName: string;
  connectAddr: string;
  connectProtocol: 'tcp' | 'unix';
  user: string;
  password: Templated;
  maxConns: number;
  maxIdleConns: number;
  maxConnLifetime: string;
}

export interface GlobalConfig {
  membership: { maxJoinDuration: string; broadcastAddress: Templated };
  metrics: { prometheus: { framework: 'tally' | 'opentelemetry'; listenAddress: string } };
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
