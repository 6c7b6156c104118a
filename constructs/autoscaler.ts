import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';

export interface AutoscalerProps {
  readonly name: string;
  readonly labels: Record<string, string>;
  /** The Deployment (or StatefulSet) this HPA owns the replicas of. */
  readonly target: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Average CPU utilization, in percent of requests. */
  readonly targetCPUUtilizationPercentage: number;
  /** Average memory utilization, in percent of requests. @default not a scaling metric */
  readonly targetMemoryUtilizationPercentage?: number;
  /**
   * `conservative`: scale down one pod per 10 minutes after 30 minutes of low load, scale up one
   * pod at a time. For Temporal history and matching, whose shards and task-queue partitions move
   * on every membership change. `default` leaves Kubernetes' own behaviour.
   * @default 'default'
   */
  readonly behavior?: 'default' | 'conservative';
}

/** An autoscaling/v2 HorizontalPodAutoscaler on CPU (and optionally memory). */
export class Autoscaler extends Construct {
  constructor(scope: Construct, id: string, props: AutoscalerProps) {
    super(scope, id);
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: { name: props.name, labels: props.labels },
      spec: {
        scaleTargetRef: { ...props.target },
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.targetCPUUtilizationPercentage } },
          },
          ...(props.targetMemoryUtilizationPercentage !== undefined
            ? [
                {
                  type: 'Resource',
                  resource: {
                    name: 'memory',
                    target: { type: 'Utilization', averageUtilization: props.targetMemoryUtilizationPercentage },
                  },
                },
              ]
            : []),
        ],
        behavior: props.behavior === 'conservative' ? CONSERVATIVE : undefined,
      },
    });
  }
}

const CONSERVATIVE: k8s.HorizontalPodAutoscalerBehaviorV2 = {
  scaleDown: {
    stabilizationWindowSeconds: 1800,
    selectPolicy: 'Min',
    policies: [{ type: 'Pods', value: 1, periodSeconds: 600 }],
  },
  scaleUp: {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Min',
    policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }],
  },
};
