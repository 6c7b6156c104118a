import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { recommendedLabels } from '../constructs/labels';
import { NamespaceJob } from '../constructs/namespace-job';
import { ServerConfig } from '../constructs/server-config';
import { TemporalRole } from '../constructs/temporal-role';
import { waitForPostgres } from '../constructs/wait-for';
import type { Spec } from '../overlays/schema';
import { METRICS_PORT, ROLE_PORTS, TEMPORAL_ROLES, Topology, retentionHours } from './topology';

/** Server config, the four Temporal roles, and the namespace-registration Job. */
export class TemporalServerChart extends Chart {
  constructor(scope: Construct, id: string, spec: Spec, topo: Topology) {
    super(scope, id, { namespace: topo.namespace, disableResourceNameHashes: true });
    const p = spec.persistence;
    const t = spec.temporal;

    const config = new ServerConfig(this, 'Config', {
      configMapName: topo.names.config,
      dynamicConfigMapName: topo.names.dynamicConfig,
      labels: recommendedLabels(topo.identity('config')),
      numHistoryShards: t.numHistoryShards,
      logLevel: t.logLevel,
      clusterName: t.clusterName,
      ports: ROLE_PORTS,
      metricsPort: METRICS_PORT,
      frontendHost: topo.frontendHost,
      persistence: {
        pluginName: p.pluginName,
        host: topo.postgresHost,
        port: spec.postgres.port,
        user: p.user,
        defaultDatabase: p.defaultDatabase,
        visibilityDatabase: p.visibilityDatabase,
        maxConns: p.maxConns,
        maxIdleConns: p.maxIdleConns,
        maxConnLifetime: p.maxConnLifetime,
      },
      dynamicConfig: t.dynamicConfig,
      dynamicConfigPollIntervalSeconds: t.dynamicConfigPollIntervalSeconds,
    });

    for (const role of TEMPORAL_ROLES) {
      const r = t[role];
      new TemporalRole(this, role, {
        role,
        name: topo.names.role(role),
        identity: topo.identity(role),
        image: spec.images.server,
        resources: r.resources,
        ports: ROLE_PORTS[role],
        config,
        passwordSecret: { name: p.passwordSecret.name, key: p.passwordSecret.passwordKey },
        replicas: r.replicas,
        autoscaling: r.autoscaling,
        topologySpread: spec.topologySpread,
        initContainers: [waitForPostgres({ image: spec.images.postgres, host: topo.postgresHost, port: spec.postgres.port, user: p.user, resources: spec.jobs.resources })],
      });
    }

    new NamespaceJob(this, 'NamespaceJob', {
      name: topo.names.namespaceJob,
      serviceAccountName: 'temporal-namespace-registration',
      identity: topo.identity('namespace-registration'),
      image: spec.images.adminTools,
      resources: spec.jobs.resources,
      frontendAddress: topo.frontendAddress,
      namespaces: t.namespaces.map((ns) => ({ name: ns.name, retentionHours: retentionHours(ns.retention), description: ns.description })),
      backoffLimit: spec.jobs.backoffLimit,
      ttlSecondsAfterFinished: spec.jobs.ttlSecondsAfterFinished,
    });
  }
}
