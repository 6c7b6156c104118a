/**
 * The emulated cluster of one profile: its ConfigMaps and Secrets (rendered ones as written,
 * ExternalSecrets and Certificates materialised as their operators would), persistent claims as
 * folders, pods as processes in their own network namespaces, and Service names pointing at the
 * ready pods they select.
 */
import { ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Images } from './images';
import { K8sObject, ProfileManifests, named, ofKind, selects } from './manifests';
import { Network } from './network';
import { CertManager } from './pki';
import { Pod, PodTemplate, killGroup } from './pod';

export type Data = Record<string, Buffer>;

export class Cluster {
  readonly network = new Network();
  readonly pods: Pod[] = [];
  private readonly configMaps = new Map<string, Data>();
  private readonly secrets = new Map<string, Data>();
  private readonly children = new Set<ChildProcess>();
  private readonly podCount = new Map<string, number>();

  private current: ProfileManifests;

  /** What is applied now: the manifests the cluster started from, or the last `apply`. */
  get manifests(): ProfileManifests {
    return this.current;
  }

  constructor(
    manifests: ProfileManifests,
    readonly runDir: string,
    readonly images: Images,
    readonly log: (line: string) => void,
  ) {
    this.current = manifests;
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.mkdirSync(path.join(runDir, 'logs'), { recursive: true });
    fs.chmodSync(runDir, 0o755);
    this.loadObjects(manifests);
    for (const [name, data] of new CertManager(manifests.objects, path.join(runDir, 'pki')).issueAll()) this.secrets.set(name, data);
    this.materialiseExternalSecrets();
    this.userSecrets = this.createUserSecrets();
  }

  /**
   * `kubectl apply` of another output of the same profile (an upgrade): ConfigMaps and rendered
   * Secrets are replaced, ExternalSecrets synced again; issued certificates stay, as cert-manager keeps
   * a certificate whose spec did not change. Running pods keep what they mounted; new pods see the new
   * objects.
   */
  apply(next: ProfileManifests): void {
    if (next.namespace !== this.current.namespace) throw new Error(`apply: namespace ${next.namespace} is not ${this.current.namespace}`);
    this.current = next;
    this.loadObjects(next);
    this.materialiseExternalSecrets();
  }

