/**
 * A small YAML writer for plain JSON values (Kubernetes objects, the Temporal config). Block style,
 * two-space indent, multi-line strings as literal blocks. Every string that a YAML 1.1 or 1.2 parser
 * could read as something else (`yes`, `on`, `1.31`, `0777`, `null`, …) is quoted, so kubectl,
 * Argo CD and the Temporal server all read back exactly the value written. It is several times faster
 * than a general-purpose YAML library, which matters on the synth hot path.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

/** Words YAML 1.1 reads as booleans or null (compared lower-case). */
const RESERVED = new Set(['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null', '~']);
/**
 * Plain scalars we allow unquoted: start with a letter, `_` or `/` (never a digit, sign or dot, which
 * could read as a number or timestamp) and contain no indicator that YAML would interpret.
 */
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./@%+=,-]*(?:[ :][A-Za-z0-9_./@%+=,-]+)*$/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they must be escaped
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

function quoted(s: string): string {
  if (PLAIN.test(s) && !RESERVED.has(s.toLowerCase())) return s;
  if (!CONTROL.test(s) && !s.includes('\n') && !s.includes('\t')) return `'${s.replace(/'/g, "''")}'`;
  return JSON.stringify(s);
}

/** A literal block (`|`, `|-` or `|+`), or undefined when the text needs a quoted scalar instead. */
function literalBlock(s: string, indent: string): string | undefined {
  const lines = s.split('\n');
  const trailing = /\n*$/.exec(s)![0].length;
  if (CONTROL.test(s) || /^\s/.test(s) || lines.some((l) => l.length > 0 && l.trim().length === 0)) return undefined;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = trailing === 0 ? lines : lines.slice(0, -1);
  return `|${chomp}\n${body.map((l) => (l ? indent + l : '')).join('\n')}`;
}

function scalar(v: JsonValue, indent: string): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write ${v} as YAML`);
    return String(v);
  }
  if (typeof v === 'string') return (v.includes('\n') && literalBlock(v, indent)) || quoted(v);
  throw new Error(`cannot write a ${typeof v} as a YAML scalar`);
}

const isMapping = (v: JsonValue | undefined): v is { [key: string]: JsonValue | undefined } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function write(v: JsonValue, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  if (Array.isArray(v)) {
    for (const item of v) {
      if (Array.isArray(item) || (isMapping(item) && Object.keys(item).length === 0)) {
        out.push(`${pad}- ${JSON.stringify(item)}`);
      } else if (isMapping(item)) {
        const start = out.length;
        write(item, depth + 1, out);
        out[start] = `${pad}- ${out[start].slice(pad.length + 2)}`;
      } else {
        out.push(`${pad}- ${scalar(item, `${pad}  `)}`);
      }
    }
    return;
  }
  if (!isMapping(v)) throw new Error('a YAML document must be a mapping or a sequence');
  for (const [k, val] of Object.entries(v)) {
    if (val === undefined) continue;
    const key = quoted(k);
    if ((Array.isArray(val) && val.length === 0) || (isMapping(val) && Object.keys(val).length === 0)) {
      out.push(`${pad}${key}: ${Array.isArray(val) ? '[]' : '{}'}`);
    } else if (Array.isArray(val) || isMapping(val)) {
      out.push(`${pad}${key}:`);
      write(val, depth + 1, out);
    } else {
      out.push(`${pad}${key}: ${scalar(val, `${pad}  `)}`);
    }
  }
}

/** One YAML document (no `---`), ending in a newline. */
export function toYaml(doc: JsonValue): string {
  const out: string[] = [];
  write(doc, 0, out);
  return `${out.join('\n')}\n`;
}
