import { AlertProps, AlertRules, AlertRulesProps } from '../../constructs/alert-rules';
import { synthChart, testChart } from '../helpers';
import { only } from './fixtures';

const down: AlertProps = {
  name: 'TemporalHistoryDown',
  expr: 'absent(up{namespace="temporal", service="temporal-history"} == 1)',
  for: '5m',
  severity: 'critical',
  summary: 'No history pod is up',
  description: 'No workflow can make progress.',
  runbook: 'kubectl get pods',
};
const slow: AlertProps = {
  name: 'TemporalRequestLatencyHigh',
  expr: 'histogram_quantile(0.99, sum by (le) (rate(service_latency_bucket{namespace="temporal"}[5m]))) > 5',
  for: '10m',
  severity: 'warning',
  summary: 'p99 above 5s',
  description: 'Requests are slow.',
  runbook: 'Check the database.',
};

const minimal: AlertRulesProps = {
  name: 'temporal-alerts',
  labels: { release: 'kube-prometheus-stack' },
  group: 'temporal.temporal',
  alerts: [down],
};

function synth(props: AlertRulesProps) {
  const chart = testChart();
  new AlertRules(chart, 'Alerts', props);
  return only(synthChart(chart), 'PrometheusRule');
}

describe('AlertRules', () => {
  test('minimal props: a PrometheusRule with one group evaluated every 1m', () => {
    const rule = synth(minimal);
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.metadata).toEqual({ name: 'temporal-alerts', namespace: 'temporal-test', labels: { release: 'kube-prometheus-stack' } });
    expect(rule.spec).toEqual({
      groups: [
        {
          name: 'temporal.temporal',
          interval: '1m',
          rules: [
            {
              alert: 'TemporalHistoryDown',
              expr: 'absent(up{namespace="temporal", service="temporal-history"} == 1)',
              for: '5m',
              labels: { severity: 'critical' },
              annotations: { summary: 'No history pod is up', description: 'No workflow can make progress.', runbook: 'kubectl get pods' },
            },
          ],
        },
      ],
    });
  });

  test('all props: interval override; every alert becomes a rule, in order, with severity and the three annotations', () => {
    const all: Required<AlertRulesProps> = {
      name: 'pool-alerts',
      labels: { release: 'prom', team: 'payments' },
      group: 'pools',
      alerts: [down, slow],
      interval: '30s',
      alertLabels: { namespace: 'temporal', severity: 'overridden-by-the-alert' },
    };
    const rule = synth(all);
    expect(rule.metadata).toMatchObject({ name: 'pool-alerts', labels: { release: 'prom', team: 'payments' } });
    expect(rule.spec.groups).toHaveLength(1);
    const group = rule.spec.groups[0];
    expect(group.name).toBe('pools');
    expect(group.interval).toBe('30s');
    expect(group.rules.map((r: any) => r.alert)).toEqual(['TemporalHistoryDown', 'TemporalRequestLatencyHigh']);
    expect(group.rules[1]).toEqual({
      alert: 'TemporalRequestLatencyHigh',
      expr: slow.expr,
      for: '10m',
      labels: { namespace: 'temporal', severity: 'warning' },
      annotations: { summary: 'p99 above 5s', description: 'Requests are slow.', runbook: 'Check the database.' },
    });
  });

  test('the expression is rendered as a plain string, verbatim', () => {
    const rule = synth({ ...minimal, alerts: [slow] });
    expect(typeof rule.spec.groups[0].rules[0].expr).toBe('string');
    expect(rule.spec.groups[0].rules[0].expr).toBe(slow.expr);
  });

  test('duplicate alert names throw', () => {
    expect(() => synth({ ...minimal, alerts: [down, slow, { ...slow, severity: 'info' }] })).toThrow(
      /AlertRules temporal-alerts: duplicate alert names/,
    );
  });
});
