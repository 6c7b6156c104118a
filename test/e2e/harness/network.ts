/**
 * Pod networking without a container runtime: every pod gets its own network namespace with an
 * address on one bridge, so each binds its ports (0.0.0.0:7233, :9090, …) as in a cluster, and
 * Service names resolve through a per-pod /etc/hosts (`ip netns exec` bind-mounts
 * /etc/netns/<ns>/hosts over /etc/hosts) to the addresses of the pods they select.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

// TEMPORAL_E2E_NET (0–200) separates concurrent runs on one machine: its own bridge, subnet and namespaces.
const NET = Number(process.env.TEMPORAL_E2E_NET ?? 0);
const BRIDGE = `te2e${NET}`;
const PREFIX = `10.244.${NET}`;
const NS_PREFIX = `te2e${NET}-`;

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

export interface PodNetwork {
  readonly netns: string;
  readonly ip: string;
  readonly hostname: string;
}

export class Network {
  private next = 10;
  private readonly pods: PodNetwork[] = [];
  /** DNS name → addresses, written into every pod's hosts file. */
  private readonly names = new Map<string, string[]>();

  constructor() {
    Network.teardown();
    ip('link', 'add', BRIDGE, 'type', 'bridge');
    ip('addr', 'add', `${PREFIX}.1/24`, 'dev', BRIDGE);
    ip('link', 'set', BRIDGE, 'up');
  }

  /** Removes everything a previous (perhaps killed) run left behind. */
  static teardown(): void {
    for (const line of ip('netns', 'list').split('\n')) {
      const ns = line.split(' ')[0];
      if (ns.startsWith(NS_PREFIX)) {
        try {
          ip('netns', 'del', ns);
        } catch {
          /* already gone */
        }
        fs.rmSync(path.join('/etc/netns', ns), { recursive: true, force: true });
      }
    }
    // A namespace is destroyed asynchronously once its last process is gone: drop its host-side veth now.
    for (const line of ip('-o', 'link', 'show').split('\n')) {
      const link = /^\d+: ([^@:]+)/.exec(line)?.[1];
      if (link?.startsWith(`te2e${NET}v`)) {
        try {
          ip('link', 'del', link);
        } catch {
          /* gone meanwhile */
        }
      }
    }
    try {
      ip('link', 'del', BRIDGE);
    } catch {
      /* none */
    }
  }

  private extra = 2;

  /** One more address of the harness on the bridge, for a server of its own (a JWKS endpoint). */
  addHostAddress(): string {
    const address = `${PREFIX}.${this.extra++}`;
    ip('addr', 'add', `${address}/24`, 'dev', BRIDGE);
    return address;
  }

  /** The address the harness itself (and the browser) uses to reach pods. */
  get hostAddress(): string {
    return `${PREFIX}.1`;
  }

  addPod(hostname: string): PodNetwork {
    const n = this.next++;
    if (n > 250) throw new Error('out of pod addresses');
    const netns = `${NS_PREFIX}${n}`;
    const veth = `te2e${NET}v${n}`;
    ip('netns', 'add', netns);
    try {
      ip('link', 'del', veth);
    } catch {
      /* the usual case: no leftover */
    }
    ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns);
    ip('link', 'set', veth, 'master', BRIDGE, 'up');
    ip('-n', netns, 'addr', 'add', `${PREFIX}.${n}/24`, 'dev', 'eth0');
    ip('-n', netns, 'link', 'set', 'eth0', 'up');
    ip('-n', netns, 'link', 'set', 'lo', 'up');
    ip('-n', netns, 'route', 'add', 'default', 'via', `${PREFIX}.1`);
    const pod = { netns, ip: `${PREFIX}.${n}`, hostname };
    this.pods.push(pod);
    this.writeHosts();
    return pod;
  }

  removePod(pod: PodNetwork): void {
    try {
      ip('netns', 'del', pod.netns);
    } catch {
      /* gone */
    }
    fs.rmSync(path.join('/etc/netns', pod.netns), { recursive: true, force: true });
    this.pods.splice(this.pods.indexOf(pod), 1);
  }

  /** Points a DNS name (a Service, a headless pod name) at addresses; every hosts file is rewritten. */
  setName(name: string, addresses: string[]): void {
    this.names.set(name, addresses);
    this.writeHosts();
  }

  resolve(name: string): string[] {
    return this.names.get(name) ?? [];
  }

  private writeHosts(): void {
    for (const pod of this.pods) {
      const lines = ['127.0.0.1 localhost', '::1 localhost', `${pod.ip} ${pod.hostname}`];
      for (const [name, addrs] of [...this.names].sort(([a], [b]) => a.localeCompare(b))) {
        for (const a of addrs) lines.push(`${a} ${name}`);
      }
      const dir = path.join('/etc/netns', pod.netns);
      fs.mkdirSync(dir, { recursive: true });
      // Rewritten in place: the file is bind-mounted into running pods, so a rename would not be seen.
      fs.writeFileSync(path.join(dir, 'hosts'), lines.join('\n') + '\n');
      if (!fs.existsSync(path.join(dir, 'resolv.conf')))
        fs.writeFileSync(path.join(dir, 'resolv.conf'), 'options ndots:1 timeout:1 attempts:1\n');
    }
  }

  close(): void {
    for (const pod of [...this.pods]) this.removePod(pod);
    Network.teardown();
  }
}
