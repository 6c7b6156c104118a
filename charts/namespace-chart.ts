import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import type { Spec } from '../config/schema';
import type { Topology } from './topology';

/** The Namespace itself (cluster-scoped, so this chart sets no namespace), enforcing Pod Security "restricted". */
export class NamespaceChart extends Chart {
  constructor(scope: Construct, id: string, spec: Spec, topo: Topology) {
    super(scope, id, { disableResourceNameHashes: true });
    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: topo.namespace,
        labels: {
          ...spec.namespace.labels,
          'app.kubernetes.io/part-of': 'temporal',
          'app.kubernetes.io/instance': spec.instance,
          'app.kubernetes.io/managed-by': 'cdk8s',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });
  }
}
