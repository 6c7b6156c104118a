/**
 * Grafana dashboards built in code from a small typed model, and delivered as one ConfigMap that the
 * Grafana sidecar (kiwigrid k8s-sidecar, as in the grafana and kube-prometheus-stack charts) loads.
 * The JSON is deterministic: panel ids and positions follow the panel order, keys are sorted, and no
 * random ids are generated, so a synth diff shows only real changes.
 */
import { Construct } from 'constructs';
import { k8s } from '../imports/k8s';

export interface DashboardTarget {
  /** A PromQL expression. */
  readonly expr: string;
  /** Grafana legend format, e.g. `{{service_name}}`. @default '__auto' (Grafana derives it) */
  readonly legend?: string;
}

export interface DashboardPanel {
  readonly title: string;
  readonly kind: 'timeseries' | 'stat';
  /** A Grafana unit id such as `s`, `ops`, `reqps`, `percentunit` or `short`. @default none */
  readonly unit?: string;
  /** At least one and at most 26 (refIds A–Z). */
  readonly targets: readonly DashboardTarget[];
  /** Columns out of 24. @default 12 */
  readonly width?: number;
  /** Shown in the panel's info tooltip. @default none */
  readonly description?: string;
}

export interface DashboardProps {
  /** Stable id (≤ 40 characters of `[a-z0-9-]`); also the ConfigMap key `<uid>.json`. */
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  /** Laid out left to right in this order, wrapping at 24 columns. */
  readonly panels: readonly DashboardPanel[];
  /** @default '30s' */
  readonly refresh?: string;
  /** Start of the default time range. @default 'now-6h' */
  readonly timeFrom?: string;
  /** Custom (fixed-list) variables shown as drop-downs; panels use them as `$name`. @default none */
  readonly variables?: readonly DashboardVariable[];
}

export interface DashboardVariable {
  readonly name: string;
  readonly label: string;
  /** Each option's text is shown; its value replaces `$name` in queries. At least one. */
  readonly options: readonly { readonly text: string; readonly value: string }[];
}

/** Grafana's grid is 24 columns wide. */
export const GRID_COLUMNS = 24;
/** Panel heights in grid rows. */
export const PANEL_HEIGHT: Record<DashboardPanel['kind'], number> = { timeseries: 8, stat: 4 };
/** The dashboard JSON model version the output follows (Grafana 10.4 / 11). */
export const SCHEMA_VERSION = 39;

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
const UID_PATTERN = /^[a-z0-9-]{1,40}$/;
/** A ConfigMap (like every object) must stay under 1 MiB. */
const CONFIGMAP_MAX_BYTES = 1024 * 1024;

