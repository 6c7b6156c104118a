import {
  DashboardPanel,
  DashboardProps,
  GrafanaDashboards,
  GrafanaDashboardsProps,
  dashboardJson,
  layout,
} from '../../constructs/grafana-dashboards';
import { synthChart, testChart } from '../helpers';
import { only } from './fixtures';

const panel = (title: string, extra: Partial<DashboardPanel> = {}): DashboardPanel => ({
  title,
  kind: 'timeseries',
  targets: [{ expr: `sum(rate(x_${title.length}{namespace="t"}[5m]))` }],
  ...extra,
});

const minimal: DashboardProps = { uid: 'demo', title: 'Demo', tags: [], panels: [panel('one')] };

const all: Required<DashboardProps> = {
  uid: 'demo-all-0',
  title: 'Demo, every prop',
  tags: ['temporal', 'demo'],
  refresh: '1m',
  timeFrom: 'now-24h',
  variables: [
    {
      name: 'pool',
      label: 'Worker pool',
      options: [
        { text: 'orders', value: 'orders-q|orders-q2' },
        { text: 'billing', value: 'billing-q' },
      ],
    },
  ],
  panels: [
    {
      title: 'Stat',
      kind: 'stat',
      unit: 'percentunit',
      width: 6,
      description: 'a ratio',
      targets: [{ expr: 'a{namespace="t"}', legend: '{{pod}}' }, { expr: 'b{namespace="t"}' }, { expr: 'c{namespace="t"}' }],
    },
    panel('Series', { unit: 's', width: 18 }),
  ],
};

