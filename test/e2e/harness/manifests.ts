/**
 * What the harness runs: exactly the objects of dist/<profile>/ and dist/<profile>-custom-resources/,
 * read as a user's `kubectl apply` would take them. Nothing here reads the spec.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAll } from 'js-yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
}

export interface ProfileManifests {
  readonly profile: string;
  readonly objects: K8sObject[];
  readonly namespace: string;
}

const yamlFiles = (dir: string) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => path.join(dir, f))
    : [];

export function loadManifests(distDir: string, profile: string): ProfileManifests {
  const dirs = [path.join(distDir, profile), path.join(distDir, `${profile}-custom-resources`)];
  if (!fs.existsSync(dirs[0])) throw new Error(`${dirs[0]} does not exist: run npm run synth first`);
  const objects = dirs.flatMap(yamlFiles).flatMap((f) => (loadAll(fs.readFileSync(f, 'utf8')) as K8sObject[]).filter(Boolean));
  const ns = objects.find((o) => o.kind === 'Namespace');
  if (!ns) throw new Error(`${profile}: no Namespace object`);
  return { profile, objects, namespace: ns.metadata.name };
}

export const ofKind = (m: ProfileManifests, kind: string) => m.objects.filter((o) => o.kind === kind);

export function named(m: ProfileManifests, kind: string, name: string): K8sObject {
  const o = m.objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${m.profile}: ${kind}/${name} is not rendered`);
  return o;
}

/** The objects of one Argo CD sync wave, or of every wave up to it. */
export const wave = (o: K8sObject) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

export const selects = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** A JVM worker pool (JAVA_TOOL_OPTIONS) of a TLS profile: the Spring Boot worker stands in for its image. */
export function isJvmTlsPool(d: K8sObject): boolean {
  const env = (d.spec.template.spec.containers[0].env ?? []) as { name: string; value?: string }[];
  return env.some((e) => e.name === 'JAVA_TOOL_OPTIONS') && env.some((e) => e.name === 'TEMPORAL_TLS' && e.value === 'true');
}

/** An object's `app.kubernetes.io/component` label ('' when it has none). */
export const componentOf = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'] ?? '';
