import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { recommendedLabels } from '../constructs/labels';
import { NamespaceJob } from '../constructs/namespace-job';
import { TemporalRole } from '../constructs/temporal-role';
import { k8s } from '../imports/k8s';
import { ArchivalProps, ServerConfig } from '../constructs/server-config';
import { waitForElasticsearch, waitForPostgres } from '../constructs/wait-for';
import type { Spec } from '../config/schema';
import { clientTls, internalServerName } from './credentials';
import { defaultStore, elasticsearchCredentials, serverAccountAnnotations, visibilityStore } from './stores';
import { METRICS_PORT, ROLE_PORTS, Topology, retentionHours, roleSpec } from './topology';

/** Server config, the four Temporal roles, and the namespace-registration Job. */
export class TemporalServerChart extends Chart {
  constructor(scope: Construct, id: string, spec: Spec, topo: Topology) {
    super(scope, id, { namespace: topo.namespace, disableResourceNameHashes: true });
    const p = spec.persistence;
    const t = spec.temporal;

    const archival = archivalProps(spec, topo);
    if (archival?.provider.type === 'filestore') {
      const fs = spec.archival.provider as Extract<Spec['archival']['provider'], { type: 'filestore' }>;
      new k8s.KubePersistentVolumeClaim(this, 'ArchivalClaim', {
        metadata: { name: topo.names.archivalClaim, labels: recommendedLabels(topo.identity('archival')) },
        spec: {
          accessModes: [fs.accessMode],
          storageClassName: fs.storage.storageClassName,
          resources: { requests: { storage: k8s.Quantity.fromString(fs.storage.size) } },
        },
      });
    }

    const config = new ServerConfig(this, 'Config', {
      configMapName: topo.names.config,
      dynamicConfigMapName: topo.names.dynamicConfig,
      labels: recommendedLabels(topo.identity('config')),
      numHistoryShards: t.numHistoryShards,
      logLevel: t.logLevel,
      clusterName: t.clusterName,
      ports: Object.fromEntries(topo.serverRoles.map((r) => [r, ROLE_PORTS[r]])),
      metricsPort: METRICS_PORT,
      frontendHost: topo.frontendHost,
      persistence: { default: defaultStore(spec, topo), visibility: visibilityStore(spec, topo) },
      archival,
      tls: spec.tls.enabled
        ? {
            internodeSecret: topo.names.tls.internode,
            internodeServerName: topo.internodeServerName,
            frontendSecret: topo.names.tls.frontend,
            frontendRequireClientAuth: spec.tls.frontendRequireClientAuth,
            refreshInterval: spec.tls.refreshInterval,
          }
        : undefined,
      authorization: spec.authorization.enabled
        ? {
            jwtKeySourceURIs: spec.authorization.jwtKeySourceURIs,
            refreshInterval: spec.authorization.refreshInterval,
            permissionsClaimName: spec.authorization.permissionsClaimName,
            audience: spec.authorization.audience,
          }
        : undefined,
      dynamicConfig: t.dynamicConfig,
      dynamicConfigPollIntervalSeconds: t.dynamicConfigPollIntervalSeconds,
    });

    // Start only once the stores are usable: PostgreSQL answers, and the visibility index exists
    // (written to before the index Job ran, Elasticsearch would create it with wrong mappings).
    const waits = [
      ...(p.mode !== 'dsql'
        ? [
            waitForPostgres({
              image: spec.images.postgres,
              host: topo.databaseHost,
              port: topo.databasePort,
              user: p.user,
              resources: spec.jobs.resources,
            }),
          ]
        : []),
      ...(p.visibilityStore === 'elasticsearch'
        ? [
            waitForElasticsearch({
              image: spec.images.elasticsearch,
              url: topo.elasticsearchUrl,
              index: spec.elasticsearch.index,
              credentials: elasticsearchCredentials(spec),
              resources: spec.jobs.resources,
            }),
          ]
        : []),
    ];
    for (const role of topo.serverRoles) {
      const r = roleSpec(spec, role);
      new TemporalRole(this, role, {
        role,
        name: topo.names.role(role),
        identity: topo.identity(role),
        image: spec.images.server,
        resources: r.resources,
        ports: ROLE_PORTS[role],
        config,
        serviceAccountAnnotations: serverAccountAnnotations(spec),
        replicas: r.replicas,
        autoscaling: r.autoscaling,
        minReadySeconds: r.minReadySeconds,
        topologySpread: spec.topologySpread,
        initContainers: waits,
        // Kubelet gRPC probes cannot speak TLS.
        readinessCheck: spec.tls.enabled ? 'tcp' : 'grpc',
        prometheusAnnotations: spec.monitoring.prometheusAnnotations,
      });
    }

    new NamespaceJob(this, 'NamespaceJob', {
      name: topo.names.namespaceJob,
      serviceAccountName: 'temporal-namespace-registration',
      identity: topo.identity('namespace-registration'),
      image: spec.images.adminTools,
      resources: spec.jobs.resources,
      frontendAddress: topo.internalFrontendAddress,
      tls: clientTls(spec, topo, 'temporal-namespace-registration', internalServerName(spec, topo)),
      namespaces: t.namespaces.map((ns) => ({ name: ns.name, retentionHours: retentionHours(ns.retention), description: ns.description })),
      archival: archival && {
        historyUri: archival.history.enabled ? archival.history.uri : undefined,
        visibilityUri: archival.visibility.enabled ? archival.visibility.uri : undefined,
      },
      backoffLimit: spec.jobs.backoffLimit,
      activeDeadlineSeconds: spec.jobs.activeDeadlineSeconds.namespaces,
      ttlSecondsAfterFinished: spec.jobs.ttlSecondsAfterFinished,
    });
  }
}

/** Archival as the ServerConfig wants it; undefined when both targets are disabled. */
function archivalProps(spec: Spec, topo: Topology): ArchivalProps | undefined {
  const a = spec.archival;
  if (!a.provider) return undefined;
  const target = (t: Spec['archival']['history']) => ({ enabled: t.state === 'enabled', enableRead: t.enableRead, uri: t.uri });
  return {
    history: target(a.history),
    visibility: target(a.visibility),
    provider:
      a.provider.type === 'filestore'
        ? { type: 'filestore', claimName: topo.names.archivalClaim, mountPath: a.provider.mountPath }
        : { type: 's3store', region: a.provider.region, endpoint: a.provider.endpoint, s3ForcePathStyle: a.provider.s3ForcePathStyle },
  };
}
