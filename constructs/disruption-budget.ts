import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';

export interface DisruptionBudgetProps {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  /** @default 1 (never blocks a node drain, even with a single replica) */
  readonly maxUnavailable?: number;
}

/** A policy/v1 PodDisruptionBudget (cdk8s-plus-27 has no L2 for it). */
export class DisruptionBudget extends Construct {
  constructor(scope: Construct, id: string, props: DisruptionBudgetProps) {
    super(scope, id);
    new k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: { name: props.name, labels: props.labels },
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(props.maxUnavailable ?? 1),
        selector: { matchLabels: props.selector },
      },
    });
  }
}
