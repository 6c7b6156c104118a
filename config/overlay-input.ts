/**
 * What a YAML overlay file may be before it is parsed and merged: at most 1 MiB of UTF-8, with no
 * key that would reach an object's prototype while merging, and no list or mapping (aliases
 * expanded) larger than the synth is built for. Each check returns a problem, or undefined.
 */
import * as fs from 'fs';
import { MAX_MAP_ENTRIES } from './primitives';

export const MAX_OVERLAY_BYTES = 1024 * 1024;
/** Entries of one list or mapping: the schema's own limit for labels, so one number applies everywhere. */
export const MAX_ENTRIES = MAX_MAP_ENTRIES;
/** Values in one file, counting each alias every time it is used (a "billion laughs" file is tiny). */
export const MAX_VALUES = 100_000;
/** Nesting of lists and mappings, aliases expanded; the spec itself is at most 6 deep. */
export const MAX_DEPTH = 32;
/** Keys that would set or shadow an object's prototype when merged. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The file's bytes, reading at most one byte past the limit (a FIFO or /dev/zero never ends). */
export function readBounded(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(MAX_OVERLAY_BYTES + 1);
    let n = 0;
    for (let r = -1; r !== 0 && n < buf.length; n += r) r = fs.readSync(fd, buf, n, buf.length - n, null);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

const BOMS: readonly [number[], string][] = [
  [[0x00, 0x00, 0xfe, 0xff], 'UTF-32 (big-endian)'],
  [[0xff, 0xfe, 0x00, 0x00], 'UTF-32 (little-endian)'],
  [[0xfe, 0xff], 'UTF-16 (big-endian)'],
  [[0xff, 0xfe], 'UTF-16 (little-endian)'],
];

/** The text of an overlay file, or why it is not UTF-8 text. A UTF-8 byte-order mark is dropped. */
export function decodeOverlay(bytes: Buffer): { text: string } | { problem: string } {
  if (bytes.length > MAX_OVERLAY_BYTES) {
    return {
      problem: `is larger than ${MAX_OVERLAY_BYTES / 1024 / 1024} MiB, the most an overlay may be; state only what differs from the profile`,
    };
  }
  const bom = BOMS.find(([mark]) => mark.every((b, i) => bytes[i] === b));
  if (bom) return { problem: `is ${bom[1]} text; save it as UTF-8` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    const line = lossy.slice(0, lossy.indexOf('\ufffd')).split('\n').length;
    return { problem: `is not valid UTF-8 (first bad byte on line ${line}; Latin-1 or Windows-1252 text?); save it as UTF-8` };
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0)
    return {
      problem: `contains a NUL character on line ${text.slice(0, nul).split('\n').length} (UTF-16 text without a byte-order mark?); save it as UTF-8`,
    };
  return { text };
}

/** The first structural problem of a parsed overlay, with the path to it. */
export function structureProblem(doc: unknown): { path: (string | number)[]; message: string } | undefined {
  let values = 0;
  const walk = (node: unknown, path: (string | number)[]): { path: (string | number)[]; message: string } | undefined => {
    if (++values > MAX_VALUES) {
      return {
        path,
        message: `the file holds more than ${MAX_VALUES} values (aliases counted each time they are used); an overlay states only what differs from the profile`,
      };
    }
    if (typeof node !== 'object' || node === null) return undefined;
    if (path.length >= MAX_DEPTH)
      return { path, message: `nests lists and mappings more than ${MAX_DEPTH} levels deep; the spec is far shallower` };
    const size = Array.isArray(node) ? node.length : Object.keys(node).length;
    if (size > MAX_ENTRIES) return { path, message: `has ${size} entries; at most ${MAX_ENTRIES} are allowed in one list or mapping` };
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [k, v] of entries) {
      if (typeof k === 'string' && FORBIDDEN_KEYS.has(k)) {
        return {
          path: [...path, k],
          message: `"${k}" is not allowed as a key (it would reach the prototype of merged objects); remove it`,
        };
      }
      const problem = walk(v, [...path, k]);
      if (problem) return problem;
    }
    return undefined;
  };
  return walk(doc, []);
}
