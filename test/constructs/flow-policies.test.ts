import { Flow, FlowPeer, FlowPolicies, FlowPoliciesProps } from '../../constructs/flow-policies';
import { K8sObject, find, synthChart, testChart } from '../helpers';
import { NetpolEvaluator, Pod } from '../netpol';
import { ofKind } from './fixtures';

const labels = { 'app.kubernetes.io/part-of': 'temporal', 'app.kubernetes.io/instance': 'temporal-test' };
const frontend: FlowPeer = { id: 'temporal-frontend', pods: { 'app.kubernetes.io/component': 'frontend' } };
const history: FlowPeer = { id: 'temporal-history', pods: { 'app.kubernetes.io/component': 'history' } };
const web: FlowPeer = { id: 'temporal-web', pods: { 'app.kubernetes.io/component': 'web' } };
const monitoring: FlowPeer = { id: 'monitoring', namespaces: { 'kubernetes.io/metadata.name': 'monitoring' } };
const database: FlowPeer = { id: 'database', cidrs: ['10.20.0.0/16', '10.30.0.0/16'] };
const tcp = (...ports: number[]) => ports.map((port) => ({ port, protocol: 'TCP' as const }));
const flow = (from: FlowPeer, to: FlowPeer, ports: Flow['ports'], purpose = 'test'): Flow => ({ from, to, ports, purpose });

const minimal: FlowPoliciesProps = { labels, defaultDenyName: 'temporal-default-deny', components: [], flows: [] };
const table: FlowPoliciesProps = {
  ...minimal,
  components: [frontend, history],
  flows: [
    flow(web, frontend, tcp(7233), 'UI calls'),
    flow(frontend, history, tcp(7234), 'workflow API calls'),
    flow(history, history, tcp(7234), 'shard forwarding'),
    flow(monitoring, frontend, tcp(9090), 'metrics'),
    flow(history, database, tcp(5432), 'persistence'),
  ],
};

function synth(props: FlowPoliciesProps) {
  const chart = testChart();
  new FlowPolicies(chart, 'Policies', props);
  const objects = synthChart(chart);
  return { objects, policy: (name: string) => find(objects, 'NetworkPolicy', name) };
}

const DEFAULT_DNS_EGRESS = [
  {
    to: [
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      },
    ],
    ports: [
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ],
  },
];

