/**
 * `--set path=value`, like Helm's, typed by the schema: `temporal.history.replicas=5` sets a number,
 * `ui.enabled=false` a boolean, `images.server.tag=1.31.2` a string, `null` removes an inherited key,
 * and a list or object is given in YAML flow style (`networkPolicies.httpsEgressCidrs=[10.0.0.0/8]`).
 * An entry of a list of named entries is addressed by name: `workerPools[app-worker].replicas=3`.
 * Each --set becomes one overlay layer, applied after every overlay file.
 */
import { load } from 'js-yaml';
import type { z } from 'zod';

/** A --set that cannot be read; the message names it and the fix. */
export class SetValueError extends Error {}

type Segment = { key: string } | { name: string };

const SEGMENT = /^([A-Za-z_$][\w$-]*)((?:\[[^\][]+\])*)$/;

function parsePath(path: string, raw: string): Segment[] {
  const segments: Segment[] = [];
  for (const part of path.split('.')) {
    const m = SEGMENT.exec(part);
    if (!m)
      throw new SetValueError(
        `--set ${raw}: "${part}" is not a field name; write a.b.c=value, or list[name].field=value for a named entry`,
      );
    segments.push({ key: m[1] });
    for (const [, name] of m[2].matchAll(/\[([^\][]+)\]/g)) segments.push({ name });
  }
  return segments;
}

/** The zod definition under wrappers (optional, nullable, default, transforms). */
function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  for (let i = 0; s && i < 20; i++) {
    const def = s._zod.def as unknown as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
  return s;
}

/** The schema of a child: an object's field, an array's element, a record's value (unions: the first that has it). */
function child(schema: z.ZodType | undefined, segment: Segment): z.ZodType | undefined {
  const s = unwrap(schema);
  if (!s) return undefined;
  const def = s._zod.def as unknown as {
    type: string;
    shape?: Record<string, z.ZodType>;
    element?: z.ZodType;
    valueType?: z.ZodType;
    options?: z.ZodType[];
  };
  if (def.type === 'union' && def.options) {
    for (const o of def.options) {
      const c = child(o, segment);
      if (c) return c;
    }
    return undefined;
  }
  if ('name' in segment) return def.type === 'array' ? def.element : undefined;
  if (def.type === 'object' && def.shape) return def.shape[segment.key];
  if (def.type === 'record') return def.valueType;
  return undefined;
}

/** Reads the text as the type the schema expects there; YAML flow style for anything else. */
function typedValue(schema: z.ZodType | undefined, text: string, raw: string): unknown {
  if (text === 'null') return null;
  const type = (unwrap(schema)?._zod.def as { type?: string } | undefined)?.type;
  switch (type) {
    case 'string':
    case 'enum':
      return text;
    case 'number':
    case 'int': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n))
        throw new SetValueError(`--set ${raw}: "${text}" is not a number, which this field takes`);
      return n;
    }
    case 'boolean':
      if (text === 'true' || text === 'false') return text === 'true';
      throw new SetValueError(`--set ${raw}: "${text}" is not true or false, which this field takes`);
    default:
      try {
        return load(text);
      } catch (e) {
        throw new SetValueError(`--set ${raw}: the value is not YAML: ${(e as Error).message.split('\n')[0]}`);
      }
  }
}

/** One --set as an overlay layer, e.g. `workerPools[billing].replicas=3` → {workerPools: [{name: billing, replicas: 3}]}. */
export function setValueOverlay(raw: string, schema: z.ZodType): Record<string, unknown> {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new SetValueError(`--set ${raw}: write path=value, e.g. --set temporal.history.replicas=5`);
  const segments = parsePath(raw.slice(0, eq), raw);
  let at: z.ZodType | undefined = schema;
  for (const s of segments) at = child(at, s);
  // An unknown path is left to the schema, whose message lists the field it does not know.
  let value: unknown = typedValue(at, raw.slice(eq + 1), raw);
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i];
    if ('name' in s) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new SetValueError(`--set ${raw}: an entry [${s.name}] takes fields (list[${s.name}].field=value)`);
      }
      value = [{ name: s.name, ...(value as Record<string, unknown>) }];
    } else {
      value = { [s.key]: value };
    }
  }
  return value as Record<string, unknown>;
}

/** The value at a --set-style path (`a.b`, `list[name].field`) of a spec, or undefined. */
export function specValue(spec: unknown, path: string): unknown {
  let at: unknown = spec;
  for (const s of parsePath(path, path)) {
    if ('name' in s) at = Array.isArray(at) ? at.find((e) => (e as { name?: unknown })?.name === s.name) : undefined;
    else at = at !== null && typeof at === 'object' && !Array.isArray(at) ? (at as Record<string, unknown>)[s.key] : undefined;
  }
  return at;
}
