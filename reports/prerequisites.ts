/**
 * The "Before you apply" sections of dist/<profile>/README.md, read from the rendered objects: the
 * operators whose custom resources the profile uses, the cluster objects it references but does not
 * create, and every Secret its pods, Ingress and operators read — with who makes each one, and the
 * command or remote key for those a person must provide.
 */
import { needsCrd } from '../lib/api-groups';
import { K8s, podTemplate } from './objects';

/** What each operator's API is for here; the temporal scaler first shipped in KEDA 2.17. */
const OPERATORS: Record<string, { operator: string; purpose: string }> = {
  'cert-manager.io': { operator: 'cert-manager', purpose: 'issues the TLS certificates and their CAs' },
  'external-secrets.io': { operator: 'External Secrets Operator', purpose: 'writes Secrets from your secret store' },
  'keda.sh': { operator: 'KEDA 2.17 or newer (the `temporal` scaler)', purpose: 'scales worker pools on the task-queue backlog' },
  'monitoring.coreos.com': { operator: 'prometheus-operator', purpose: 'scrapes the metrics and loads the alert rules' },
};

const group = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const code = (s: string) => `\`${s}\``;

function operatorRows(all: readonly K8s[]): string[] {
  const byGroup = new Map<string, Map<string, number>>();
  for (const o of all.filter((x) => needsCrd(x.apiVersion))) {
    const kinds = byGroup.get(o.apiVersion) ?? new Map<string, number>();
    kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
    byGroup.set(o.apiVersion, kinds);
  }
  return [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([apiVersion, kinds]) => {
      const op = OPERATORS[group(apiVersion)] ?? { operator: group(apiVersion), purpose: '' };
      const list = [...kinds.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, n]) => `${k} × ${n}`)
        .join(', ');
      return `| ${op.operator} | ${code(apiVersion)}: ${list} | ${op.purpose} |`;
    });
}

/** Cluster objects the profile names but does not render. */
function referencedObjects(all: readonly K8s[]): string[] {
  const refs = new Set<string>();
  const roles = new Map<string, string[]>();
  for (const o of all) {
    if (o.kind === 'Ingress') {
      if (o.spec?.ingressClassName)
        refs.add(`IngressClass ${code(o.spec.ingressClassName)} (an ingress controller serving it), for Ingress ${code(o.metadata.name)}`);
      const issuer = o.metadata.annotations?.['cert-manager.io/cluster-issuer'];
      if (issuer) refs.add(`ClusterIssuer ${code(issuer)} (cert-manager), which issues the Ingress certificate`);
    }
    if (o.kind === 'ExternalSecret' && o.spec?.secretStoreRef) {
      refs.add(
        `${o.spec.secretStoreRef.kind ?? 'SecretStore'} ${code(o.spec.secretStoreRef.name)} (External Secrets Operator), holding the remote keys below`,
      );
    }
    const claims =
      o.kind === 'PersistentVolumeClaim'
        ? [o.spec]
        : o.kind === 'StatefulSet'
          ? (o.spec?.volumeClaimTemplates ?? []).map((t: K8s) => t.spec)
          : [];
    for (const c of claims) {
      refs.add(c?.storageClassName ? `StorageClass ${code(c.storageClassName)}` : 'a default StorageClass (claims name none)');
    }
    const role = o.kind === 'ServiceAccount' ? o.metadata.annotations?.['eks.amazonaws.com/role-arn'] : undefined;
    if (role) roles.set(role, [...(roles.get(role) ?? []), o.metadata.name]);
  }
  for (const [role, accounts] of roles)
    refs.add(`IAM role ${code(role)} (IRSA), for ServiceAccounts ${[...accounts].sort().map(code).join(', ')}`);
  return [...refs].sort().map((r) => `- ${r}`);
}

interface SecretUse {
  readonly keys: Set<string>;
  readonly readers: Set<string>;
}

