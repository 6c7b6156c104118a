/**
 * The metric names the rendered alert rules (PrometheusRule) and Grafana dashboards (ConfigMaps
 * labelled grafana_dashboard) query must be series the running server really exports, scraped
 * from each role's metrics port as Prometheus would. A query over a name no process serves is a
 * silent, always-empty alert or panel.
 */
import * as fs from 'fs';
import type { Cluster } from '../harness/cluster';
import { ofKind } from '../harness/manifests';
import type { Pod } from '../harness/pod';

const PROMQL_WORDS = new Set([
  'sum',
  'rate',
  'irate',
  'increase',
  'histogram_quantile',
  'max',
  'min',
  'avg',
  'count',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'or',
  'and',
  'unless',
  'vector',
  'clamp_min',
  'clamp_max',
  'absent',
  'le',
  'topk',
  'bottomk',
  'offset',
  'bool',
  'label_replace',
  'abs',
  'delta',
  'deriv',
  'changes',
  'resets',
  'time',
  'scalar',
  'sort',
  'sort_desc',
  'avg_over_time',
  'max_over_time',
  'min_over_time',
  'sum_over_time',
  'count_over_time',
  'quantile',
  'round',
  'ceil',
  'floor',
  'e',
  'inf',
  'nan',
]);

/** Metric names in PromQL: identifiers followed by a selector or range, minus functions and labels. */
export function metricNames(expr: string): string[] {
  const withoutLabels = expr
    .replace(/\$\{?\w+\}?/g, '')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/"[^"]*"/g, '""')
    // Label lists of aggregations and vector matching are label names, not metrics.
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)[^)]*\)/g, '$1{}');
  const names = [...withoutLabels.matchAll(/(?<![\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=\{|\[|\s*\)|\s*$|\s*[-+*/><=!])/g)].map((m) => m[1]);
  return [...new Set(names.filter((n) => !PROMQL_WORDS.has(n) && !/^\d/.test(n) && !/^\$/.test(n)))];
}

/** Every expression of the rendered alert rules and dashboards. */
export function renderedQueries(cluster: Cluster): { source: string; expr: string }[] {
  const out: { source: string; expr: string }[] = [];
  for (const rule of ofKind(cluster.manifests, 'PrometheusRule')) {
    for (const g of rule.spec.groups ?? [])
      for (const r of g.rules ?? []) out.push({ source: `alert ${r.alert ?? r.record}`, expr: String(r.expr) });
  }
  for (const cm of ofKind(cluster.manifests, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard)) {
    for (const [file, json] of Object.entries(cm.data ?? {})) {
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (node && typeof node === 'object') {
          for (const [k, v] of Object.entries(node)) {
            // Panel queries, and template variables that read label values of a metric.
            if (k === 'expr' && typeof v === 'string') out.push({ source: `dashboard ${file}`, expr: v });
            else if (k === 'query' && typeof v === 'string' && v.includes('(')) out.push({ source: `dashboard ${file}`, expr: v });
            else if (k === 'query' && v && typeof v === 'object' && typeof (v as { query?: unknown }).query === 'string')
              out.push({ source: `dashboard ${file}`, expr: String((v as { query: string }).query) });
            else walk(v);
          }
        }
      };
      walk(JSON.parse(String(json)));
    }
  }
  return out;
}

/** Metric names each pod's Prometheus endpoint serves (histograms also under their base name). */
async function scrape(pod: Pod, port: number, pathName: string): Promise<Set<string>> {
  const text = await (await fetch(`http://${pod.ip}:${port}${pathName}`, { signal: AbortSignal.timeout(10_000) })).text();
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (!m) continue;
    names.add(m[1]);
    names.add(m[1].replace(/_(bucket|count|sum)$/, ''));
  }
  return names;
}

/**
 * Emitted only under faults the run does not cause (a failing database, rate limiting): for these
 * the name is checked against the server binary's own metric definitions instead.
 */
const FAULT_ONLY = new Set(['persistence_errors', 'service_errors', 'service_errors_resource_exhausted']);

/**
 * Whether the binary carries the metric name (its metric definitions). Go packs string constants
 * back to back, so this is a substring search: weaker than a scrape, but it fails for a misspelling.
 */
function binaryDefines(binary: string, name: string): boolean {
  return fs.readFileSync(binary).includes(name);
}

export async function checkMetrics(cluster: Cluster, rolePods: Pod[], serverBinary: string): Promise<string> {
  const served = new Set<string>();
  for (const pod of rolePods) {
    const c = pod.template.spec.containers[0];
    const port = c.ports?.find((p) => p.name === 'metrics')?.containerPort;
    if (!port) throw new Error(`pod ${pod.name} declares no metrics port`);
    for (const n of await scrape(pod, port, '/metrics')) served.add(n);
  }
  if (!served.size) throw new Error('no metrics served');
  const queries = renderedQueries(cluster);
  // `up` and ALERTS come from Prometheus itself, not from the server.
  const wanted = new Map<string, string[]>();
  for (const q of queries) {
    for (const n of metricNames(q.expr).filter((x) => !['up', 'ALERTS', 'ALERTS_FOR_STATE'].includes(x)))
      wanted.set(n, [...(wanted.get(n) ?? []), q.source]);
  }
  const isServed = (n: string) => served.has(n) || served.has(n.replace(/_(bucket|count|sum)$/, ''));
  const faultOnly = [...wanted.keys()].filter((n) => !isServed(n) && FAULT_ONLY.has(n));
  const undefinedFaults = faultOnly.filter((n) => !binaryDefines(serverBinary, n));
  const missing = [...wanted].filter(([n]) => !isServed(n) && (!FAULT_ONLY.has(n) || undefinedFaults.includes(n)));
  if (missing.length) {
    throw new Error(
      `${missing.length} of ${wanted.size} queried metrics are not served: ${missing.map(([n, s]) => `${n} (${[...new Set(s)].slice(0, 2).join(', ')})`).join('; ')}`,
    );
  }
  const faults = faultOnly.length ? `; ${faultOnly.join(', ')} only on faults: defined by the server binary` : '';
  return queries.length
    ? `${wanted.size - faultOnly.length} of ${wanted.size} queried names served (${served.size} scraped)${faults}`
    : `no alert rules or dashboards rendered; ${served.size} metric names scraped`;
}
