import { Construct } from 'constructs';
import { ScaledObject, ScaledObjectSpecTriggersAuthenticationRefKind } from '../imports/keda-scaledobject';
import { TriggerAuthentication } from '../imports/keda-triggerauthentication';

export interface KedaScalerProps {
  /** Name of the ScaledObject (and TriggerAuthentication); also the Deployment it scales. */
  readonly name: string;
  readonly labels: Record<string, string>;
  /** host:port of the frontend gRPC endpoint. */
  readonly endpoint: string;
  readonly temporalNamespace: string;
  /** One trigger per task queue; KEDA scales on the largest. */
  readonly taskQueues: readonly string[];
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetQueueSize: number;
  /** @default 0 */
  readonly activationTargetQueueSize?: number;
  /** @default ['workflow', 'activity'] */
  readonly queueTypes?: readonly ('workflow' | 'activity' | 'nexus')[];
  /** @default 30 */
  readonly pollingIntervalSeconds?: number;
  /** @default 300 */
  readonly cooldownPeriodSeconds?: number;
  /** mTLS to the frontend: the client certificate Secret (tls.crt, tls.key, ca.crt) and the name to verify. @default plaintext */
  readonly tls?: { readonly secretName: string; readonly serverName: string };
  /** Secret with a JWT/API key, for a frontend that authorizes callers. @default none */
  readonly apiKeySecret?: { readonly name: string; readonly key: string };
}

/**
 * A KEDA ScaledObject with the `temporal` scaler: replicas follow the task-queue backlog. KEDA
 * creates and owns the HPA, so the Deployment must render neither `replicas` nor an HPA of its own.
 */
export class KedaScaler extends Construct {
  constructor(scope: Construct, id: string, props: KedaScalerProps) {
    super(scope, id);
    if (props.taskQueues.length === 0) throw new Error(`KedaScaler ${props.name}: at least one task queue`);
    const auth = props.tls !== undefined || props.apiKeySecret !== undefined;
    if (auth) {
      new TriggerAuthentication(this, 'Auth', {
        metadata: { name: props.name, labels: props.labels },
        spec: {
          secretTargetRef: [
            ...(props.tls
              ? [
                  { parameter: 'cert', name: props.tls.secretName, key: 'tls.crt' },
                  { parameter: 'key', name: props.tls.secretName, key: 'tls.key' },
                  { parameter: 'ca', name: props.tls.secretName, key: 'ca.crt' },
                ]
              : []),
            ...(props.apiKeySecret ? [{ parameter: 'apiKey', name: props.apiKeySecret.name, key: props.apiKeySecret.key }] : []),
          ],
        },
      });
    }
    new ScaledObject(this, 'Resource', {
      metadata: { name: props.name, labels: props.labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.name },
        minReplicaCount: props.minReplicas,
        maxReplicaCount: props.maxReplicas,
        pollingInterval: props.pollingIntervalSeconds ?? 30,
        cooldownPeriod: props.cooldownPeriodSeconds ?? 300,
        triggers: props.taskQueues.map((taskQueue) => ({
          type: 'temporal',
          metadata: {
            endpoint: props.endpoint,
            namespace: props.temporalNamespace,
            taskQueue,
            targetQueueSize: String(props.targetQueueSize),
            activationTargetQueueSize: String(props.activationTargetQueueSize ?? 0),
            queueTypes: (props.queueTypes ?? ['workflow', 'activity']).join(','),
            ...(props.tls ? { tlsServerName: props.tls.serverName } : {}),
          },
          authenticationRef: auth
            ? { name: props.name, kind: ScaledObjectSpecTriggersAuthenticationRefKind.TRIGGER_AUTHENTICATION }
            : undefined,
        })),
      },
    });
  }
}
