import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Application } from '../imports/argocd-application';
import { AppProject } from '../imports/argocd-appproject';
import type { Spec } from '../config/schema';

export interface ArgoCdProfile {
  readonly profile: string;
  readonly spec: Spec;
  /** Every object the profile renders, for the AppProject's resource whitelist. */
  readonly kinds: readonly { apiVersion: string; kind: string }[];
  readonly hasCustomResources: boolean;
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/**
 * The Argo CD side of GitOps: one AppProject limited to this repository, the profiles' namespaces and
 * exactly the kinds they render, and one Application per profile reading dist/<profile>/ and
 * dist/<profile>-custom-resources/ with the profile's sync policy. Written to dist/argocd/ for an
 * app-of-apps (or `kubectl apply -f dist/argocd`).
 */
export class ArgoCdChart extends Chart {
  constructor(scope: Construct, id: string, profiles: readonly ArgoCdProfile[]) {
    super(scope, id, { disableResourceNameHashes: true });
    if (profiles.length === 0) throw new Error('ArgoCdChart: no profiles');
    const first = profiles[0].spec.gitops;
    for (const p of profiles) {
      const g = p.spec.gitops;
      if (g.project !== first.project || g.argocdNamespace !== first.argocdNamespace || g.repoURL !== first.repoURL) {
        throw new Error(
          `profile "${p.profile}": gitops.project, argocdNamespace and repoURL must be the same in every profile (one AppProject)`,
        );
      }
    }
    const labels = {
      'app.kubernetes.io/part-of': 'temporal',
      'app.kubernetes.io/managed-by': 'cdk8s',
      'app.kubernetes.io/component': 'gitops',
    };

    const kinds = new Map<string, { group: string; kind: string }>();
    for (const p of profiles) {
      for (const k of p.kinds) {
        const group = groupOf(k.apiVersion);
        kinds.set(`${group}/${k.kind}`, { group, kind: k.kind });
      }
    }
    const sorted = [...kinds.values()].sort((a, b) => `${a.group}/${a.kind}`.localeCompare(`${b.group}/${b.kind}`));
    new AppProject(this, 'Project', {
      metadata: { name: first.project, namespace: first.argocdNamespace, labels },
      spec: {
        description: 'Temporal, synthesized by the cdk8s app in this repository',
        sourceRepos: [first.repoURL],
        destinations: [
          ...new Map(
            profiles.map((p) => [
              `${p.spec.gitops.destinationServer} ${p.spec.namespace.name}`,
              { server: p.spec.gitops.destinationServer, namespace: p.spec.namespace.name },
            ]),
          ).values(),
        ],
        // The Namespace is the only cluster-scoped object; everything else is namespaced and listed.
        clusterResourceWhitelist: sorted.filter((k) => k.kind === 'Namespace'),
        namespaceResourceWhitelist: sorted.filter((k) => k.kind !== 'Namespace'),
        // Secrets written by cert-manager and external-secrets, or created by hand, are expected here.
        orphanedResources: { warn: true, ignore: [{ group: '', kind: 'Secret', name: '*' }] },
      },
    });

    const instances = profiles.map((p) => p.spec.instance);
    if (new Set(instances).size !== instances.length)
      throw new Error('ArgoCdChart: every profile needs its own instance (it names the Application)');
    for (const p of profiles) {
      const g = p.spec.gitops;
      const dirs = [p.profile, ...(p.hasCustomResources ? [`${p.profile}-custom-resources`] : [])];
      new Application(this, `App-${p.profile}`, {
        metadata: {
          // Named like the instance: with Argo CD's label tracking (its default before 3.0), the
          // app.kubernetes.io/instance label it writes then keeps the value every selector expects.
          name: p.spec.instance,
          namespace: g.argocdNamespace,
          labels: { ...labels, 'app.kubernetes.io/instance': p.spec.instance },
          // Deleting the Application deletes what it deployed.
          // Domain-qualified with a path, as the API server asks (it warns on the bare name); the
          // same foreground deletion of the Application's resources.
          finalizers: ['resources-finalizer.argocd.argoproj.io/foreground'],
        },
        spec: {
          project: g.project,
          source: {
            repoUrl: g.repoURL,
            targetRevision: g.targetRevision,
            path: g.distPath,
            // Only this profile's YAML: README.md and other profiles are not manifests for it.
            directory: { recurse: true, include: `{${dirs.map((d) => `${d}/*.yaml`).join(',')}}` },
          },
          destination: { server: g.destinationServer, namespace: p.spec.namespace.name },
          syncPolicy: {
            automated: g.syncPolicy === 'manual' ? undefined : { prune: g.syncPolicy === 'automated-prune', selfHeal: true },
            // The Namespace is one of the manifests (with its Pod Security labels).
            syncOptions: ['CreateNamespace=false', 'PruneLast=true', 'ApplyOutOfSyncOnly=true'],
            retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m0s' } },
          },
        },
      });
    }
  }
}