/** Every Secret something reads, with the keys it reads and who reads it. */
function secretUses(all: readonly K8s[]): Map<string, SecretUse> {
  const uses = new Map<string, SecretUse>();
  const use = (name: string, reader: string, key?: string) => {
    const u = uses.get(name) ?? { keys: new Set<string>(), readers: new Set<string>() };
    if (key) u.keys.add(key);
    u.readers.add(reader);
    uses.set(name, u);
  };
  for (const o of all) {
    const reader = `${o.kind} ${o.metadata.name}`;
    const pod = podTemplate(o)?.spec;
    if (pod) {
      for (const v of pod.volumes ?? []) {
        if (v.secret) {
          const items = v.secret.items ?? [];
          if (!items.length) use(v.secret.secretName, reader);
          for (const it of items) use(v.secret.secretName, reader, it.key);
        }
        for (const s of v.projected?.sources ?? [])
          if (s.secret) use(s.secret.name, reader, ...(s.secret.items ?? []).map((i: { key: string }) => i.key));
      }
      for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
        for (const e of c.env ?? [])
          if (e.valueFrom?.secretKeyRef) use(e.valueFrom.secretKeyRef.name, reader, e.valueFrom.secretKeyRef.key);
        for (const e of c.envFrom ?? []) if (e.secretRef) use(e.secretRef.name, reader);
      }
      for (const s of pod.imagePullSecrets ?? []) use(s.name, reader, '.dockerconfigjson');
    }
    if (o.kind === 'Ingress')
      for (const t of o.spec?.tls ?? [])
        if (t.secretName) {
          use(t.secretName, reader, 'tls.crt');
          use(t.secretName, reader, 'tls.key');
        }
    if (o.kind === 'TriggerAuthentication') for (const p of o.spec?.secretTargetRef ?? []) use(p.name, reader, p.key);
    if (o.kind === 'Issuer' && o.spec?.ca?.secretName) use(o.spec.ca.secretName, reader);
  }
  return uses;
}

function secretRows(all: readonly K8s[], namespace: string): string[] {
  const rendered = new Set(all.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name));
  const certificates = new Map(all.filter((o) => o.kind === 'Certificate').map((o) => [o.spec?.secretName as string, o.metadata.name]));
  const external = new Map(
    all.filter((o) => o.kind === 'ExternalSecret').map((o) => [(o.spec?.target?.name as string) ?? o.metadata.name, o]),
  );
  const ingressShim = new Set(
    all
      .filter((o) => o.kind === 'Ingress' && o.metadata.annotations?.['cert-manager.io/cluster-issuer'])
      .flatMap((o) => (o.spec?.tls ?? []).map((t: { secretName: string }) => t.secretName)),
  );
  return [...secretUses(all).entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, u]) => {
      const keys = [...u.keys].sort();
      let source: string;
      if (rendered.has(name)) source = 'rendered here (development only: a generated value)';
      else if (certificates.has(name)) source = `cert-manager, from Certificate ${code(certificates.get(name)!)}`;
      else if (ingressShim.has(name)) source = 'cert-manager, from the Ingress annotation';
      else if (external.has(name)) {
        const es = external.get(name)!;
        const remote = [...new Set((es.spec?.data ?? []).map((d: { remoteRef: { key: string } }) => d.remoteRef.key))] as string[];
        const props = (es.spec?.data ?? []).map(
          (d: { secretKey: string; remoteRef: { property?: string } }) => `${d.secretKey} ← ${d.remoteRef.property ?? d.secretKey}`,
        );
        source = `External Secrets: store entry ${remote.map(code).join(', ')} (${props.join(', ')})`;
      } else {
        const literals = (keys.length ? keys : ['<key>']).map((k) => `--from-literal=${k}='…'`).join(' ');
        source = `**you**: ${code(`kubectl -n ${namespace} create secret generic ${name} ${literals}`)}`;
      }
      return `| ${code(name)} | ${keys.map(code).join(', ') || '(all keys)'} | ${[...u.readers].sort().join(', ')} | ${source} |`;
    });
}

export function prerequisitesSection(all: readonly K8s[], namespace: string): string[] {
  const operators = operatorRows(all);
  const referenced = referencedObjects(all);
  return [
    '## Before you apply',
    '',
    ...(operators.length
      ? [
          'Operators whose custom resources this profile renders (install them, with their CRDs, first):',
          '',
          '| operator | API and kinds | for |',
          '|---|---|---|',
          ...operators,
          '',
        ]
      : ['No operator is needed: every object is of a built-in kind.', '']),
    ...(referenced.length ? ['Cluster objects this profile references but does not create:', '', ...referenced, ''] : []),
    'Every Secret the pods, the Ingress and the operators read, and who provides it (pods that need a missing Secret wait in `ContainerCreating` or `CreateContainerConfigError`):',
    '',
    '| Secret | keys | read by | provided by |',
    '|---|---|---|---|',
    ...secretRows(all, namespace),
  ];
}