  private loadObjects(manifests: ProfileManifests): void {
    for (const cm of ofKind(manifests, 'ConfigMap')) {
      this.configMaps.set(
        cm.metadata.name,
        Object.fromEntries([
          ...Object.entries(cm.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]),
          ...Object.entries(cm.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64')]),
        ]),
      );
    }
    for (const s of ofKind(manifests, 'Secret')) {
      this.secrets.set(
        s.metadata.name,
        Object.fromEntries([
          ...Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64')]),
          ...Object.entries(s.stringData ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]),
        ]),
      );
    }
  }

  /** Secrets docs/deploy.md ("Secrets to create") tells the user to create before applying (referenced, provided by nothing rendered). */
  readonly userSecrets: string[];

  private createUserSecrets(): string[] {
    const wanted = new Map<string, Set<string>>();
    const want = (name: string, key?: string) => {
      if (this.secrets.has(name)) return;
      const keys = wanted.get(name) ?? new Set<string>();
      if (key) keys.add(key);
      wanted.set(name, keys);
    };
    for (const o of this.manifests.objects) {
      const pod = o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec?.template?.spec;
      if (!pod) continue;
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        for (const e of c.env ?? [])
          if (e.valueFrom?.secretKeyRef && !e.valueFrom.secretKeyRef.optional)
            want(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
        for (const f of c.envFrom ?? []) if (f.secretRef && !f.secretRef.optional) want(f.secretRef.name);
      }
      for (const v of pod.volumes ?? [])
        if (v.secret && !v.secret.optional) for (const i of v.secret.items ?? [{ key: undefined }]) want(v.secret.secretName, i.key);
    }
    for (const [name, keys] of wanted)
      this.secrets.set(name, Object.fromEntries([...keys].map((k) => [k, Buffer.from(randomBytes(18).toString('base64url'))])));
    return [...wanted].map(([name, keys]) => `${name} (${[...keys].join(', ') || 'no keys read'})`);
  }

  get namespace(): string {
    return this.manifests.namespace;
  }

  /**
   * Every ExternalSecret becomes the Secret it maps, with a generated value per remote key and
   * property (so two Secrets that read the same remote value agree), as the store would return it.
   */
  private readonly remoteStore = new Map<string, string>();

  private materialiseExternalSecrets(): void {
    const store = this.remoteStore;
    const remote = (key: string, property?: string) => {
      const id = `${key}#${property ?? ''}`;
      if (!store.has(id)) store.set(id, randomBytes(18).toString('base64url'));
      return store.get(id)!;
    };
    for (const es of ofKind(this.manifests, 'ExternalSecret')) {
      const target = es.spec.target?.name ?? es.metadata.name;
      const data: Data = {};
      for (const d of es.spec.data ?? []) data[d.secretKey] = Buffer.from(remote(d.remoteRef.key, d.remoteRef.property));
      if (es.spec.dataFrom?.length) throw new Error(`ExternalSecret ${es.metadata.name}: dataFrom is not supported by the harness`);
      const templated = es.spec.target?.template?.data as Record<string, string> | undefined;
      if (templated) {
        for (const [k, tpl] of Object.entries(templated))
          data[k] = Buffer.from(tpl.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, key) => data[key]?.toString() ?? ''));
      }
      this.secrets.set(target, data);
    }
  }

  /**
   * Puts a value into the secret store behind the ExternalSecret that fills `secretName`/`key` (a
   * CA bundle, a minted JWT) and syncs it again, as external-secrets would after a store change.
   */
  setExternalSecretValue(secretName: string, key: string, value: string): void {
    const es = ofKind(this.manifests, 'ExternalSecret').find((e) => (e.spec.target?.name ?? e.metadata.name) === secretName);
    const ref = es?.spec.data?.find((d: { secretKey: string }) => d.secretKey === key)?.remoteRef;
    if (!ref) throw new Error(`no ExternalSecret fills ${secretName}/${key}`);
    this.remoteStore.set(`${ref.key}#${ref.property ?? ''}`, value);
    this.materialiseExternalSecrets();
  }

  /** Remote values the harness chose for ExternalSecrets and generated Secrets: e.g. the DB password. */
  secretValue(name: string, key: string): string {
    return this.secret(name)[key].toString();
  }

  configMap(name: string, optional = false): Data {
    const cm = this.configMaps.get(name);
    if (!cm && !optional) throw new Error(`ConfigMap ${name} is referenced but neither rendered nor created by an operator`);
    return cm ?? {};
  }

  secret(name: string, optional = false): Data {
    const s = this.secrets.get(name);
    if (!s && !optional)
      throw new Error(`Secret ${name} is referenced but neither rendered nor created by an operator (Certificate, ExternalSecret)`);
    return s ?? {};
  }

  /** A Secret a user creates by hand before applying (docs/deploy.md "Secrets to create"). */
  addSecret(name: string, data: Record<string, string | Buffer>): void {
    this.secrets.set(name, Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(v)])));
  }

  setConfigMapKey(name: string, key: string, value: string): void {
    this.configMap(name)[key] = Buffer.from(value);
  }

  claimDir(claim: string): string {
    const dir = path.join(this.runDir, 'claims', claim);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  logFile(name: string): string {
    return path.join(this.runDir, 'logs', `${name}.log`);
  }

  track(child: ChildProcess): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
  }

  /** A new pod of a workload (Deployment/StatefulSet/Job/CronJob template). */
  newPod(workload: K8sObject, opts: { ordinal?: number } = {}): Pod {
    const template: PodTemplate = workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template : workload.spec.template;
    const n = this.podCount.get(workload.metadata.name) ?? 0;
    this.podCount.set(workload.metadata.name, n + 1);
    const name = workload.kind === 'StatefulSet' ? `${workload.metadata.name}-${opts.ordinal ?? n}` : `${workload.metadata.name}-${n}`;
    const network = this.network.addPod(name);
    const claims: Record<string, string> = {};
    for (const t of workload.kind === 'StatefulSet' ? (workload.spec.volumeClaimTemplates ?? []) : [])
      claims[t.metadata.name] = `${t.metadata.name}-${name}`;
    const pod = new Pod(this, name, template, network, claims);
    this.pods.push(pod);
    if (workload.kind === 'StatefulSet' && workload.spec.serviceName) {
      this.network.setName(`${name}.${workload.spec.serviceName}.${this.namespace}.svc.cluster.local`, [network.ip]);
    }
    return pod;
  }

  workload(kind: string, name: string): K8sObject {
    return named(this.manifests, kind, name);
  }

  /** Points every Service's names at the ready pods it selects (headless or not, as the endpoints controller does). */
  async refreshServices(): Promise<void> {
    for (const svc of ofKind(this.manifests, 'Service')) {
      const selector = svc.spec.selector as Record<string, string> | undefined;
      if (!selector) continue;
      const ready: string[] = [];
      for (const pod of this.pods.filter((p) => selects(selector, p.labels))) {
        if (svc.spec.publishNotReadyAddresses || (await pod.ready().catch(() => false))) ready.push(pod.ip);
      }
      const ns = this.namespace;
      for (const name of [
        svc.metadata.name,
        `${svc.metadata.name}.${ns}`,
        `${svc.metadata.name}.${ns}.svc`,
        `${svc.metadata.name}.${ns}.svc.cluster.local`,
      ]) {
        this.network.setName(name, ready);
      }
    }
  }

  async removePod(pod: Pod, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await pod.stop(signal);
    this.pods.splice(this.pods.indexOf(pod), 1);
    this.network.removePod(pod.network);
    await this.refreshServices();
  }

  private readonly cleanups: (() => Promise<void>)[] = [];

  /**
   * Mutating admission the cluster would run (e.g. the EKS pod identity webhook): env added to
   * every container of the pods it matches, by their ServiceAccount.
   */
  readonly envWebhooks: { serviceAccounts: (name: string) => boolean; env: Record<string, string> }[] = [];

  /** The env a webhook injects into a pod of this ServiceAccount. */
  injectedEnv(serviceAccount: string | undefined): Record<string, string> {
    return Object.assign({}, ...this.envWebhooks.filter((w) => serviceAccount && w.serviceAccounts(serviceAccount)).map((w) => w.env));
  }

  /** Something of the harness's own to stop with the cluster (a JWKS server). */
  onClose(fn: () => Promise<void>): void {
    this.cleanups.push(fn);
  }

  /** Stops every process and removes every namespace; safe to call twice. */
  async close(): Promise<void> {
    for (const fn of this.cleanups.splice(0)) await fn().catch(() => undefined);
    await Promise.all([...this.pods].map((p) => p.stop('SIGTERM', 5000).catch(() => undefined)));
    for (const c of this.children) killGroup(c, 'SIGKILL');
    this.network.close();
  }
}
