import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { WorkerPool } from '../constructs/worker-pool';
import type { Spec } from '../overlays/schema';
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
        taskQueue: pool.taskQueue,
        liveness: pool.liveness,
        readiness: pool.readiness,
        replicas: pool.replicas,
        autoscaling: pool.autoscaling,
        env: pool.env,
        config: pool.config,
        configMountPath: pool.configMountPath,
        existingSecret: pool.existingSecret,
        metricsPort: pool.metricsPort,
        topologySpread: spec.topologySpread,
        tls: clientTls(spec, topo, pool.name, topo.frontendHost),
      });
    }
  }
}
