import { Autoscaler, AutoscalerProps } from '../../constructs/autoscaler';
import { synthChart, testChart } from '../helpers';
import { only } from './fixtures';

const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'temporal-history' };

function synth(props: AutoscalerProps) {
  const chart = testChart();
  new Autoscaler(chart, 'Autoscaler', props);
  return only(synthChart(chart), 'HorizontalPodAutoscaler');
}

describe('Autoscaler', () => {
  test("minimal props: an autoscaling/v2 HPA on CPU with Kubernetes' default behavior", () => {
    const hpa = synth({
      name: 'temporal-history',
      labels: { app: 'x' },
      target,
      minReplicas: 2,
      maxReplicas: 5,
      targetCPUUtilizationPercentage: 70,
    });
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.metadata).toEqual({ name: 'temporal-history', namespace: 'temporal-test', labels: { app: 'x' } });
    expect(hpa.spec).toEqual({
      scaleTargetRef: target,
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    expect(hpa.spec).not.toHaveProperty('behavior');
  });

  test('all props: conservative behavior scales one pod at a time, down only after 30 minutes', () => {
    const props: Required<AutoscalerProps> = {
      name: 'temporal-matching',
      labels: { app: 'y' },
      target: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'temporal-matching' },
      minReplicas: 3,
      maxReplicas: 9,
      targetCPUUtilizationPercentage: 60,
      targetMemoryUtilizationPercentage: 85,
      behavior: 'conservative',
    };
    const hpa = synth(props);
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 85 } } },
    ]);
    expect(hpa.metadata.name).toBe('temporal-matching');
    expect(hpa.metadata.labels).toEqual({ app: 'y' });
    expect(hpa.spec.scaleTargetRef).toEqual(props.target);
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 9 });
    expect(hpa).toHaveProperty('spec.metrics.0.resource.target.averageUtilization', 60);
    expect(hpa.spec.behavior).toEqual({
      scaleDown: { stabilizationWindowSeconds: 1800, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 600 }] },
      scaleUp: { stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }] },
    });
  });

  test("behavior 'default' renders no behavior section", () => {
    const hpa = synth({
      name: 'h',
      labels: {},
      target,
      minReplicas: 1,
      maxReplicas: 2,
      targetCPUUtilizationPercentage: 80,
      behavior: 'default',
    });
    expect(hpa.spec).not.toHaveProperty('behavior');
  });
});
