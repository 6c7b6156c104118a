import { DisruptionBudget, DisruptionBudgetProps } from '../../constructs/disruption-budget';
import { synthChart, testChart } from '../helpers';
import { only, selectorOf } from './fixtures';

function synth(props: DisruptionBudgetProps) {
  const chart = testChart();
  new DisruptionBudget(chart, 'Pdb', props);
  return only(synthChart(chart), 'PodDisruptionBudget');
}

describe('DisruptionBudget', () => {
  test('minimal props: maxUnavailable defaults to 1 and the selector is used as matchLabels', () => {
    const pdb = synth({ name: 'temporal-frontend', labels: { app: 'x' }, selector: selectorOf('frontend') });
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.metadata).toEqual({ name: 'temporal-frontend', namespace: 'temporal-test', labels: { app: 'x' } });
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selectorOf('frontend') } });
  });

  test('all props: maxUnavailable is passed through as an integer', () => {
    const props: Required<DisruptionBudgetProps> = { name: 'pdb', labels: { a: 'b' }, selector: { k: 'v' }, maxUnavailable: 2 };
    const pdb = synth(props);
    expect(pdb.metadata.name).toBe('pdb');
    expect(pdb.metadata.labels).toEqual({ a: 'b' });
    expect(pdb.spec).toEqual({ maxUnavailable: 2, selector: { matchLabels: { k: 'v' } } });
    expect(pdb.spec).not.toHaveProperty('minAvailable');
  });
});
