import { MetricsScrape, MetricsScrapeProps } from '../../constructs/metrics-scrape';
import { synthChart, testChart } from '../helpers';
import { only } from './fixtures';

const minimal: MetricsScrapeProps = {
  name: 'temporal-history',
  labels: { release: 'kube-prometheus-stack' },
  serviceSelector: { 'app.kubernetes.io/name': 'temporal', 'app.kubernetes.io/component': 'history' },
};

function synth(props: MetricsScrapeProps) {
  const chart = testChart();
  new MetricsScrape(chart, 'Scrape', props);
  return only(synthChart(chart), 'ServiceMonitor');
}

describe('MetricsScrape', () => {
  test('minimal props: a ServiceMonitor scraping port metrics at /metrics every 30s over http, honorLabels false', () => {
    const sm = synth(minimal);
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.metadata).toEqual({ name: 'temporal-history', namespace: 'temporal-test', labels: { release: 'kube-prometheus-stack' } });
    expect(sm.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'temporal', 'app.kubernetes.io/component': 'history' } },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scheme: 'http', honorLabels: false }],
    });
  });

  test('all props: port, path and interval overrides', () => {
    const all: Required<MetricsScrapeProps> = {
      name: 'billing',
      labels: { release: 'prom', team: 'payments' },
      serviceSelector: { app: 'billing' },
      port: 'prom',
      path: '/actuator/prometheus',
      interval: '15s',
    };
    const sm = synth(all);
    expect(sm.metadata).toMatchObject({ name: 'billing', labels: { release: 'prom', team: 'payments' } });
    expect(sm.spec.selector).toEqual({ matchLabels: { app: 'billing' } });
    expect(sm.spec.endpoints).toEqual([
      { port: 'prom', path: '/actuator/prometheus', interval: '15s', scheme: 'http', honorLabels: false },
    ]);
  });

  test('the namespace label stays the Kubernetes one: honorLabels is always false and there is no namespaceSelector', () => {
    const sm = synth({ ...minimal, interval: '1m' });
    expect(sm.spec.endpoints.every((e: any) => e.honorLabels === false)).toBe(true);
    expect(sm.spec).not.toHaveProperty('namespaceSelector');
  });
});
