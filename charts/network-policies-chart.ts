import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { FlowPolicies } from '../constructs/flow-policies';
import { recommendedLabels } from '../constructs/labels';
import type { Spec } from '../config/schema';
import { flowTable } from './flows';
import type { Topology } from './topology';

/**
 * Least-privilege NetworkPolicies: default deny in and out, DNS for every pod, and per component
 * exactly the flows of charts/flows.ts.
 */
export class NetworkPoliciesChart extends Chart {
  constructor(scope: Construct, id: string, spec: Spec, topo: Topology) {
    super(scope, id, { namespace: topo.namespace, disableResourceNameHashes: true });
    const { components, flows } = flowTable(spec, topo);
    new FlowPolicies(this, 'Policies', {
      labels: recommendedLabels(topo.identity('network-policy')),
      defaultDenyName: 'temporal-default-deny',
      components,
      flows,
      dns: spec.networkPolicies.dns,
    });
  }
}
