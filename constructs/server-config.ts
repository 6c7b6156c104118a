import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import type { TemporalRoleName, TemporalServerConfig } from './temporal-config/model';
import { renderDynamicConfig, renderServerConfig } from './temporal-config/render';

export interface RolePorts {
  readonly grpc: number;
  readonly membership: number;
  /** Frontend only: the HTTP API. */
  readonly http?: number;
}

export interface SqlStoreProps {
  readonly pluginName: 'postgres12' | 'postgres12_pgx';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly defaultDatabase: string;
  readonly visibilityDatabase: string;
  readonly maxConns: number;
  readonly maxIdleConns: number;
  /** Go duration, e.g. `1h`. */
  readonly maxConnLifetime: string;
}

export interface ServerConfigProps {
  readonly configMapName: string;
  readonly dynamicConfigMapName: string;
  readonly labels: Record<string, string>;
  /** Immutable after the cluster's first start. */
  readonly numHistoryShards: number;
  /** @default 'info' */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** @default 'active' */
  readonly clusterName?: string;
  readonly ports: Record<TemporalRoleName, RolePorts>;
  /** @default 9090 */
  readonly metricsPort?: number;
  /** Cluster-internal DNS name of the frontend Service. */
  readonly frontendHost: string;
  readonly persistence: SqlStoreProps;
  /** Dynamic-config keys (only keys the server registers) and their global values. @default {} */
  readonly dynamicConfig?: Record<string, string | number | boolean | undefined>;
  /** @default 10 (the server requires ≥ 5) */
  readonly dynamicConfigPollIntervalSeconds?: number;
}

/**
 * The Temporal server config and dynamic config as two ConfigMaps. Every role mounts both; the
 * checksum of the static config goes on pod templates so a change to it rolls the pods.
 */
export class ServerConfig extends Construct {
  /** Where the config file is mounted; `TEMPORAL_SERVER_CONFIG_FILE_PATH` points here. */
  static readonly CONFIG_DIR = '/etc/temporal/config';
  static readonly CONFIG_FILE = 'config.yaml';
  static readonly DYNAMIC_CONFIG_DIR = '/etc/temporal/dynamic_config';
  static readonly DYNAMIC_CONFIG_FILE = 'dynamic_config.yaml';
  /** Environment variables the rendered config reads. */
  static readonly ENV = {
    podIp: 'POD_IP',
    defaultStorePassword: 'TEMPORAL_DEFAULT_STORE_PASSWORD',
    visibilityStorePassword: 'TEMPORAL_VISIBILITY_STORE_PASSWORD',
  } as const;

  readonly configMapName: string;
  readonly dynamicConfigMapName: string;
  /** sha256 of the static config file (the dynamic config is reloaded live). */
  readonly checksum: string;
  readonly metricsPort: number;
  readonly model: TemporalServerConfig;

  constructor(scope: Construct, id: string, props: ServerConfigProps) {
    super(scope, id);
    this.configMapName = props.configMapName;
    this.dynamicConfigMapName = props.dynamicConfigMapName;
    this.metricsPort = props.metricsPort ?? 9090;
    this.model = buildModel(props, this.metricsPort);

    const config = renderServerConfig(this.model);
    const dynamicConfig = renderDynamicConfig(props.dynamicConfig ?? {});
    // Only the static config: the server polls the dynamic config and applies it without a restart,
    // and rolling history pods for a tuning change would move every shard.
    this.checksum = createHash('sha256').update(config).digest('hex');

    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: props.configMapName, labels: props.labels },
      data: { [ServerConfig.CONFIG_FILE]: config },
    });
    new k8s.KubeConfigMap(this, 'DynamicConfig', {
      metadata: { name: props.dynamicConfigMapName, labels: props.labels },
      data: { [ServerConfig.DYNAMIC_CONFIG_FILE]: dynamicConfig },
    });
  }
}

function buildModel(props: ServerConfigProps, metricsPort: number): TemporalServerConfig {
  const p = props.persistence;
  const sql = (databaseName: string, passwordEnv: string) => ({
    sql: {
      pluginName: p.pluginName,
      databaseName,
      connectAddr: `${p.host}:${p.port}`,
      connectProtocol: 'tcp' as const,
      user: p.user,
      password: { env: passwordEnv },
      maxConns: p.maxConns,
      maxIdleConns: p.maxIdleConns,
      maxConnLifetime: p.maxConnLifetime,
    },
  });
  const cluster = props.clusterName ?? 'active';
  const frontend = props.ports.frontend;
  const roles: TemporalRoleName[] = ['frontend', 'history', 'matching', 'worker'];
  return {
    log: { stdout: true, level: props.logLevel ?? 'info', format: 'json' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: props.numHistoryShards,
      datastores: {
        default: sql(p.defaultDatabase, ServerConfig.ENV.defaultStorePassword),
        visibility: sql(p.visibilityDatabase, ServerConfig.ENV.visibilityStorePassword),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: { env: ServerConfig.ENV.podIp } },
      metrics: { prometheus: { framework: 'tally', listenAddress: `0.0.0.0:${metricsPort}` } },
    },
    services: Object.fromEntries(
      roles.map((role) => {
        const ports = props.ports[role];
        return [role, { rpc: { grpcPort: ports.grpc, membershipPort: ports.membership, httpPort: ports.http, bindOnIP: '0.0.0.0' } }];
      }),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: cluster,
      currentClusterName: cluster,
      clusterInformation: {
        [cluster]: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcAddress: `${props.frontendHost}:${frontend.grpc}`,
          httpAddress: `${props.frontendHost}:${frontend.http ?? 7243}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    publicClient: { hostPort: `${props.frontendHost}:${frontend.grpc}` },
    dynamicConfigClient: {
      filepath: `${ServerConfig.DYNAMIC_CONFIG_DIR}/${ServerConfig.DYNAMIC_CONFIG_FILE}`,
      pollInterval: `${props.dynamicConfigPollIntervalSeconds ?? 10}s`,
    },
  };
}