describe('dashboardJson', () => {
  test('minimal props: Grafana defaults, datasource variable, one panel', () => {
    const d = dashboardJson(minimal) as any;
    expect(d).toMatchObject({
      uid: 'demo',
      title: 'Demo',
      tags: [],
      schemaVersion: 39,
      refresh: '30s',
      time: { from: 'now-6h', to: 'now' },
      editable: true,
      id: null,
      version: 1,
    });
    expect(d.templating.list).toEqual([
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus', current: {} }),
    ]);
    expect(d.panels).toHaveLength(1);
    const [p] = d.panels;
    expect(p).toMatchObject({ id: 1, type: 'timeseries', title: 'one', gridPos: { x: 0, y: 0, w: 12, h: 8 } });
    expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    expect(p.targets).toEqual([expect.objectContaining({ refId: 'A', expr: minimal.panels[0].targets[0].expr, legendFormat: '__auto' })]);
    expect(p.targets[0].datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    expect(p.fieldConfig.defaults).not.toHaveProperty('unit');
    expect(p).not.toHaveProperty('description');
  });

  test('all props: refresh, time, tags, units, legends, refIds, description, stat options', () => {
    const d = dashboardJson(all) as any;
    expect(d).toMatchObject({ uid: 'demo-all-0', refresh: '1m', time: { from: 'now-24h', to: 'now' }, tags: ['temporal', 'demo'] });
    expect(d.templating.list[1]).toEqual({
      current: { selected: true, text: 'orders', value: 'orders-q|orders-q2' },
      hide: 0,
      includeAll: false,
      label: 'Worker pool',
      multi: false,
      name: 'pool',
      options: [
        { selected: true, text: 'orders', value: 'orders-q|orders-q2' },
        { selected: false, text: 'billing', value: 'billing-q' },
      ],
      query: 'orders : orders-q|orders-q2, billing : billing-q',
      skipUrlSync: false,
      type: 'custom',
    });
    const [stat, series] = d.panels;
    expect(stat).toMatchObject({ id: 1, type: 'stat', description: 'a ratio', fieldConfig: { defaults: { unit: 'percentunit' } } });
    expect(stat.options.reduceOptions.calcs).toEqual(['lastNotNull']);
    expect(stat.targets.map((t: any) => [t.refId, t.legendFormat])).toEqual([
      ['A', '{{pod}}'],
      ['B', '__auto'],
      ['C', '__auto'],
    ]);
    expect(series).toMatchObject({
      id: 2,
      type: 'timeseries',
      fieldConfig: { defaults: { unit: 's' } },
      gridPos: { x: 6, y: 0, w: 18, h: 8 },
    });
  });

  test('variables: a bad name, no options, or separators in an option are rejected', () => {
    const v = (variables: DashboardProps['variables']) => () => dashboardJson({ ...minimal, variables });
    expect(v([{ name: 'datasource', label: 'x', options: [{ text: 'a', value: 'a' }] }])).toThrow('must be [a-z][a-z0-9_]*');
    expect(v([{ name: 'pool', label: 'x', options: [] }])).toThrow('has no options');
    expect(v([{ name: 'pool', label: 'x', options: [{ text: 'a', value: 'b,c' }] }])).toThrow('must not contain');
  });

  test('panels run left to right and wrap at 24 columns, rows as tall as their tallest panel', () => {
    const panels: DashboardPanel[] = [
      panel('a', { kind: 'stat', width: 8 }),
      panel('b', { kind: 'stat', width: 8 }),
      panel('c', { kind: 'stat', width: 8 }),
      panel('d'),
      panel('e', { kind: 'stat', width: 6 }),
      panel('f', { width: 13 }),
      panel('g', { width: 24 }),
      panel('h'),
    ];
    expect(layout(panels)).toEqual([
      { x: 0, y: 0, w: 8, h: 4 },
      { x: 8, y: 0, w: 8, h: 4 },
      { x: 16, y: 0, w: 8, h: 4 },
      { x: 0, y: 4, w: 12, h: 8 },
      { x: 12, y: 4, w: 6, h: 4 },
      { x: 0, y: 12, w: 13, h: 8 },
      { x: 0, y: 20, w: 24, h: 8 },
      { x: 0, y: 28, w: 12, h: 8 },
    ]);
    const d = dashboardJson({ ...minimal, panels }) as any;
    expect(d.panels.map((p: any) => p.gridPos)).toEqual(layout(panels));
    expect(d.panels.map((p: any) => p.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const p of d.panels) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
  });

  test('deterministic: same input, byte-identical output, keys sorted at every level', () => {
    const a = JSON.stringify(dashboardJson(all));
    const b = JSON.stringify(dashboardJson(JSON.parse(JSON.stringify(all))));
    expect(a).toBe(b);
    const sorted = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(sorted);
      if (v && typeof v === 'object') {
        const keys = Object.keys(v);
        expect(keys).toEqual([...keys].sort());
        Object.values(v).forEach(sorted);
      }
    };
    sorted(JSON.parse(a));
  });

  test.each([
    ['uid too long', { uid: 'x'.repeat(41) }, /uid/],
    ['uid with upper case', { uid: 'Temporal' }, /uid/],
    ['uid with a dot', { uid: 'a.b' }, /uid/],
    ['empty title', { title: ' ' }, /title/],
    ['width 0', { panels: [panel('p', { width: 0 })] }, /width/],
    ['width 25', { panels: [panel('p', { width: 25 })] }, /width/],
    ['fractional width', { panels: [panel('p', { width: 6.5 })] }, /width/],
    ['no targets', { panels: [panel('p', { targets: [] })] }, /no targets/],
    ['27 targets', { panels: [panel('p', { targets: Array.from({ length: 27 }, () => ({ expr: 'up' })) })] }, /at most 26/],
    ['empty expression', { panels: [panel('p', { targets: [{ expr: '' }] })] }, /empty expression/],
  ])('rejects %s', (_name, change, message) => {
    expect(() => dashboardJson({ ...minimal, ...change } as DashboardProps)).toThrow(message);
  });
});

describe('GrafanaDashboards', () => {
  const props: GrafanaDashboardsProps = {
    name: 'temporal-dashboards',
    labels: { 'app.kubernetes.io/name': 'temporal', grafana_dashboard: 'overridden' },
    sidecarLabels: { grafana_dashboard: '1' },
    dashboards: [minimal, all],
  };
  const render = (p: GrafanaDashboardsProps) => {
    const chart = testChart();
    new GrafanaDashboards(chart, 'Dashboards', p);
    return synthChart(chart);
  };

  test('minimal props: one ConfigMap, a <uid>.json key per dashboard, sidecar labels, no annotation', () => {
    const objects = render(props);
    expect(objects).toHaveLength(1);
    const cm = only(objects, 'ConfigMap');
    expect(cm.metadata.name).toBe('temporal-dashboards');
    expect(cm.metadata.namespace).toBe('temporal-test');
    expect(cm.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'temporal', grafana_dashboard: '1' });
    expect(cm.metadata.annotations).toBeUndefined();
    // cdk8s sorts the keys of the synthesized object.
    expect(Object.keys(cm.data)).toEqual(['demo-all-0.json', 'demo.json']);
    expect(cm.data['demo.json']).toBe(`${JSON.stringify(dashboardJson(minimal), null, 2)}\n`);
    expect(JSON.parse(cm.data['demo-all-0.json'])).toEqual(dashboardJson(all));
  });

  test('all props: folder becomes the grafana_folder annotation', () => {
    const cm = only(render({ ...props, folder: 'Temporal' }), 'ConfigMap');
    expect(cm.metadata.annotations).toEqual({ grafana_folder: 'Temporal' });
  });

  test('synth is deterministic', () => {
    expect(JSON.stringify(render(props))).toBe(JSON.stringify(render(props)));
  });

  test('throws on duplicate uids and on an empty list', () => {
    expect(() => render({ ...props, dashboards: [minimal, { ...all, uid: 'demo' }] })).toThrow(/duplicate dashboard uid "demo"/);
    expect(() => render({ ...props, dashboards: [] })).toThrow(/no dashboards/);
  });

  test('throws when the dashboards do not fit in one ConfigMap', () => {
    const big: DashboardProps = {
      ...minimal,
      panels: Array.from({ length: 400 }, (_, i) => panel(`p${i}`, { targets: [{ expr: `x{namespace="${'n'.repeat(2000)}"}` }] })),
    };
    expect(() => render({ ...props, dashboards: [big] })).toThrow(/1 MiB/);
  });
});
