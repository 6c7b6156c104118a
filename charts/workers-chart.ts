import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { WorkerPool } from '../constructs/worker-pool';
import type { Spec } from '../config/schema';
import { clientTls } from './credentials';
import type { Topology } from './topology';

/** The application worker pools that run your workflows and activities. */
export class WorkersChart extends Chart {
  constructor(scope: Construct, id: string, spec: Spec, topo: Topology) {
    super(scope, id, { namespace: topo.namespace, disableResourceNameHashes: true });
    for (const pool of spec.workerPools) {
      new WorkerPool(this, pool.name, {
        name: pool.name,
        identity: topo.identity('worker-pool', { name: pool.name, version: pool.image.tag }),
        image: pool.image,
        resources: pool.resources,
        frontendAddress: topo.frontendAddress,
        temporalNamespace: pool.temporalNamespace,
        taskQueues: pool.taskQueues,
        maxConcurrentWorkflowTasks: pool.maxConcurrentWorkflowTasks,
        maxConcurrentActivities: pool.maxConcurrentActivities,
        liveness: pool.liveness,
        readiness: pool.readiness,
        replicas: pool.replicas,
        autoscaling: pool.autoscaling,
        keda: pool.keda,
        env: pool.env,
        envFrom: pool.envFrom,
        config: {
          ...pool.config,
          ...(spec.tls.enabled ? pool.configWhenTls : {}),
          ...(pool.apiKeySecret ? pool.configWhenApiKey : {}),
        },
        apiKeySecret: pool.apiKeySecret,
        configMountPath: pool.configMountPath,
        jvmOptions: pool.jvmOptions,
        // A pool with JVM options is a JVM: it trusts the frontend's private CA through a trust store.
        javaTrustStore: spec.tls.enabled && pool.jvmOptions.length ? { image: spec.images.keytool } : undefined,
        volume: pool.volume,
        metricsPort: pool.metricsPort,
        metricsPath: pool.metricsPath,
        prometheusAnnotations: spec.monitoring.prometheusAnnotations,
        topologySpread: spec.topologySpread,
        tls: clientTls(spec, topo, pool.name, topo.frontendHost),
      });
    }
  }
}
