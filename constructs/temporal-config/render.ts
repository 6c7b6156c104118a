import { JsonValue, toYaml } from '../../lib/yaml';
import type { EnvRef, TemporalServerConfig } from './model';

const isEnvRef = (v: unknown): v is EnvRef =>
  typeof v === 'object' && v !== null && Object.keys(v).length === 1 && typeof (v as EnvRef).env === 'string';

/**
 * Renders the config as a `# enable-template` file: EnvRefs become `{{ env "X" | quote }}`, which the
 * server fills in at start-up (passwords from Secrets, the pod IP from the downward API).
 */
export function renderServerConfig(config: TemporalServerConfig): string {
  const refs: string[] = [];
  const replace = (v: unknown): unknown => {
    if (isEnvRef(v)) {
      refs.push(v.env);
      return `__TEMPLATE_REF_${refs.length - 1}__`;
    }
    if (Array.isArray(v)) return v.map(replace);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([, x]) => x !== undefined)
          .map(([k, x]) => [k, replace(x)]),
      );
    }
    return v;
  };
  const body = toYaml(replace(config) as JsonValue).replace(/__TEMPLATE_REF_(\d+)__/g, (_, i) => `{{ env "${refs[Number(i)]}" | quote }}`);
  // The whole file is a Go template: even comments must not contain template delimiters.
  return `# enable-template\n# Temporal server config, rendered by the cdk8s app. Passwords and the pod IP are filled in from the pod environment at start-up.\n${body}`;
}

type Scalar = string | number | boolean;
/** A value for every scope, or `{value, constraints}` entries in the server's own file format. */
export type DynamicConfigValue =
  Scalar | readonly { readonly value: Scalar; readonly constraints?: Readonly<Record<string, Scalar | undefined>> }[];

/** Dynamic config file format: `key: [{value: v, constraints: {…}}]` per key, keys sorted for stable output. */
export function renderDynamicConfig(values: Record<string, DynamicConfigValue | undefined>): string {
  const entries = Object.entries(values)
    .filter((e): e is [string, DynamicConfigValue] => e[1] !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => [k, Array.isArray(v) ? v.map(dropUndefined) : [{ value: v }]]);
  if (entries.length === 0) return '# No overrides: every key uses the server default.\n{}\n';
  return toYaml(Object.fromEntries(entries));
}

function dropUndefined(entry: { readonly value: Scalar; readonly constraints?: Readonly<Record<string, Scalar | undefined>> }): JsonValue {
  const constraints = Object.fromEntries(Object.entries(entry.constraints ?? {}).filter(([, v]) => v !== undefined)) as Record<
    string,
    Scalar
  >;
  return Object.keys(constraints).length ? { value: entry.value, constraints } : { value: entry.value };
}