describe('FlowPolicies', () => {
  test('minimal props: only the default-deny and the DNS policy', () => {
    const { objects } = synth(minimal);
    expect(objects.map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.name}`)).toEqual([
      'networking.k8s.io/v1/NetworkPolicy/temporal-default-deny',
      'networking.k8s.io/v1/NetworkPolicy/temporal-default-deny-dns',
    ]);
    for (const o of objects) expect(o.metadata).toEqual({ name: o.metadata.name, namespace: 'temporal-test', labels });
  });

  test('all props: every prop shows up', () => {
    const all: Required<FlowPoliciesProps> = {
      labels: { team: 'platform' },
      defaultDenyName: 'deny-all',
      components: [frontend],
      flows: [flow(web, frontend, tcp(7233))],
      dns: { namespace: { 'kubernetes.io/metadata.name': 'dns-system' }, pods: { app: 'coredns' } },
    };
    const { objects, policy } = synth(all);
    expect(objects.map((o) => o.metadata.name)).toEqual(['deny-all', 'deny-all-dns', 'temporal-frontend']);
    for (const o of objects) expect(o.metadata.labels).toEqual({ team: 'platform' });
    expect(policy('deny-all-dns').spec.egress[0].to).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns-system' } },
        podSelector: { matchLabels: { app: 'coredns' } },
      },
    ]);
    expect(policy('temporal-frontend').spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: web.pods } }], ports: [{ port: 7233, protocol: 'TCP' }] },
    ]);
  });

  test('default-deny: every pod (podSelector {}), both directions, no rules', () => {
    expect(synth(table).policy('temporal-default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('DNS: every pod may reach kube-dns in kube-system on 53/UDP and 53/TCP, egress only', () => {
    expect(synth(table).policy('temporal-default-deny-dns').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: DEFAULT_DNS_EGRESS,
    });
  });

  test('a custom dns: both selectors in one peer (pods AND namespace), same ports', () => {
    const dns = { namespace: { 'kubernetes.io/metadata.name': 'dns' }, pods: { 'app.kubernetes.io/name': 'coredns' } };
    expect(synth({ ...minimal, dns }).policy('temporal-default-deny-dns').spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: dns.namespace }, podSelector: { matchLabels: dns.pods } }],
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      },
    ]);
  });

  test('one policy per component, named by its id, selecting its pods, in component order', () => {
    const { objects } = synth(table);
    const components = ofKind(objects, 'NetworkPolicy').slice(2);
    expect(components.map((p) => p.metadata.name)).toEqual(['temporal-frontend', 'temporal-history']);
    expect(components.map((p) => p.spec.podSelector)).toEqual([{ matchLabels: frontend.pods }, { matchLabels: history.pods }]);
    for (const p of components) expect(p.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    // Peers that are not components (web, monitoring, database) get no policy of their own.
    expect(objects.map((o) => o.metadata.name)).not.toContain('temporal-web');
  });

  test('ingress rules for the flows into a component, egress rules for the flows out of it, in flow order', () => {
    const { policy } = synth(table);
    expect(policy('temporal-frontend').spec).toEqual({
      podSelector: { matchLabels: frontend.pods },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: web.pods } }], ports: [{ port: 7233, protocol: 'TCP' }] },
        { from: [{ namespaceSelector: { matchLabels: monitoring.namespaces } }], ports: [{ port: 9090, protocol: 'TCP' }] },
      ],
      egress: [{ to: [{ podSelector: { matchLabels: history.pods } }], ports: [{ port: 7234, protocol: 'TCP' }] }],
    });
    expect(policy('temporal-history').spec).toEqual({
      podSelector: { matchLabels: history.pods },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: frontend.pods } }], ports: [{ port: 7234, protocol: 'TCP' }] },
        { from: [{ podSelector: { matchLabels: history.pods } }], ports: [{ port: 7234, protocol: 'TCP' }] },
      ],
      egress: [
        { to: [{ podSelector: { matchLabels: history.pods } }], ports: [{ port: 7234, protocol: 'TCP' }] },
        { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }, { ipBlock: { cidr: '10.30.0.0/16' } }], ports: [{ port: 5432, protocol: 'TCP' }] },
      ],
    });
  });

  test('peers: pods → podSelector only, namespaces → namespaceSelector only, cidrs → one ipBlock each', () => {
    const target: FlowPeer = { id: 'target', pods: { app: 'target' } };
    const { policy } = synth({
      ...minimal,
      components: [target],
      flows: [
        flow({ id: 'p', pods: { app: 'p' } }, target, tcp(1)),
        flow({ id: 'n', namespaces: { team: 'n' } }, target, tcp(2)),
        flow({ id: 'c', cidrs: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.7/32'] }, target, tcp(3)),
      ],
    });
    expect(policy('target').spec.ingress.map((r: any) => r.from)).toEqual([
      [{ podSelector: { matchLabels: { app: 'p' } } }],
      [{ namespaceSelector: { matchLabels: { team: 'n' } } }],
      [{ ipBlock: { cidr: '192.0.2.0/24' } }, { ipBlock: { cidr: '198.51.100.0/24' } }, { ipBlock: { cidr: '203.0.113.7/32' } }],
    ]);
  });

  test('ports: every destination port of the flow, numeric, with its protocol', () => {
    const dnsLike: FlowPeer = { id: 'resolver', pods: { app: 'resolver' } };
    const { policy } = synth({
      ...minimal,
      components: [dnsLike],
      flows: [
        flow(web, dnsLike, [
          { port: 5353, protocol: 'UDP' },
          { port: 5353, protocol: 'TCP' },
          { port: 8080, protocol: 'TCP' },
        ]),
      ],
    });
    expect(policy('resolver').spec.ingress[0].ports).toEqual([
      { port: 5353, protocol: 'UDP' },
      { port: 5353, protocol: 'TCP' },
      { port: 8080, protocol: 'TCP' },
    ]);
  });

  test('duplicate rules are removed (same peer and ports for two purposes); different ports are kept', () => {
    const { policy } = synth({
      ...minimal,
      components: [frontend, history],
      flows: [
        flow(frontend, history, tcp(7234), 'workflow API calls'),
        flow(frontend, history, tcp(7234), 'the same, for another reason'),
        flow(frontend, history, tcp(6934), 'membership'),
      ],
    });
    expect(policy('temporal-frontend').spec.egress).toEqual([
      { to: [{ podSelector: { matchLabels: history.pods } }], ports: [{ port: 7234, protocol: 'TCP' }] },
      { to: [{ podSelector: { matchLabels: history.pods } }], ports: [{ port: 6934, protocol: 'TCP' }] },
    ]);
    expect(policy('temporal-history').spec.ingress).toHaveLength(2);
  });

  test('a component without pods throws', () => {
    expect(() => synth({ ...minimal, components: [monitoring] })).toThrow('FlowPolicies: component monitoring must select pods');
    expect(() => synth({ ...minimal, components: [database] })).toThrow('FlowPolicies: component database must select pods');
  });

  test('a component with no flows is fully isolated: both policyTypes and no rules', () => {
    const lonely: FlowPeer = { id: 'temporal-admin-tools', pods: { 'app.kubernetes.io/component': 'admin-tools' } };
    const spec = synth({ ...table, components: [...table.components, lonely] }).policy('temporal-admin-tools').spec;
    expect(spec).toEqual({ podSelector: { matchLabels: lonely.pods }, policyTypes: ['Ingress', 'Egress'] });
  });

  test('a component with only outgoing flows has egress rules and no ingress key (ingress denied)', () => {
    const spec = synth({ ...minimal, components: [web, frontend], flows: [flow(web, frontend, tcp(7233))] }).policy('temporal-web').spec;
    expect(spec).not.toHaveProperty('ingress');
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(spec.egress).toHaveLength(1);
  });

  describe('as evaluated with NetworkPolicy semantics', () => {
    const ns = 'temporal-test';
    const nsLabels = { 'kubernetes.io/metadata.name': ns };
    const pod = (p: FlowPeer, namespace = ns, namespaceLabels = nsLabels): Pod => ({
      name: p.id,
      namespace,
      namespaceLabels,
      labels: { ...p.pods },
      containerPorts: [],
    });
    const evaluate = (objects: K8sObject[]) => new NetpolEvaluator(ofKind(objects, 'NetworkPolicy'));
    const props = { ...table, components: [web, frontend, history] };

    test('exactly the listed flows are allowed', () => {
      const e = evaluate(synth(props).objects);
      expect(e.allows(pod(web), pod(frontend), 7233)).toBe(true);
      expect(e.allows(pod(frontend), pod(history), 7234)).toBe(true);
      expect(e.allows(pod(history), pod(history), 7234)).toBe(true);
      expect(e.allows(pod(history), '10.30.4.5', 5432)).toBe(true);
      const prometheus: Pod = {
        name: 'prometheus',
        namespace: 'monitoring',
        namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
        labels: { app: 'prometheus' },
        containerPorts: [],
      };
      expect(e.allows(prometheus, pod(frontend), 9090)).toBe(true);
    });

    test('anything else is denied: reverse direction, other ports, other addresses, other namespaces', () => {
      const e = evaluate(synth(props).objects);
      expect(e.allows(pod(frontend), pod(web), 7233)).toBe(false);
      expect(e.allows(pod(web), pod(history), 7234)).toBe(false);
      expect(e.allows(pod(web), pod(frontend), 7234)).toBe(false);
      expect(e.allows(pod(history), '10.40.0.1', 5432)).toBe(false);
      expect(e.allows(pod(frontend), '10.20.0.1', 5432)).toBe(false);
      expect(e.allows(pod(web), '203.0.113.10', 443)).toBe(false);
      const stranger: Pod = {
        name: 'x',
        namespace: 'other',
        namespaceLabels: { 'kubernetes.io/metadata.name': 'other' },
        labels: { ...frontend.pods },
        containerPorts: [],
      };
      expect(e.allows(stranger, pod(frontend), 9090)).toBe(false);
    });

    test('every pod may resolve names, and only at kube-dns', () => {
      const e = evaluate(synth(props).objects);
      const kubeDns: Pod = {
        name: 'coredns',
        namespace: 'kube-system',
        namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
        labels: { 'k8s-app': 'kube-dns' },
        containerPorts: [],
      };
      const other: Pod = { ...kubeDns, name: 'other', labels: { app: 'other' } };
      for (const p of [web, frontend, history]) {
        expect(e.check(pod(p), kubeDns, 53, 'UDP').egress.allowed).toBe(true);
        expect(e.check(pod(p), kubeDns, 53, 'TCP').egress.allowed).toBe(true);
        expect(e.check(pod(p), other, 53, 'UDP').egress.allowed).toBe(false);
      }
    });
  });

  // BUG (constructs/flow-policies.ts): a peer that selects nothing (`cidrs: []`, or no pods,
  // namespaces or cidrs) renders `from: []` / `to: []`, which NetworkPolicy reads as "every peer":
  // the flow then opens the port to the whole world instead of to no one. The overlay schema lets
  // `networkPolicies.httpsEgressCidrs` be []. Fix: make peerTerm throw when it returns no terms.
  test('a flow whose peer selects nothing throws instead of allowing every peer', () => {
    const none: FlowPeer = { id: 'https', cidrs: [] };
    expect(() => synth({ ...minimal, components: [web], flows: [flow(web, none, tcp(443))] })).toThrow(/https/);
  });
});
