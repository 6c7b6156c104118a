import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';
import { Autoscaler } from './autoscaler';
import { DisruptionBudget } from './disruption-budget';
import { RunAsProps, restrictedPodSecurityContext, scratchVolume, topologySpread } from './pod-defaults';

export interface AutoscalingProps {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCPUUtilizationPercentage: number;
  /** Also scale on memory. @default CPU only */
  readonly targetMemoryUtilizationPercentage?: number;
  /** @default 'default' */
  readonly behavior?: 'default' | 'conservative';
}

export interface ScaledDeploymentProps {
  readonly name: string;
  /** Labels of every object and of the pods. */
  readonly labels: Record<string, string>;
  /** The stable subset of `labels` the Deployment, PDB and Services select on. */
  readonly selector: Record<string, string>;
  readonly serviceAccountName: string;
  readonly containers: k8s.Container[];
  /** @default [] */
  readonly initContainers?: k8s.Container[];
  /** Extra volumes; an emptyDir `tmp` (for /tmp under a read-only root filesystem) is always added. @default [] */
  readonly volumes?: k8s.Volume[];
  /** @default '64Mi' */
  readonly tmpSizeLimit?: string;
  /** e.g. `checksum/config`. @default none */
  readonly podAnnotations?: Record<string, string>;
  /** Used when `autoscaling` is absent. @default 1 */
  readonly replicas?: number;
  /** An HPA on CPU (and memory) owns replicas when set. @default none */
  readonly autoscaling?: AutoscalingProps;
  /** Something else (a KEDA ScaledObject) owns replicas: render none and no HPA. @default false */
  readonly externallyScaled?: boolean;
  /** @default true */
  readonly disruptionBudget?: boolean;
  /** @default { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 } */
  readonly strategy?: k8s.DeploymentStrategy;
  /** Seconds a new pod must stay ready before it counts as available. @default 0 */
  readonly minReadySeconds?: number;
  /** @default false */
  readonly automountServiceAccountToken?: boolean;
  readonly runAs: RunAsProps;
  /** @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** Spread pods over zones and nodes. @default false */
  readonly topologySpread?: boolean;
}

/**
 * A Deployment with a hardened pod template (Pod Security "restricted", no service links, explicit
 * selector), plus its optional HPA and its PDB. Every long-running workload is built from this.
 */
export class ScaledDeployment extends Construct {
  constructor(scope: Construct, id: string, props: ScaledDeploymentProps) {
    super(scope, id);
    const { name, labels, selector } = props;
    new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name, labels },
      spec: {
        replicas: props.autoscaling || props.externallyScaled ? undefined : (props.replicas ?? 1),
        revisionHistoryLimit: 5,
        minReadySeconds: props.minReadySeconds || undefined,
        selector: { matchLabels: selector },
        strategy: props.strategy ?? {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
        template: {
          metadata: { labels, annotations: props.podAnnotations },
          spec: {
            serviceAccountName: props.serviceAccountName,
            automountServiceAccountToken: props.automountServiceAccountToken ?? false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(props.runAs),
            terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 30,
            topologySpreadConstraints: props.topologySpread ? topologySpread(selector) : undefined,
            initContainers: props.initContainers?.length ? props.initContainers : undefined,
            containers: props.containers,
            volumes: [...(props.volumes ?? []), scratchVolume('tmp', props.tmpSizeLimit)],
          },
        },
      },
    });
    if (props.autoscaling && props.externallyScaled)
      throw new Error(`ScaledDeployment ${name}: an HPA and an external scaler cannot both own replicas`);
    if (props.autoscaling) {
      new Autoscaler(this, 'Autoscaler', {
        name,
        labels,
        target: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        ...props.autoscaling,
      });
    }
    if (props.disruptionBudget ?? true) {
      new DisruptionBudget(this, 'DisruptionBudget', { name, labels, selector });
    }
  }
}
