import { Construct } from 'constructs';
import { ServiceMonitor, ServiceMonitorSpecEndpointsScheme } from '../imports/monitoring-servicemonitor';

export interface MetricsScrapeProps {
  /** Name of the ServiceMonitor. */
  readonly name: string;
  /** Its labels, including whatever your Prometheus selects ServiceMonitors by. */
  readonly labels: Record<string, string>;
  /** Labels of the Service(s) to scrape. */
  readonly serviceSelector: Record<string, string>;
  /** Name of the Service port that serves metrics. @default 'metrics' */
  readonly port?: string;
  /** @default '/metrics' */
  readonly path?: string;
  /** @default '30s' */
  readonly interval?: string;
}

/**
 * A prometheus-operator ServiceMonitor for the Services of this namespace. Scraped `namespace`
 * labels are kept as `exported_namespace` (honorLabels false), so `namespace` is always the
 * Kubernetes namespace the target runs in.
 */
export class MetricsScrape extends Construct {
  constructor(scope: Construct, id: string, props: MetricsScrapeProps) {
    super(scope, id);
    new ServiceMonitor(this, 'Resource', {
      metadata: { name: props.name, labels: props.labels },
      spec: {
        selector: { matchLabels: props.serviceSelector },
        endpoints: [
          {
            port: props.port ?? 'metrics',
            path: props.path ?? '/metrics',
            interval: props.interval ?? '30s',
            scheme: ServiceMonitorSpecEndpointsScheme.HTTP,
            honorLabels: false,
          },
        ],
      },
    });
  }
}
