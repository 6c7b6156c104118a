/** Kubernetes metadata maps: label and annotation keys and values, as the API server validates them. */
import { z } from 'zod';
import { DNS1123_SUBDOMAIN, LABEL_VALUE, MAX_MAP_ENTRIES } from './primitives';

/** Kubernetes label keys and annotation keys: `[prefix/]name`, prefix a DNS subdomain (≤ 253), name ≤ 63. */
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'must be [prefix/]name with at most one "/"';
  const name = parts[parts.length - 1];
  if (parts.length === 2 && (parts[0].length > 253 || !DNS1123_SUBDOMAIN.test(parts[0]))) {
    return 'has a prefix (before "/") that must be a DNS subdomain such as "example.com" (lower case, at most 253 characters)';
  }
  if (name.length === 0 || name.length > 63) return 'must have a name (after any "/") of 1 to 63 characters';
  if (!QUALIFIED_NAME.test(name))
    return 'must have a name of letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  return undefined;
}
const qualifiedName = (what: string) =>
  z.string().superRefine((k, ctx) => {
    const problem = qualifiedNameProblem(k);
    if (problem) ctx.addIssue({ code: 'custom', message: `is not a valid ${what} key: it ${problem}` });
  });

const sized = <T extends z.ZodType<Record<string, unknown>>>(map: T) =>
  map.refine((m) => Object.keys(m).length <= MAX_MAP_ENTRIES, `must have at most ${MAX_MAP_ENTRIES} entries`);

export const labelValue = z
  .string()
  .max(63, 'must be a label value of at most 63 characters')
  .regex(LABEL_VALUE, 'must be a label value: empty, or letters, digits, "-", "_" and ".", starting and ending with a letter or digit');
export const labels = sized(z.record(qualifiedName('label'), labelValue));

/** Kubernetes caps the keys and values of one object's annotations at 256 KiB in all. */
const MAX_ANNOTATION_BYTES = 256 * 1024;
export const annotations = sized(z.record(qualifiedName('annotation'), z.string())).refine(
  (a) => Object.entries(a).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0) <= MAX_ANNOTATION_BYTES,
  'must total at most 256 KiB (keys and values)',
);
