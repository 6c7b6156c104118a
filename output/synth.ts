/**
 * Renders a Spec to files: one folder per profile (built-in kinds), its custom-resources sibling, and
 * dist/argocd/. Callers write into a temporary folder; output-folder.ts swaps it into place.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { ArgoCdChart } from '../charts/argocd-chart';
import { buildTemporalStack } from '../charts/temporal-stack';
import type { Spec } from '../config/schema';
import { needsCrd } from '../lib/api-groups';
import { JsonValue, toYaml } from '../lib/yaml';
import { inventory } from '../reports/inventory';

export { needsCrd };

/** Where the objects that need CRDs go, beside dist/<profile>/: apply it once the operators run. */
export const customResourcesDir = (profileDir: string) => `${profileDir}-custom-resources`;

/**
 * Writes one file per chart, `NNNN-<chart>.k8s.yaml` in apply order (the Namespace first): built-in
 * kinds to `outdir`, objects that need a CRD to `<outdir>-custom-resources`, so `kubectl apply -R` of
 * the first works on a cluster without the operators. Returns the number of objects. Serialised by
 * lib/yaml.ts, a fraction of the cost of cdk8s's own YAML writer on this hot path.
 */
export function synthProfile(spec: Spec, outdir: string): { [key: string]: JsonValue }[] {
  const app = new App({ outdir, recordConstructMetadata: false });
  const charts = buildTemporalStack(app, spec);
  const crdir = customResourcesDir(outdir);
  fs.mkdirSync(outdir, { recursive: true });
  const all: { [key: string]: JsonValue }[] = [];
  charts.forEach((chart, i) => {
    const docs = chart.toJson() as { [key: string]: JsonValue }[];
    all.push(...docs);
    const name = `${String(i).padStart(4, '0')}-${chart.node.id}.k8s.yaml`;
    const core = docs.filter((d) => !needsCrd(String(d.apiVersion)));
    const custom = docs.filter((d) => needsCrd(String(d.apiVersion)));
    if (core.length) fs.writeFileSync(path.join(outdir, name), core.map(toYaml).join('---\n'));
    if (custom.length) {
      fs.mkdirSync(crdir, { recursive: true });
      fs.writeFileSync(path.join(crdir, name), custom.map(toYaml).join('---\n'));
    }
  });
  fs.writeFileSync(path.join(outdir, 'README.md'), inventory(spec, all, path.basename(outdir)));
  return all;
}

export const ARGOCD_DIR = 'argocd';

/** dist/argocd/: the AppProject and one Application per profile, for an app-of-apps to point at. */
export function synthArgoCd(
  profiles: readonly { profile: string; spec: Spec; objects: { [key: string]: JsonValue }[] }[],
  outdir: string,
): void {
  const app = new App({ outdir, recordConstructMetadata: false });
  const chart = new ArgoCdChart(
    app,
    'argocd',
    profiles.map((p) => ({
      profile: p.profile,
      spec: p.spec,
      kinds: p.objects.map((o) => ({ apiVersion: String(o.apiVersion), kind: String(o.kind) })),
      hasCustomResources: p.objects.some((o) => needsCrd(String(o.apiVersion))),
    })),
  );
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, '0000-argocd.k8s.yaml'), (chart.toJson() as JsonValue[]).map(toYaml).join('---\n'));
}
