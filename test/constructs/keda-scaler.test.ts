import { KedaScaler, KedaScalerProps } from '../../constructs/keda-scaler';
import { synthChart, testChart } from '../helpers';
import { ofKind, only } from './fixtures';

const minimal: KedaScalerProps = {
  name: 'orders-worker',
  labels: { app: 'orders' },
  endpoint: 'temporal-frontend.temporal.svc:7233',
  temporalNamespace: 'orders',
  taskQueues: ['orders-tq'],
  minReplicas: 1,
  maxReplicas: 10,
  targetQueueSize: 25,
};

function synth(props: KedaScalerProps) {
  const chart = testChart();
  new KedaScaler(chart, 'Scaler', props);
  const objects = synthChart(chart);
  return { objects, scaledObject: only(objects, 'ScaledObject') };
}

describe('KedaScaler', () => {
  test('minimal props: a keda.sh/v1alpha1 ScaledObject on the Deployment, default polling/cooldown, plaintext trigger', () => {
    const { objects, scaledObject } = synth(minimal);
    expect(objects).toHaveLength(1);
    expect(ofKind(objects, 'TriggerAuthentication')).toHaveLength(0);
    expect(scaledObject.apiVersion).toBe('keda.sh/v1alpha1');
    expect(scaledObject.metadata).toEqual({ name: 'orders-worker', namespace: 'temporal-test', labels: { app: 'orders' } });
    expect(scaledObject.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders-worker' },
      minReplicaCount: 1,
      maxReplicaCount: 10,
      pollingInterval: 30,
      cooldownPeriod: 300,
      triggers: [
        {
          type: 'temporal',
          metadata: {
            endpoint: 'temporal-frontend.temporal.svc:7233',
            namespace: 'orders',
            taskQueue: 'orders-tq',
            targetQueueSize: '25',
            activationTargetQueueSize: '0',
            queueTypes: 'workflow,activity',
          },
        },
      ],
    });
  });

  test('all props: overrides, one trigger per task queue, tlsServerName and a TriggerAuthentication from the Secret', () => {
    const all: Required<KedaScalerProps> = {
      name: 'billing',
      labels: { app: 'billing', tier: 'workers' },
      endpoint: 'fe:7233',
      temporalNamespace: 'billing-ns',
      taskQueues: ['billing-tq', 'billing-refunds'],
      minReplicas: 0,
      maxReplicas: 30,
      targetQueueSize: 100,
      activationTargetQueueSize: 3,
      queueTypes: ['workflow', 'activity', 'nexus'],
      pollingIntervalSeconds: 10,
      cooldownPeriodSeconds: 60,
      tls: { secretName: 'billing-client-cert', serverName: 'fe.example.internal' },
      apiKeySecret: { name: 'billing-api-key', key: 'token' },
    };
    const { objects, scaledObject } = synth(all);
    expect(objects.map((o) => o.kind).sort()).toEqual(['ScaledObject', 'TriggerAuthentication']);
    expect(scaledObject.metadata).toMatchObject({ name: 'billing', labels: { app: 'billing', tier: 'workers' } });
    expect(scaledObject.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'billing' },
      minReplicaCount: 0,
      maxReplicaCount: 30,
      pollingInterval: 10,
      cooldownPeriod: 60,
    });
    const metadata = (taskQueue: string) => ({
      endpoint: 'fe:7233',
      namespace: 'billing-ns',
      taskQueue,
      targetQueueSize: '100',
      activationTargetQueueSize: '3',
      queueTypes: 'workflow,activity,nexus',
      tlsServerName: 'fe.example.internal',
    });
    const authenticationRef = { name: 'billing', kind: 'TriggerAuthentication' };
    expect(scaledObject.spec.triggers).toEqual([
      { type: 'temporal', metadata: metadata('billing-tq'), authenticationRef },
      { type: 'temporal', metadata: metadata('billing-refunds'), authenticationRef },
    ]);

    const auth = only(objects, 'TriggerAuthentication');
    expect(auth.apiVersion).toBe('keda.sh/v1alpha1');
    expect(auth.metadata).toEqual({ name: 'billing', namespace: 'temporal-test', labels: { app: 'billing', tier: 'workers' } });
    expect(auth.spec).toEqual({
      secretTargetRef: [
        { parameter: 'cert', name: 'billing-client-cert', key: 'tls.crt' },
        { parameter: 'key', name: 'billing-client-cert', key: 'tls.key' },
        { parameter: 'ca', name: 'billing-client-cert', key: 'ca.crt' },
        { parameter: 'apiKey', name: 'billing-api-key', key: 'token' },
      ],
    });
  });

  test('an API key alone (no TLS) still gets a TriggerAuthentication with only apiKey', () => {
    const { objects, scaledObject } = synth({ ...minimal, apiKeySecret: { name: 'k', key: 'v' } });
    expect(only(objects, 'TriggerAuthentication').spec).toEqual({ secretTargetRef: [{ parameter: 'apiKey', name: 'k', key: 'v' }] });
    for (const t of scaledObject.spec.triggers) {
      expect(t.authenticationRef).toEqual({ name: minimal.name, kind: 'TriggerAuthentication' });
      expect(t.metadata).not.toHaveProperty('tlsServerName');
    }
  });

  test('trigger metadata values are all strings (KEDA metadata is map[string]string)', () => {
    const { scaledObject } = synth({ ...minimal, targetQueueSize: 7, activationTargetQueueSize: 2 });
    for (const t of scaledObject.spec.triggers) {
      for (const v of Object.values(t.metadata)) expect(typeof v).toBe('string');
    }
    expect(scaledObject.spec.triggers[0].metadata).toMatchObject({ targetQueueSize: '7', activationTargetQueueSize: '2' });
  });

  test('without tls no trigger has tlsServerName or authenticationRef', () => {
    const { scaledObject } = synth({ ...minimal, taskQueues: ['a', 'b', 'c'] });
    expect(scaledObject.spec.triggers.map((t: any) => t.metadata.taskQueue)).toEqual(['a', 'b', 'c']);
    for (const t of scaledObject.spec.triggers) {
      expect(t.metadata).not.toHaveProperty('tlsServerName');
      expect(t).not.toHaveProperty('authenticationRef');
    }
  });

  test('a single queue type is rendered on its own', () => {
    const { scaledObject } = synth({ ...minimal, queueTypes: ['workflow'] });
    expect(scaledObject.spec.triggers[0].metadata.queueTypes).toBe('workflow');
  });

  test('no task queues throws', () => {
    expect(() => synth({ ...minimal, taskQueues: [] })).toThrow(/KedaScaler orders-worker: at least one task queue/);
  });
});
