import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';

export interface WorkloadServiceAccountProps {
  readonly name: string;
  readonly labels: Record<string, string>;
  /** Mount an API token into pods; only for components that call the Kubernetes API. @default false */
  readonly automountToken?: boolean;
  /** e.g. a cloud IAM role annotation. @default none */
  readonly annotations?: Record<string, string>;
}

/** One ServiceAccount per component, token not mounted unless the component needs API access. */
export class WorkloadServiceAccount extends Construct {
  readonly name: string;
  constructor(scope: Construct, id: string, props: WorkloadServiceAccountProps) {
    super(scope, id);
    this.name = props.name;
    new k8s.KubeServiceAccount(this, 'Resource', {
      metadata: { name: props.name, labels: props.labels, annotations: props.annotations },
      automountServiceAccountToken: props.automountToken ?? false,
    });
  }
}