/** The gridPos of each panel: left to right, a new row when the next panel does not fit. */
export function layout(panels: readonly DashboardPanel[]): { x: number; y: number; w: number; h: number }[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return panels.map((p) => {
    const w = p.width ?? 12;
    const h = PANEL_HEIGHT[p.kind];
    if (x + w > GRID_COLUMNS) {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
    const pos = { h, w, x, y };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return pos;
  });
}

function validate(props: DashboardProps): void {
  const where = `dashboard "${props.uid}"`;
  if (!UID_PATTERN.test(props.uid)) throw new Error(`${where}: uid must be 1–40 characters of [a-z0-9-]`);
  if (!props.title.trim()) throw new Error(`${where}: title is empty`);
  for (const v of props.variables ?? []) {
    if (!/^[a-z][a-z0-9_]*$/.test(v.name) || v.name === 'datasource')
      throw new Error(`${where}: variable name "${v.name}" must be [a-z][a-z0-9_]* and not "datasource"`);
    if (v.options.length === 0) throw new Error(`${where}: variable ${v.name} has no options`);
    for (const o of v.options) {
      if (/ : |,/.test(`${o.text}${o.value}`))
        throw new Error(`${where}: variable ${v.name} option "${o.text}" must not contain ", " or " : "`);
    }
  }
  props.panels.forEach((p, i) => {
    const panel = `${where} panel ${i} ("${p.title}")`;
    if (!p.title.trim()) throw new Error(`${panel}: title is empty`);
    if (p.width !== undefined && (!Number.isInteger(p.width) || p.width < 1 || p.width > GRID_COLUMNS)) {
      throw new Error(`${panel}: width must be an integer from 1 to ${GRID_COLUMNS}, got ${p.width}`);
    }
    if (p.targets.length === 0) throw new Error(`${panel}: has no targets`);
    if (p.targets.length > 26) throw new Error(`${panel}: has ${p.targets.length} targets, at most 26 (refIds A–Z)`);
    p.targets.forEach((t, j) => {
      if (!t.expr.trim()) throw new Error(`${panel}: target ${j} has an empty expression`);
    });
  });
}

function variableJson(v: DashboardVariable): object {
  const options = v.options.map((o, i) => ({ selected: i === 0, text: o.text, value: o.value }));
  return {
    current: { selected: true, text: v.options[0].text, value: v.options[0].value },
    hide: 0,
    includeAll: false,
    label: v.label,
    multi: false,
    name: v.name,
    options,
    // Grafana rebuilds the options from this "text : value" list.
    query: v.options.map((o) => `${o.text} : ${o.value}`).join(', '),
    skipUrlSync: false,
    type: 'custom',
  };
}

/** Objects with their keys sorted, recursively (arrays keep their order). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function panelJson(p: DashboardPanel, id: number, gridPos: { x: number; y: number; w: number; h: number }): object {
  const stat = p.kind === 'stat';
  return {
    datasource: DATASOURCE,
    ...(p.description !== undefined ? { description: p.description } : {}),
    fieldConfig: {
      defaults: {
        color: { mode: stat ? 'thresholds' : 'palette-classic' },
        // One neutral step: Grafana's default (red above 80) means nothing for these units.
        thresholds: { mode: 'absolute', steps: [{ color: stat ? 'blue' : 'green', value: null }] },
        ...(p.unit !== undefined ? { unit: p.unit } : {}),
        ...(stat
          ? {}
          : {
              custom: { drawStyle: 'line', fillOpacity: 10, lineWidth: 1, showPoints: 'never', spanNulls: false },
            }),
      },
      overrides: [],
    },
    gridPos,
    id,
    options: stat
      ? {
          colorMode: 'value',
          graphMode: 'area',
          justifyMode: 'auto',
          orientation: 'auto',
          reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
          textMode: 'auto',
        }
      : {
          legend: { calcs: [], displayMode: 'list', placement: 'bottom', showLegend: true },
          tooltip: { mode: 'multi', sort: 'desc' },
        },
    targets: p.targets.map((t, i) => ({
      datasource: DATASOURCE,
      editorMode: 'code',
      expr: t.expr,
      legendFormat: t.legend ?? '__auto',
      range: true,
      refId: String.fromCharCode(65 + i),
    })),
    title: p.title,
    type: p.kind,
  };
}

/** Grafana dashboard JSON for the model; the same props always give the same output. */
export function dashboardJson(props: DashboardProps): object {
  validate(props);
  const positions = layout(props.panels);
  return sortKeys({
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: [],
    panels: props.panels.map((p, i) => panelJson(p, i + 1, positions[i])),
    refresh: props.refresh ?? '30s',
    schemaVersion: SCHEMA_VERSION,
    tags: [...props.tags],
    templating: {
      list: [
        {
          current: {},
          hide: 0,
          includeAll: false,
          label: 'Data source',
          multi: false,
          name: 'datasource',
          options: [],
          query: 'prometheus',
          refresh: 1,
          regex: '',
          skipUrlSync: false,
          type: 'datasource',
        },
        ...(props.variables ?? []).map(variableJson),
      ],
    },
    time: { from: props.timeFrom ?? 'now-6h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    title: props.title,
    uid: props.uid,
    version: 1,
    weekStart: '',
  }) as object;
}

export interface GrafanaDashboardsProps {
  /** Name of the ConfigMap. */
  readonly name: string;
  readonly labels: Record<string, string>;
  /** The labels the Grafana sidecar selects ConfigMaps by, e.g. `{ grafana_dashboard: '1' }`; win over `labels`. */
  readonly sidecarLabels: Record<string, string>;
  /** Grafana folder, as the `grafana_folder` annotation (needs the sidecar's `folderAnnotation: grafana_folder`). @default none */
  readonly folder?: string;
  /** At least one; uids must be unique. */
  readonly dashboards: readonly DashboardProps[];
}

/** One ConfigMap holding every dashboard as `<uid>.json`, labelled for the Grafana sidecar. */
export class GrafanaDashboards extends Construct {
  readonly configMapName: string;

  constructor(scope: Construct, id: string, props: GrafanaDashboardsProps) {
    super(scope, id);
    if (props.dashboards.length === 0) throw new Error(`GrafanaDashboards ${props.name}: no dashboards`);
    const data: Record<string, string> = {};
    for (const d of props.dashboards) {
      const key = `${d.uid}.json`;
      if (key in data) throw new Error(`GrafanaDashboards ${props.name}: duplicate dashboard uid "${d.uid}"`);
      data[key] = `${JSON.stringify(dashboardJson(d), null, 2)}\n`;
    }
    const bytes = Object.entries(data).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    if (bytes > CONFIGMAP_MAX_BYTES) {
      throw new Error(`GrafanaDashboards ${props.name}: ${bytes} bytes of dashboards exceed the 1 MiB ConfigMap limit; split them`);
    }
    this.configMapName = props.name;
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: { ...props.labels, ...props.sidecarLabels },
        ...(props.folder !== undefined ? { annotations: { grafana_folder: props.folder } } : {}),
      },
      data,
    });
  }
}
