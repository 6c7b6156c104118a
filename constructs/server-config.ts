import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import type {
  ArchiverProviderConfig,
  DataStoreConfig,
  RootTlsConfig,
  TemporalRoleName,
  TemporalServerConfig,
} from './temporal-config/model';
import type { DynamicConfigValue } from './temporal-config/render';
import { renderDynamicConfig, renderServerConfig } from './temporal-config/render';

export interface RolePorts {
  readonly grpc: number;
  readonly membership: number;
  /** Frontend only: the HTTP API. */
  readonly http?: number;
}

export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** A SQL store (PostgreSQL or Aurora DSQL). */
export interface SqlStoreProps {
  readonly kind: 'sql';
  readonly pluginName: 'postgres12' | 'postgres12_pgx' | 'dsql';
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** Secret with the password; absent for IAM authentication (DSQL). @default none */
  readonly password?: SecretKeyRef;
  readonly maxConns: number;
  readonly maxIdleConns: number;
  /** Go duration, e.g. `1h`. */
  readonly maxConnLifetime: string;
  /** @default no TLS */
  readonly tls?: {
    readonly enableHostVerification: boolean;
    /** Secret with the CA bundle, mounted into the pods. @default the image's system CAs */
    readonly caSecret?: SecretKeyRef;
  };
  /** Environment the store's plugin reads (e.g. DSQL's REGION). @default {} */
  readonly pluginEnv?: Record<string, string>;
}

/** An Elasticsearch visibility store. */
export interface ElasticsearchStoreProps {
  readonly kind: 'elasticsearch';
  readonly scheme: 'http' | 'https';
  /** host:port */
  readonly hostPort: string;
  readonly index: string;
  /** @default 'v8' */
  readonly version?: 'v7' | 'v8';
  /** Basic-auth user and the Secret with its password. @default no authentication */
  readonly credentials?: { readonly username: string; readonly password: SecretKeyRef };
}

export interface ServerTlsProps {
  /** Secret (`tls.crt`, `tls.key`, `ca.crt`) of the certificate every role presents to the others. */
  readonly internodeSecret: string;
  /** A DNS name in the internode certificate; roles verify each other against it. */
  readonly internodeServerName: string;
  /** Secret of the frontend's serving certificate (its DNS names include `frontendHost`). */
  readonly frontendSecret: string;
  /** Clients of the frontend must present a certificate signed by the same CA. */
  readonly frontendRequireClientAuth: boolean;
  /** Go duration: how often certificate files are re-read. @default '1m' */
  readonly refreshInterval?: string;
}

export interface AuthorizationProps {
  readonly jwtKeySourceURIs: readonly string[];
  /** Go duration. */
  readonly refreshInterval: string;
  readonly permissionsClaimName: string;
  /** @default not checked */
  readonly audience?: string;
}

export interface ArchivalProps {
  readonly history: ArchivalTargetProps;
  readonly visibility: ArchivalTargetProps;
  readonly provider:
    | { readonly type: 'filestore'; readonly claimName: string; readonly mountPath: string }
    | { readonly type: 's3store'; readonly region: string; readonly endpoint?: string; readonly s3ForcePathStyle: boolean };
}

export interface ArchivalTargetProps {
  readonly enabled: boolean;
  readonly enableRead: boolean;
  /** Namespace-default URI; required when enabled. */
  readonly uri?: string;
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
  /** A `services` entry per role to deploy; `internal-frontend` makes the other roles call it instead of the frontend. */
  readonly ports: Partial<Record<TemporalRoleName, RolePorts>>;
  /** @default 9090 */
  readonly metricsPort?: number;
  /** Cluster-internal DNS name of the frontend Service. */
  readonly frontendHost: string;
  readonly persistence: {
    readonly default: SqlStoreProps;
    readonly visibility: SqlStoreProps | ElasticsearchStoreProps;
  };
  /** History and visibility archival. @default disabled */
  readonly archival?: ArchivalProps;
  /** mTLS between roles and TLS on the frontend, from cert-manager Secrets. @default plaintext */
  readonly tls?: ServerTlsProps;
  /** JWT authorization on the frontend. @default none (every caller may do everything) */
  readonly authorization?: AuthorizationProps;
  /** Dynamic-config keys (only keys the server registers): a value, or `{value, constraints}` entries. @default {} */
  readonly dynamicConfig?: Record<string, DynamicConfigValue | undefined>;
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
  /** Datastore names in `persistence.datastores`. */
  static readonly STORES = { default: 'default', sqlVisibility: 'visibility', esVisibility: 'es-visibility' } as const;
  static readonly TLS_DIR = '/etc/temporal/tls';

