/**
 * Temporal releases the synth knows, and the rules that tie the images of one profile together:
 * the admin-tools image carries the schema files and tools of exactly its server release, and the
 * Web UI must be at least the one the official Helm chart ships with that server minor.
 */
import type { z } from 'zod';

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** `1.31.2`, `v1.31.2`, or a custom build's `1.31.2-dsql.1`: the release it is built from. */
export function parseVersion(tag: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(tag);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

export const formatVersion = (v: Version) => `${v.major}.${v.minor}.${v.patch}`;

export const compareVersions = (a: Version, b: Version) => a.major - b.major || a.minor - b.minor || a.patch - b.patch;

/**
 * The newest patch of each server minor on the Go module proxy
 * (`go list -m -versions go.temporal.io/server`, 2026-12-04): an upgrade takes each minor in turn, at
 * its newest patch.
 */
export const LATEST_PATCH: Readonly<Record<string, string>> = {
  '1.28': '1.28.1',
  '1.29': '1.29.1',
  '1.30': '1.30.9',
  '1.31': '1.31.5',
  '1.32': '1.32.2',
};

/** The Web UI the official Helm chart pairs with each server minor (its `web.image`): the oldest UI this project accepts. */
export const MIN_UI: Readonly<Record<string, string>> = { '1.31': '2.52.0' };

/**
 * The releases to take, one commit each, from `deployed` to `requested` (the last is `requested`).
 * Temporal's upgrade guide: first the newest patch of the current minor, then each next minor at its
 * newest patch.
 */
export function upgradePath(deployed: Version, requested: Version): string[] {
  const steps: string[] = [];
  const newestOf = (minor: number) => LATEST_PATCH[`${deployed.major}.${minor}`];
  const current = newestOf(deployed.minor);
  if (requested.minor > deployed.minor && current && compareVersions(parseVersion(current)!, deployed) > 0) steps.push(current);
  for (let minor = deployed.minor + 1; minor < requested.minor; minor++)
    steps.push(newestOf(minor) ?? `${deployed.major}.${minor}.x (its newest patch)`);
  return [...steps, formatVersion(requested)];
}

interface ImagesInput {
  images: { server: { tag: string }; adminTools: { tag: string }; ui: { tag: string } };
}

/** The image-to-image rules, in the spec's superRefine. */
export function checkImageVersions(spec: ImagesInput, ctx: z.RefinementCtx): void {
  const server = parseVersion(spec.images.server.tag);
  if (!server) return;
  const tools = parseVersion(spec.images.adminTools.tag);
  if (tools && compareVersions(tools, server) !== 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['images', 'adminTools', 'tag'],
      message: `${spec.images.adminTools.tag} does not match the server ${spec.images.server.tag}: the schema Job applies the schema files of the admin-tools release, which must be the server's; set it to ${formatVersion(server)}`,
    });
  }
  const floor = MIN_UI[`${server.major}.${server.minor}`];
  const ui = parseVersion(spec.images.ui.tag);
  if (floor && ui && compareVersions(ui, parseVersion(floor)!) < 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['images', 'ui', 'tag'],
      message: `${spec.images.ui.tag} is older than ${floor}, the Web UI the official chart ships with server ${server.major}.${server.minor}; set at least ${floor}`,
    });
  }
}
