import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../imports/monitoring-prometheusrule';

export interface AlertProps {
  /** CamelCase alert name, e.g. `TemporalHistoryDown`. */
  readonly name: string;
  readonly expr: string;
  /** How long the condition must hold, e.g. `5m`. */
  readonly for: string;
  readonly severity: 'critical' | 'warning' | 'info';
  readonly summary: string;
  readonly description: string;
  /** What to check first; rendered as the `runbook` annotation. */
  readonly runbook: string;
}

export interface AlertRulesProps {
  readonly name: string;
  readonly labels: Record<string, string>;
  /** Rule group name. */
  readonly group: string;
  readonly alerts: readonly AlertProps[];
  /** Evaluation interval of the group. @default '1m' */
  readonly interval?: string;
  /** Labels on every alert besides `severity`, for routing (e.g. `namespace`; `absent()` alerts carry none of their own). @default {} */
  readonly alertLabels?: Record<string, string>;
}

/** A prometheus-operator PrometheusRule with one group of alerts, each with severity, summary and runbook. */
export class AlertRules extends Construct {
  constructor(scope: Construct, id: string, props: AlertRulesProps) {
    super(scope, id);
    const names = props.alerts.map((a) => a.name);
    if (new Set(names).size !== names.length) throw new Error(`AlertRules ${props.name}: duplicate alert names`);
    new PrometheusRule(this, 'Resource', {
      metadata: { name: props.name, labels: props.labels },
      spec: {
        groups: [
          {
            name: props.group,
            interval: props.interval ?? '1m',
            rules: props.alerts.map((a) => ({
              alert: a.name,
              expr: PrometheusRuleSpecGroupsRulesExpr.fromString(a.expr),
              for: a.for,
              labels: { ...props.alertLabels, severity: a.severity },
              annotations: { summary: a.summary, description: a.description, runbook: a.runbook },
            })),
          },
        ],
      },
    });
  }
}
