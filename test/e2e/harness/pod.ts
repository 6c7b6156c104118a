/**
 * One pod of a rendered template, run as processes: its containers start inside the pod's network
 * namespace and a private mount namespace in which every volume is bind-mounted at its mountPath
 * (ConfigMaps, Secrets, emptyDirs and claims materialised under the pod's folder), as the
 * container's user (runAsUser/runAsGroup, fsGroup as a supplementary group), with its env resolved
 * the way the kubelet resolves it. What a container image brings (binaries, schema files, the
 * default command) comes from the image adapters in images.ts.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import type { Cluster } from './cluster';
import type { ImageRuntime } from './images';
import type { PodNetwork } from './network';

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: any[];
  envFrom?: any[];
  volumeMounts?: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
  workingDir?: string;
  securityContext?: { runAsUser?: number; runAsGroup?: number };
  readinessProbe?: any;
  livenessProbe?: any;
  startupProbe?: any;
  ports?: { containerPort: number; name?: string }[];
}

export interface PodTemplate {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    containers: Container[];
    initContainers?: Container[];
    volumes?: any[];
    securityContext?: any;
    hostname?: string;
    subdomain?: string;
    serviceAccountName?: string;
  };
}

interface Bind {
  src: string;
  dst: string;
  readOnly: boolean;
  file: boolean;
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** `$(VAR)` references in env values, command and args, expanded as the kubelet does ($$ escapes). */
export function expandRefs(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name) => (m === '$$' ? '$' : name in env ? env[name] : m));
}

export class Pod {
  readonly dir: string;
  readonly processes = new Map<string, ChildProcess>();
  private readonly volumeDirs = new Map<string, { dir: string; file?: false }>();
  private stopped = false;

  constructor(
    private readonly cluster: Cluster,
    readonly name: string,
    readonly template: PodTemplate,
    readonly network: PodNetwork,
    /** claim name for each volumeClaimTemplate (StatefulSets). */
    private readonly claims: Record<string, string> = {},
  ) {
    this.dir = path.join(cluster.runDir, 'pods', name);
    fs.mkdirSync(this.dir, { recursive: true });
    this.materialiseVolumes();
  }

  get labels(): Record<string, string> {
    return this.template.metadata.labels ?? {};
  }

  get ip(): string {
    return this.network.ip;
  }

  private get podSecurity() {
    return this.template.spec.securityContext ?? {};
  }