  readonly configMapName: string;
  readonly dynamicConfigMapName: string;
  /** sha256 of the static config file (the dynamic config is reloaded live). */
  readonly checksum: string;
  readonly metricsPort: number;
  readonly model: TemporalServerConfig;
  /** Environment every server pod needs for this config: passwords from Secrets, plugin settings. */
  readonly podEnv: k8s.EnvVar[];
  /** Volumes every server pod mounts for this config: CA bundles, the filestore archive. */
  readonly podVolumes: { readonly volume: k8s.Volume; readonly mount: k8s.VolumeMount }[];

  /** The internode certificate's Secret, when TLS is on. */
  readonly internodeSecret?: string;

  constructor(scope: Construct, id: string, props: ServerConfigProps) {
    super(scope, id);
    this.internodeSecret = props.tls?.internodeSecret;
    this.configMapName = props.configMapName;
    this.dynamicConfigMapName = props.dynamicConfigMapName;
    this.metricsPort = props.metricsPort ?? 9090;
    const cas = caMounts(props);
    const needs = podNeeds(props, cas);
    this.podEnv = needs.env;
    this.podVolumes = needs.volumes;
    this.model = buildModel(props, this.metricsPort, cas);

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

/**
 * The volumes of one role's pods. The internal-frontend serves its HTTP API (Nexus and system
 * callbacks from history) with the `global.tls.frontend.server` settings (server
 * service/frontend/http_api_server.go), while history calls it with the internode client settings
 * (common/resource/fx.go, forceTLSConfig auto → internode): its pods mount the internode
 * certificate where the frontend one would be, so trust and names agree on that listener too.
 */
export function roleVolumes(config: ServerConfig, role: TemporalRoleName): ServerConfig['podVolumes'] {
  return config.podVolumes.map((v) =>
    role === 'internal-frontend' && v.volume.name === 'frontend-tls' && config.internodeSecret
      ? { ...v, volume: { name: v.volume.name, secret: { secretName: config.internodeSecret } } }
      : v,
  );
}

const caDir = (store: string) => `/etc/temporal/tls/${store}-ca`;
const CA_FILE = 'ca.crt';

function storeNames(props: ServerConfigProps) {
  return {
    default: ServerConfig.STORES.default,
    visibility: props.persistence.visibility.kind === 'sql' ? ServerConfig.STORES.sqlVisibility : ServerConfig.STORES.esVisibility,
  };
}

type Mount = { volume: k8s.Volume; mount: k8s.VolumeMount };

/** One mount per CA Secret of the SQL stores (both stores may share one), keyed by Secret name. */
function caMounts(props: ServerConfigProps): Map<string, Mount> {
  const names = storeNames(props);
  const out = new Map<string, Mount>();
  for (const which of ['default', 'visibility'] as const) {
    const store = props.persistence[which];
    const ca = store.kind === 'sql' ? store.tls?.caSecret : undefined;
    if (!ca || out.has(ca.name)) continue;
    const volName = `${names[which]}-ca`;
    out.set(ca.name, {
      volume: { name: volName, secret: { secretName: ca.name, items: [{ key: ca.key, path: CA_FILE }] } },
      mount: { name: volName, mountPath: caDir(names[which]), readOnly: true },
    });
  }
  return out;
}

/** What the rendered config expects to find in the pod: env vars and mounted files. */
function podNeeds(props: ServerConfigProps, cas: Map<string, Mount>) {
  const env: k8s.EnvVar[] = [];
  const volumes: Mount[] = [...cas.values()];
  const passwordEnv = { default: ServerConfig.ENV.defaultStorePassword, visibility: ServerConfig.ENV.visibilityStorePassword };
  const pluginEnv = new Map<string, string>();
  for (const which of ['default', 'visibility'] as const) {
    const store = props.persistence[which];
    const secret = store.kind === 'sql' ? store.password : store.credentials?.password;
    if (secret) env.push({ name: passwordEnv[which], valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } });
    if (store.kind === 'sql') {
      for (const [k, v] of Object.entries(store.pluginEnv ?? {})) {
        if (pluginEnv.has(k) && pluginEnv.get(k) !== v) throw new Error(`ServerConfig: stores disagree on plugin env ${k}`);
        pluginEnv.set(k, v);
      }
    }
  }
  for (const [name, value] of [...pluginEnv].sort(([a], [b]) => a.localeCompare(b))) env.push({ name, value });
  if (props.tls) {
    for (const [name, secret] of [
      ['internode-tls', props.tls.internodeSecret],
      ['frontend-tls', props.tls.frontendSecret],
    ]) {
      volumes.push({
        volume: { name, secret: { secretName: secret } },
        mount: { name, mountPath: `${ServerConfig.TLS_DIR}/${name.replace(/-tls$/, '')}`, readOnly: true },
      });
    }
  }
  const fs = props.archival?.provider;
  if (fs?.type === 'filestore') {
    volumes.push({
      volume: { name: 'archival', persistentVolumeClaim: { claimName: fs.claimName } },
      mount: { name: 'archival', mountPath: fs.mountPath },
    });
  }
  return { env, volumes };
}

function sqlStore(p: SqlStoreProps, passwordEnv: string, cas: Map<string, Mount>): DataStoreConfig {
  return {
    sql: {
      pluginName: p.pluginName,
      databaseName: p.database,
      connectAddr: `${p.host}:${p.port}`,
      connectProtocol: 'tcp',
      user: p.user,
      password: p.password ? { env: passwordEnv } : undefined,
      maxConns: p.maxConns,
      maxIdleConns: p.maxIdleConns,
      maxConnLifetime: p.maxConnLifetime,
      tls: p.tls && {
        enabled: true,
        caFile: p.tls.caSecret ? `${cas.get(p.tls.caSecret.name)!.mount.mountPath}/${CA_FILE}` : undefined,
        enableHostVerification: p.tls.enableHostVerification,
      },
    },
  };
}

function esStore(p: ElasticsearchStoreProps, passwordEnv: string): DataStoreConfig {
  return {
    elasticsearch: {
      version: p.version ?? 'v8',
      url: { scheme: p.scheme, host: p.hostPort },
      username: p.credentials?.username,
      password: p.credentials ? { env: passwordEnv } : undefined,
      indices: { visibility: p.index },
    },
  };
}

function archivalModel(a: ArchivalProps): Pick<TemporalServerConfig, 'archival' | 'namespaceDefaults'> {
  const provider: ArchiverProviderConfig =
    a.provider.type === 'filestore'
      ? { filestore: { fileMode: '0666', dirMode: '0766' } }
      : { s3store: { region: a.provider.region, endpoint: a.provider.endpoint, s3ForcePathStyle: a.provider.s3ForcePathStyle } };
  // The server's all-or-nothing rule: a disabled target has no provider, no read, and no URI.
  const target = (t: ArchivalTargetProps) =>
    t.enabled ? { state: 'enabled' as const, enableRead: t.enableRead, provider } : { state: 'disabled' as const, enableRead: false };
  const defaults = (t: ArchivalTargetProps) => (t.enabled ? { state: 'enabled' as const, URI: t.uri } : { state: 'disabled' as const });
  return {
    archival: { history: target(a.history), visibility: target(a.visibility) },
    namespaceDefaults: { archival: { history: defaults(a.history), visibility: defaults(a.visibility) } },
  };
}

function buildModel(props: ServerConfigProps, metricsPort: number, cas: Map<string, Mount>): TemporalServerConfig {
  const names = storeNames(props);
  const vis = props.persistence.visibility;
  const datastores: Record<string, DataStoreConfig> = {
    [names.default]: sqlStore(props.persistence.default, ServerConfig.ENV.defaultStorePassword, cas),
    [names.visibility]:
      vis.kind === 'sql'
        ? sqlStore(vis, ServerConfig.ENV.visibilityStorePassword, cas)
        : esStore(vis, ServerConfig.ENV.visibilityStorePassword),
  };
  const cluster = props.clusterName ?? 'active';
  const frontend = props.ports.frontend;
  if (!frontend) throw new Error('ServerConfig: ports.frontend is required');
  const internalFrontend = props.ports['internal-frontend'] !== undefined;
  return {
    log: { stdout: true, level: props.logLevel ?? 'info', format: 'json' },
    persistence: {
      defaultStore: names.default,
      visibilityStore: names.visibility,
      numHistoryShards: props.numHistoryShards,
      datastores,
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: { env: ServerConfig.ENV.podIp } },
      metrics: { prometheus: { framework: 'tally', listenAddress: `0.0.0.0:${metricsPort}` } },
      tls: props.tls && tlsModel(props.tls, props.frontendHost, internalFrontend),
      authorization: props.authorization && {
        jwtKeyProvider: { keySourceURIs: [...props.authorization.jwtKeySourceURIs], refreshInterval: props.authorization.refreshInterval },
        permissionsClaimName: props.authorization.permissionsClaimName,
        authorizer: 'default',
        claimMapper: 'default',
        audience: props.authorization.audience,
      },
    },
    services: Object.fromEntries(
      (Object.entries(props.ports) as [TemporalRoleName, RolePorts][]).map(([role, ports]) => [
        role,
        { rpc: { grpcPort: ports.grpc, membershipPort: ports.membership, httpPort: ports.http, bindOnIP: '0.0.0.0' } },
      ]),
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
    // With an internal-frontend the server must find it through membership: publicClient stays empty.
    publicClient: internalFrontend ? undefined : { hostPort: `${props.frontendHost}:${frontend.grpc}` },
    dynamicConfigClient: {
      filepath: `${ServerConfig.DYNAMIC_CONFIG_DIR}/${ServerConfig.DYNAMIC_CONFIG_FILE}`,
      pollInterval: `${props.dynamicConfigPollIntervalSeconds ?? 10}s`,
    },
    ...(props.archival ? archivalModel(props.archival) : {}),
  };
}

function tlsModel(t: ServerTlsProps, frontendHost: string, internalFrontend: boolean): RootTlsConfig {
  const file = (dir: string, f: string) => `${ServerConfig.TLS_DIR}/${dir}/${f}`;
  const internodeCa = [file('internode', 'ca.crt')];
  const frontendCa = [file('frontend', 'ca.crt')];
  return {
    internode: {
      server: {
        certFile: file('internode', 'tls.crt'),
        keyFile: file('internode', 'tls.key'),
        requireClientAuth: true,
        clientCaFiles: internodeCa,
      },
      client: { serverName: t.internodeServerName, rootCaFiles: internodeCa },
    },
    frontend: {
      server: {
        certFile: file('frontend', 'tls.crt'),
        keyFile: file('frontend', 'tls.key'),
        requireClientAuth: t.frontendRequireClientAuth,
        // Clients' certificates come from the frontend's CA; the system worker presents the internode one.
        clientCaFiles: t.frontendRequireClientAuth ? [...new Set([...frontendCa, ...internodeCa])] : undefined,
      },
      client: { serverName: frontendHost, rootCaFiles: frontendCa },
    },
    // The system worker calls the public frontend with the internode certificate; with an
    // internal-frontend it uses the internode settings instead.
    systemWorker: internalFrontend
      ? undefined
      : {
          certFile: file('internode', 'tls.crt'),
          keyFile: file('internode', 'tls.key'),
          client: { serverName: frontendHost, rootCaFiles: frontendCa },
        },
    refreshInterval: t.refreshInterval ?? '1m',
  };
}
