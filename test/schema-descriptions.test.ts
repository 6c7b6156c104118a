/**
 * Every field of the spec carries a description in the schema itself (`.describe()`), so the JSON
 * Schema for editors and the field reference get one for every field from the one schema.
 */
import { z } from 'zod';
import { specSchema } from '../config/schema';

type JsonSchema = { [key: string]: unknown };

const isSchema = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every property (a key of some `properties`) at every depth, with its description. The walk follows
 * `items`/`prefixItems` (arrays), `additionalProperties` (records' values), `anyOf`/`oneOf`/`allOf`
 * (nullable fields, unions, discriminated unions), `not`/`if`/`then`/`else`, and `$ref`s into `$defs`,
 * so an object anywhere below the root is reached. Record keys, array elements and union branches
 * are not fields and need no description of their own; the properties of objects below them do.
 */
function describedProperties(root: JsonSchema): { path: string; description?: string }[] {
  const found: { path: string; description?: string }[] = [];
  const visiting = new Set<JsonSchema>();
  const resolve = (ref: string): JsonSchema => {
    if (!ref.startsWith('#')) throw new Error(`external $ref ${ref}`);
    const target = ref
      .slice(1)
      .split('/')
      .filter(Boolean)
      .reduce<unknown>((node, key) => (isSchema(node) ? node[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), root);
    if (!isSchema(target)) throw new Error(`unresolved $ref ${ref}`);
    return target;
  };
  const walk = (node: unknown, path: string): void => {
    if (!isSchema(node) || visiting.has(node)) return;
    visiting.add(node);
    if (typeof node.$ref === 'string') walk(resolve(node.$ref), path);
    if (isSchema(node.properties)) {
      for (const [key, prop] of Object.entries(node.properties)) {
        const propPath = path ? `${path}.${key}` : key;
        found.push({ path: propPath, description: descriptionOf(prop, resolve) });
        walk(prop, propPath);
      }
    }
    for (const key of ['items', 'additionalProperties', 'not', 'if', 'then', 'else'] as const) {
      walk(node[key], key === 'items' ? `${path}[]` : key === 'additionalProperties' ? `${path}.*` : path);
    }
    for (const key of ['prefixItems', 'anyOf', 'oneOf', 'allOf'] as const) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach((branch) => walk(branch, key === 'prefixItems' ? `${path}[]` : path));
    }
    visiting.delete(node);
  };
  walk(root, '');
  return found;
}

/** A property's description: on its own schema, or on the schema its `$ref` points to. */
function descriptionOf(prop: unknown, resolve: (ref: string) => JsonSchema): string | undefined {
  if (!isSchema(prop)) return undefined;
  if (typeof prop.description === 'string') return prop.description;
  return typeof prop.$ref === 'string' ? descriptionOf(resolve(prop.$ref), resolve) : undefined;
}

/**
 * `io: 'input'`: the schema of what a profile author writes. The output side of the `.transform()`s
 * (e.g. `null` → absent on autoscaling, passwordSecret, provider) cannot be represented in JSON Schema;
 * their input side can, and `.default()`s make a field optional there, as it is for authors.
 * `unrepresentable` stays `'throw'` (the default): this schema has nothing unrepresentable on its input
 * side, and `'any'` would turn such a schema (a `z.preprocess`, a `z.custom`) into `{}`, hiding every
 * field below it from this walk instead of failing. Refinements do not affect the JSON Schema.
 */
const jsonSchema = z.toJSONSchema(specSchema, { io: 'input', unrepresentable: 'throw' }) as JsonSchema;

describe('spec schema descriptions', () => {
  const properties = describedProperties(jsonSchema);

  test('the walk reaches fields at every depth', () => {
    const paths = properties.map((p) => p.path);
    expect(paths.length).toBeGreaterThan(300);
    expect(paths).toEqual(
      expect.arrayContaining([
        'temporal.history.autoscaling.minReplicas',
        'workerPools[].keda.queueTypes',
        'workerPools[].liveness.command',
        'temporal.dynamicConfig.*[].constraints.taskQueueName',
        'archival.provider.mountPath',
        'tls.issuer.name',
        'images.server.repository',
      ]),
    );
  });

  test('every field has a non-empty description', () => {
    const missing = [...new Set(properties.filter((p) => !p.description?.trim()).map((p) => p.path))];
    expect(missing).toEqual([]);
  });

  test('the walker flags a field without a description', () => {
    const missing = (schema: z.ZodType, reused: 'inline' | 'ref') =>
      describedProperties(z.toJSONSchema(schema, { io: 'input', reused }) as JsonSchema)
        .filter((p) => !p.description?.trim())
        .map((p) => p.path);
    const shared = z.strictObject({ f: z.string(), g: z.string().describe('G.') });
    const schema = z.strictObject({
      a: z.string().describe('A.'),
      b: z.array(z.strictObject({ c: z.number() })).describe('B.'),
      d: z
        .record(z.string(), z.strictObject({ e: z.boolean().describe('') }))
        .nullable()
        .describe('D.'),
      h: z.string().describe('H.').nullable(),
      i: z
        .discriminatedUnion('type', [z.strictObject({ type: z.literal('x').describe('X.') }), z.strictObject({ type: z.literal('y') })])
        .describe('I.'),
      j: shared.describe('J.'),
      k: shared,
    });
    expect(missing(schema, 'inline')).toEqual(['b[].c', 'd.*.e', 'h', 'i.type', 'j.f', 'k', 'k.f']);
    // The same fields when the shared object is emitted once, in $defs, and referenced.
    expect(missing(schema, 'ref')).toEqual(['b[].c', 'd.*.e', 'h', 'i.type', 'j.f', 'k', 'k.f']);
  });
});