  private materialiseVolumes(): void {
    const fsGroup: number | undefined = this.podSecurity.fsGroup;
    for (const v of this.template.spec.volumes ?? []) {
      let dir: string;
      if (v.configMap || v.secret) {
        const source = v.configMap ? this.cluster.configMap(v.configMap.name) : this.cluster.secret(v.secret.secretName);
        const items: { key: string; path: string }[] | undefined = (v.configMap ?? v.secret).items;
        dir = path.join(this.dir, 'volumes', v.name);
        fs.mkdirSync(dir, { recursive: true });
        const mode = (v.configMap ?? v.secret).defaultMode ?? 0o644;
        for (const { key, path: rel } of items ?? Object.keys(source).map((k) => ({ key: k, path: k }))) {
          if (!(key in source))
            throw new Error(`pod ${this.name}: volume ${v.name} needs key ${key}, which its ${v.configMap ? 'ConfigMap' : 'Secret'} lacks`);
          const file = path.join(dir, rel);
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, source[key]);
          fs.chmodSync(file, mode);
          if (fsGroup !== undefined) fs.chownSync(file, 0, fsGroup);
        }
      } else if (v.emptyDir) {
        dir = path.join(this.dir, 'volumes', v.name);
        fs.mkdirSync(dir, { recursive: true });
        this.own(dir, fsGroup);
      } else if (v.persistentVolumeClaim) {
        dir = this.cluster.claimDir(v.persistentVolumeClaim.claimName);
        this.own(dir, fsGroup);
      } else {
        throw new Error(`pod ${this.name}: volume ${v.name} has a kind the harness cannot materialise: ${Object.keys(v).join(', ')}`);
      }
      this.volumeDirs.set(v.name, { dir });
    }
    for (const [name, claim] of Object.entries(this.claims)) {
      const dir = this.cluster.claimDir(claim);
      this.own(dir, fsGroup);
      this.volumeDirs.set(name, { dir });
    }
  }

  /** What the kubelet does for fsGroup: the group owns the volume and may write it. */
  private own(dir: string, fsGroup: number | undefined): void {
    if (fsGroup === undefined) return;
    fs.chownSync(dir, this.podSecurity.runAsUser ?? 0, fsGroup);
    fs.chmodSync(dir, 0o2775);
  }

  /** The container's environment, resolved as the kubelet does (envFrom first, then env in order). */
  environment(c: Container): Record<string, string> {
    const env: Record<string, string> = { ...this.cluster.injectedEnv(this.template.spec.serviceAccountName) };
    for (const from of c.envFrom ?? []) {
      const source = from.configMapRef
        ? this.cluster.configMap(from.configMapRef.name, from.configMapRef.optional)
        : this.cluster.secret(from.secretRef.name, from.secretRef.optional);
      for (const [k, v] of Object.entries(source)) env[(from.prefix ?? '') + k] = v.toString();
    }
    for (const e of c.env ?? []) {
      if ('value' in e) env[e.name] = expandRefs(String(e.value ?? ''), env);
      else if (e.valueFrom?.secretKeyRef) {
        const s = this.cluster.secret(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.optional);
        if (e.valueFrom.secretKeyRef.key in s) env[e.name] = s[e.valueFrom.secretKeyRef.key].toString();
        else if (!e.valueFrom.secretKeyRef.optional)
          throw new Error(
            `pod ${this.name}: env ${e.name}: Secret ${e.valueFrom.secretKeyRef.name} has no key ${e.valueFrom.secretKeyRef.key}`,
          );
      } else if (e.valueFrom?.configMapKeyRef) {
        const m = this.cluster.configMap(e.valueFrom.configMapKeyRef.name, e.valueFrom.configMapKeyRef.optional);
        if (e.valueFrom.configMapKeyRef.key in m) env[e.name] = m[e.valueFrom.configMapKeyRef.key].toString();
      } else if (e.valueFrom?.fieldRef) {
        const field = e.valueFrom.fieldRef.fieldPath;
        const value = {
          'status.podIP': this.ip,
          'status.podIPs': this.ip,
          'status.hostIP': this.cluster.network.hostAddress,
          'metadata.name': this.name,
          'metadata.namespace': this.cluster.namespace,
          'spec.nodeName': 'e2e-node',
          'spec.serviceAccountName': 'default',
        }[field as string];
        if (value === undefined) throw new Error(`pod ${this.name}: env ${e.name}: fieldRef ${field} is not supported by the harness`);
        env[e.name] = value;
      } else if (e.valueFrom?.resourceFieldRef) {
        throw new Error(`pod ${this.name}: env ${e.name}: resourceFieldRef is not supported by the harness`);
      }
    }
    return env;
  }

  private binds(c: Container, image: ImageRuntime): Bind[] {
    const out: Bind[] = image.binds.map((b) => ({ ...b, readOnly: true, file: fs.statSync(b.src).isFile() }));
    if (image.passwd?.length) {
      const passwd = path.join(this.dir, `passwd-${c.name}`);
      fs.writeFileSync(passwd, fs.readFileSync('/etc/passwd', 'utf8').trimEnd() + '\n' + image.passwd.join('\n') + '\n');
      out.push({ src: passwd, dst: '/etc/passwd', readOnly: true, file: true });
    }
    for (const m of c.volumeMounts ?? []) {
      const v = this.volumeDirs.get(m.name);
      if (!v) throw new Error(`pod ${this.name}: container ${c.name} mounts ${m.name}, which is not a volume of the pod`);
      const src = m.subPath ? path.join(v.dir, m.subPath) : v.dir;
      if (!fs.existsSync(src)) fs.mkdirSync(src, { recursive: true });
      out.push({ src, dst: m.mountPath, readOnly: Boolean(m.readOnly), file: fs.statSync(src).isFile() });
    }
    return out;
  }

  /** The shell script that enters the container's view of the pod and execs its process. */
  private launcher(c: Container, argv: string[], extraEnv: Record<string, string> = {}): string {
    const image = this.cluster.images.runtime(c.image);
    const env = { ...image.env, ...this.environment(c), ...extraEnv };
    const sc = { ...this.podSecurity, ...(c.securityContext ?? {}) };
    const uid = sc.runAsUser ?? image.user ?? 0;
    const gid = sc.runAsGroup ?? uid;
    const groups = [...new Set([gid, ...(this.podSecurity.fsGroup !== undefined ? [this.podSecurity.fsGroup] : [])])];
    const lines = ['set -e', `hostname ${shq(this.network.hostname)}`];
    for (const b of this.binds(c, image)) {
      lines.push(b.file ? `mkdir -p ${shq(path.dirname(b.dst))}; [ -e ${shq(b.dst)} ] || : > ${shq(b.dst)}` : `mkdir -p ${shq(b.dst)}`);
      lines.push(`mount --bind ${shq(b.src)} ${shq(b.dst)}`);
      if (b.readOnly) lines.push(`mount -o remount,bind,ro ${shq(b.dst)}`);
    }
    lines.push(`cd ${shq(c.workingDir ?? image.workingDir ?? '/')}`);
    const envArgs = Object.entries(env)
      .map(([k, v]) => shq(`${k}=${v}`))
      .join(' ');
    lines.push(
      `exec setpriv --reuid=${uid} --regid=${gid} --groups=${groups.join(',')} --no-new-privs -- env -i ${envArgs} ${argv.map(shq).join(' ')}`,
    );
    return lines.join('\n') + '\n';
  }

  /** command/args as the kubelet combines them with the image's entrypoint and cmd. */
  argv(c: Container): string[] {
    const image = this.cluster.images.runtime(c.image);
    const env = { ...image.env, ...this.environment(c) };
    const expand = (a: string[]) => a.map((x) => expandRefs(x, env));
    const replaced = image.override?.(c);
    if (replaced) return replaced;
    if (c.command) return expand([...c.command, ...(c.args ?? [])]);
    return expand(image.entrypoint(c.args));
  }

  /** Starts a container's process; its output goes to logs/<pod>.<container>.log. */
  start(c: Container, opts: { argv?: string[]; extraEnv?: Record<string, string> } = {}): ChildProcess {
    const script = path.join(this.dir, `${c.name}.sh`);
    fs.writeFileSync(script, this.launcher(c, opts.argv ?? this.argv(c), opts.extraEnv));
    const log = fs.openSync(this.cluster.logFile(`${this.name}.${c.name}`), 'a');
    const child = spawn('ip', ['netns', 'exec', this.network.netns, 'unshare', '--uts', 'sh', script], {
      stdio: ['ignore', log, log],
      detached: true,
    });
    fs.closeSync(log);
    this.processes.set(c.name, child);
    this.cluster.track(child);
    return child;
  }

  /** Runs a container to completion (init containers, Job containers, exec probes). */
  async runToCompletion(c: Container, timeoutMs: number, opts: { argv?: string[] } = {}): Promise<number> {
    const child = this.start(c, opts);
    return waitExit(child, timeoutMs, `${this.name}/${c.name}`);
  }

  private execs = 0;

  /** Runs a command in a container of the pod (as `kubectl exec`): exit code and output. */
  async exec(c: Container, argv: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
    const name = `${c.name}-exec-${++this.execs}`;
    const code = await this.runToCompletion({ ...c, name }, timeoutMs, { argv });
    return { code, output: fs.readFileSync(this.cluster.logFile(`${this.name}.${name}`), 'utf8') };
  }

  /** Init containers in order, each to exit 0, then every container started. */
  async run(initTimeoutMs: number): Promise<void> {
    for (const c of this.template.spec.initContainers ?? []) {
      const code = await this.runToCompletion(c, initTimeoutMs);
      if (code !== 0)
        throw new Error(
          `pod ${this.name}: init container ${c.name} exited ${code} (log: ${this.cluster.logFile(`${this.name}.${c.name}`)})`,
        );
    }
    for (const c of this.template.spec.containers) this.keepRunning(c);
  }

  /** Container restarts so far (restartPolicy Always, with the kubelet's doubling back-off from 10 s). */
  readonly restarts = new Map<string, number>();

  private keepRunning(c: Container): void {
    const child = this.start(c);
    child.once('exit', () => {
      if (this.stopped || this.processes.get(c.name) !== child) return;
      const n = (this.restarts.get(c.name) ?? 0) + 1;
      this.restarts.set(c.name, n);
      const backoff = Math.min(10_000 * 2 ** (n - 1), 300_000);
      setTimeout(() => {
        if (!this.stopped && this.processes.get(c.name) === child) this.keepRunning(c);
      }, backoff).unref();
    });
  }

  /** A Job's pod: init containers, then every container, all to exit 0. */
  async complete(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const c of [...(this.template.spec.initContainers ?? []), ...this.template.spec.containers]) {
      const code = await this.runToCompletion(c, Math.max(1000, deadline - Date.now()));
      if (code !== 0)
        throw new Error(
          `Job pod ${this.name}: container ${c.name} exited ${code} (log: ${this.cluster.logFile(`${this.name}.${c.name}`)})`,
        );
    }
  }

  /** One evaluation of a container's readiness probe (exec in the container, HTTP or TCP to the pod). */
  async ready(c: Container = this.template.spec.containers[0]): Promise<boolean> {
    const p = c.readinessProbe;
    const proc = this.processes.get(c.name);
    if (!proc || proc.exitCode !== null) return false;
    if (!p) return true;
    const port = (x: number | string) => (typeof x === 'number' ? x : (c.ports?.find((cp) => cp.name === x)?.containerPort ?? Number(x)));
    const timeoutMs = (p.timeoutSeconds ?? 1) * 1000 + 2000;
    if (p.exec) {
      return (await this.runToCompletion({ ...c, name: `${c.name}-probe` }, timeoutMs, { argv: p.exec.command }).catch(() => 1)) === 0;
    }
    if (p.httpGet) {
      const scheme = (p.httpGet.scheme ?? 'HTTP').toLowerCase();
      try {
        const r = await fetch(`${scheme}://${this.ip}:${port(p.httpGet.port)}${p.httpGet.path ?? '/'}`, {
          signal: AbortSignal.timeout(timeoutMs),
        });
        return r.status >= 200 && r.status < 400;
      } catch {
        return false;
      }
    }
    const target = p.tcpSocket ? port(p.tcpSocket.port) : p.grpc ? p.grpc.port : undefined;
    if (target === undefined) throw new Error(`pod ${this.name}: probe of ${c.name} has no handler the harness knows`);
    // gRPC probes are checked as TCP connects (the harness has no gRPC health client).
    return tcpOpen(this.ip, target, timeoutMs);
  }

  /** Throws once a container has crash-looped `limit` times. */
  checkCrashLoop(limit = 4): void {
    for (const [name, n] of this.restarts) {
      if (n >= limit)
        throw new Error(`pod ${this.name}: container ${name} restarted ${n} times (log: ${this.cluster.logFile(`${this.name}.${name}`)})`);
    }
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.checkCrashLoop();
      if (await this.allReady()) return;
      if (Date.now() > deadline) throw new Error(`pod ${this.name} not ready after ${timeoutMs / 1000} s`);
      await sleep(1000);
    }
  }

  private async allReady(): Promise<boolean> {
    for (const c of this.template.spec.containers) if (!(await this.ready(c))) return false;
    return true;
  }

  /** SIGTERM (or SIGKILL) every process of the pod. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const alive = [...this.processes.values()].filter((p) => p.exitCode === null && p.signalCode === null);
    this.processes.clear();
    for (const p of alive) killGroup(p, signal);
    await Promise.all(alive.map((p) => waitExit(p, graceMs, this.name).catch(() => killGroup(p, 'SIGKILL'))));
  }
}

export function killGroup(p: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (p.pid) process.kill(-p.pid, signal);
  } catch {
    /* already gone */
  }
}

export function waitExit(child: ChildProcess, timeoutMs: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    if (child.signalCode !== null) return resolve(128);
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(new Error(`${what}: no exit after ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? 128);
    });
  });
}

export function tcpOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The exit code of a command, for quick checks. */
export const succeeds = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
