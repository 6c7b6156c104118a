import { WorkloadServiceAccount, WorkloadServiceAccountProps } from '../../constructs/service-account';
import { synthChart, testChart } from '../helpers';
import { only } from './fixtures';

function synth(props: WorkloadServiceAccountProps) {
  const chart = testChart();
  const sa = new WorkloadServiceAccount(chart, 'Sa', props);
  return { sa, object: only(synthChart(chart), 'ServiceAccount') };
}

describe('WorkloadServiceAccount', () => {
  test('minimal props: token not mounted, no annotations', () => {
    const { sa, object } = synth({ name: 'temporal-history', labels: { app: 'x' } });
    expect(sa.name).toBe('temporal-history');
    expect(object.apiVersion).toBe('v1');
    expect(object.metadata).toEqual({ name: 'temporal-history', namespace: 'temporal-test', labels: { app: 'x' } });
    expect(object.automountServiceAccountToken).toBe(false);
  });

  test('all props: token mounted and annotations set', () => {
    const props: Required<WorkloadServiceAccountProps> = {
      name: 'worker',
      labels: { app: 'y' },
      automountToken: true,
      annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/r' },
    };
    const { sa, object } = synth(props);
    expect(sa.name).toBe('worker');
    expect(object.metadata).toEqual({
      name: 'worker',
      namespace: 'temporal-test',
      labels: { app: 'y' },
      annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/r' },
    });
    expect(object.automountServiceAccountToken).toBe(true);
  });
});
