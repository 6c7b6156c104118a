/**
 * An independent allowlist of Temporal server 1.31 static-config keys, transcribed from
 * ../shared/reference/temporal-server.md §1 (common/config/config.go). The server ignores unknown
 * keys silently, so the tests compare every rendered key against this list.
 * `true` = a leaf value; `'*'` = a map whose keys are names (datastores, clusters, ...).
 */
type KeyTree = true | { [key: string]: KeyTree };

const TLS: KeyTree = {
  enabled: true,
  certFile: true,
  keyFile: true,
  caFile: true,
  enableHostVerification: true,
  serverName: true,
  certData: true,
  keyData: true,
  caData: true,
};
const SQL: KeyTree = {
  pluginName: true,
  databaseName: true,
  connectAddr: true,
  connectProtocol: true,
  user: true,
  password: true,
  passwordCommand: { command: true, args: true, timeout: true },
  connectAttributes: { '*': true },
  maxConns: true,
  maxIdleConns: true,
  maxConnLifetime: true,
  taskScanPartitions: true,
  tls: TLS,
};
const ELASTICSEARCH: KeyTree = {
  version: true,
  url: { scheme: true, host: true },
  urls: true,
  username: true,
  password: true,
  indices: { visibility: true, secondary_visibility: true },
  logLevel: true,
  'aws-request-signing': {
    enabled: true,
    region: true,
    credentialProvider: true,
    static: { accessKeyID: true, secretAccessKey: true, token: true },
  },
  closeIdleConnectionsInterval: true,
  enableSniff: true,
  enableHealthcheck: true,
  tls: TLS,
};
const RPC: KeyTree = {
  grpcPort: true,
  membershipPort: true,
  bindOnLocalHost: true,
  bindOnIP: true,
  httpPort: true,
  httpAdditionalForwardedHeaders: true,
  keepAliveServerConfig: {
    keepAliveServerParameters: {
      maxConnectionIdle: true,
      maxConnectionAge: true,
      maxConnectionAgeGrace: true,
      keepAliveTime: true,
      keepAliveTimeout: true,
    },
    keepAliveEnforcementPolicy: { minTime: true, permitWithoutStream: true },
  },
  clientConnectionConfig: {
    keepAliveClientParameters: { keepAliveTime: true, keepAliveTimeout: true, keepAlivePermitWithoutStream: true },
  },
};
const SERVER_TLS: KeyTree = {
  certFile: true,
  keyFile: true,
  clientCaFiles: true,
  certData: true,
  keyData: true,
  clientCaData: true,
  requireClientAuth: true,
};
const CLIENT_TLS: KeyTree = { serverName: true, disableHostVerification: true, rootCaFiles: true, rootCaData: true, forceTLS: true };
const GROUP_TLS: KeyTree = { client: CLIENT_TLS, server: SERVER_TLS, hostOverrides: { '*': SERVER_TLS } };
const ARCHIVAL_PROVIDER: KeyTree = {
  filestore: { fileMode: true, dirMode: true },
  gstorage: { credentialsPath: true },
  s3store: { region: true, endpoint: true, s3ForcePathStyle: true, logLevel: true },
  customStores: { '*': true },
};

export const TEMPORAL_CONFIG_KEYS: KeyTree = {
  global: {
    membership: { maxJoinDuration: true, broadcastAddress: true },
    pprof: { port: true, host: true },
    tls: {
      internode: GROUP_TLS,
      frontend: GROUP_TLS,
      systemWorker: { certFile: true, keyFile: true, certData: true, keyData: true, client: CLIENT_TLS },
      remoteClusters: { '*': GROUP_TLS },
      expirationChecks: { warningWindow: true, errorWindow: true, checkInterval: true },
      refreshInterval: true,
    },
    metrics: {
      tags: { '*': true },
      excludeTags: { '*': true },
      prefix: true,
      perUnitHistogramBoundaries: { '*': true },
      withoutUnitSuffix: true,
      withoutCounterSuffix: true,
      recordTimerInSeconds: true,
      tagsCacheMaxSize: true,
      prometheus: { framework: true, listenAddress: true, handlerPath: true, loggerRPS: true },
      statsd: { hostPort: true, prefix: true, flushInterval: true, flushBytes: true, reporter: { tagSeparator: true }, framework: true },
    },
    authorization: {
      jwtKeyProvider: { keySourceURIs: true, refreshInterval: true },
      permissionsClaimName: true,
      permissionsRegex: true,
      authorizer: true,
      claimMapper: true,
      authHeaderName: true,
      authExtraHeaderName: true,
      audience: true,
    },
  },
  persistence: {
    defaultStore: true,
    visibilityStore: true,
    secondaryVisibilityStore: true,
    numHistoryShards: true,
    datastores: { '*': { sql: SQL, elasticsearch: ELASTICSEARCH } },
  },
  log: { stdout: true, level: true, outputFile: true, format: true, development: true },
  clusterMetadata: {
    enableGlobalNamespace: true,
    failoverVersionIncrement: true,
    masterClusterName: true,
    currentClusterName: true,
    clusterInformation: { '*': { enabled: true, initialFailoverVersion: true, rpcAddress: true, httpAddress: true } },
    tags: { '*': true },
  },
  dcRedirectionPolicy: { policy: true },
  services: Object.fromEntries(['frontend', 'internal-frontend', 'history', 'matching', 'worker'].map((r) => [r, { rpc: RPC }])),
  archival: {
    history: { state: true, enableRead: true, provider: ARCHIVAL_PROVIDER },
    visibility: { state: true, enableRead: true, provider: ARCHIVAL_PROVIDER },
  },
  namespaceDefaults: { archival: { history: { state: true, URI: true }, visibility: { state: true, URI: true } } },
  publicClient: { hostPort: true, httpHostPort: true, forceTLSConfig: true },
  dynamicConfigClient: { filepath: true, pollInterval: true },
  otel: true,
  visibility: { persistenceCustomSearchAttributes: { '*': true } },
};

/** Returns the dotted paths of keys the server would silently ignore. */
export function checkConfigKeys(value: unknown, tree: KeyTree = TEMPORAL_CONFIG_KEYS, at = ''): string[] {
  if (tree === true || typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const sub = tree[k] ?? tree['*'];
    const p = at ? `${at}.${k}` : k;
    return sub === undefined ? [p] : checkConfigKeys(v, sub, p);
  });
}

/** Dynamic-config keys registered by server 1.31.2 that this project may set (reference §5). */
export const ALLOWED_DYNAMIC_CONFIG_KEYS = new Set([
  'frontend.persistenceMaxQPS',
  'history.persistenceMaxQPS',
  'matching.persistenceMaxQPS',
  'worker.persistenceMaxQPS',
  'frontend.rps',
  'frontend.namespaceRPS',
  'history.rps',
  'matching.rps',
  'matching.numTaskqueueReadPartitions',
  'matching.numTaskqueueWritePartitions',
  'limit.maxIDLength',
  'limit.blobSize.error',
  'limit.blobSize.warn',
  'frontend.enableUpdateWorkflowExecution',
  'frontend.enableServerVersionCheck',
  'worker.enableScheduler',
  'system.enableActivityEagerExecution',
  'system.enableEagerWorkflowStart',
  'system.forceSearchAttributesCacheRefreshOnRead',
  'frontend.shutdownDrainDuration',
  'history.shutdownDrainDuration',
  'matching.shutdownDrainDuration',
]);
