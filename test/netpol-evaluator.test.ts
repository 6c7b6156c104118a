/** Unit tests of the NetworkPolicy evaluator (test/netpol.ts) on tiny hand-written policies. */
import { ContainerPort, Labels, NetpolEvaluator, NetworkPolicyObject, Pod, addressInside, cidrContains, selectorMatches } from './netpol';

const pod = (namespace: string, labels: Labels, containerPorts: ContainerPort[] = [], namespaceLabels: Labels = {}): Pod => ({
  name: Object.values(labels).join('-') || 'pod',
  namespace,
  namespaceLabels: { ...namespaceLabels, 'kubernetes.io/metadata.name': namespace },
  labels,
  containerPorts,
});

const policy = (namespace: string, name: string, spec: NetworkPolicyObject['spec']): NetworkPolicyObject => ({
  metadata: { name, namespace },
  spec,
});

const web = pod('shop', { app: 'web' }, [
  { name: 'http', containerPort: 8080, protocol: 'TCP' },
  { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
]);
const api = pod('shop', { app: 'api' }, [
  { name: 'http', containerPort: 9000, protocol: 'TCP' },
  { name: 'dns', containerPort: 5353, protocol: 'UDP' },
]);
const db = pod('shop', { app: 'db' }, [{ containerPort: 5432, protocol: 'TCP' }]);
const otherApi = pod('other', { app: 'api' }, [], { team: 'blue' });
const monitor = pod('monitoring', { app: 'prometheus' }, [], { purpose: 'monitoring' });
const selectorOf = (p: Pod) => ({ matchLabels: p.labels });

describe('isolation', () => {
  test('a namespace without policies allows everything, in and out', () => {
    const net = new NetpolEvaluator([policy('elsewhere', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })]);
    expect(net.allows(web, api, 9000)).toBe(true);
    expect(net.allows(otherApi, db, 5432)).toBe(true);
    expect(net.allows(db, '52.216.0.1', 443)).toBe(true);
    expect(net.allows('203.0.113.7', web, 8080)).toBe(true);
    expect(net.isolated(web, 'Ingress')).toBe(false);
  });

  test('a policy isolates only the pods it selects, and only for its policy types', () => {
    const net = new NetpolEvaluator([policy('shop', 'db-in', { podSelector: selectorOf(db), policyTypes: ['Ingress'] })]);
    expect(net.isolated(db, 'Ingress')).toBe(true);
    expect(net.isolated(db, 'Egress')).toBe(false);
    expect(net.isolated(web, 'Ingress')).toBe(false);
    expect(net.allows(web, db, 5432)).toBe(false);
    expect(net.allows(db, web, 8080)).toBe(true);
    expect(net.allows(web, api, 9000)).toBe(true);
  });

  test('podSelector {} selects every pod of the policy namespace (default deny)', () => {
    const net = new NetpolEvaluator([policy('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })]);
    expect(net.allows(web, api, 9000)).toBe(false);
    expect(net.allows(web, '10.0.0.1', 443)).toBe(false);
    expect(net.allows(monitor, web, 9090)).toBe(false);
    expect(net.allows(monitor, otherApi, 80)).toBe(true);
  });

  test('policies add up: one rule of any selecting policy suffices', () => {
    const net = new NetpolEvaluator([
      policy('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }),
      policy('shop', 'db-from-api', {
        podSelector: selectorOf(db),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: selectorOf(api) }] }],
      }),
    ]);
    const v = net.check(api, db, 5432);
    expect(v).toMatchObject({
      allowed: true,
      ingress: { isolated: true, allowedBy: ['db-from-api#ingress[0]'] },
      egress: { isolated: false },
    });
    expect(net.allows(web, db, 5432)).toBe(false);
  });
});

describe('egress and ingress are both needed', () => {
  const egressToDb = policy('shop', 'api-out', {
    podSelector: selectorOf(api),
    policyTypes: ['Egress'],
    egress: [{ to: [{ podSelector: selectorOf(db) }], ports: [{ port: 5432, protocol: 'TCP' }] }],
  });
  const ingressFromApi = policy('shop', 'db-in', {
    podSelector: selectorOf(db),
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: selectorOf(api) }], ports: [{ port: 5432 }] }],
  });
  const dbDeny = policy('shop', 'db-deny', { podSelector: selectorOf(db), policyTypes: ['Ingress'] });
  const apiDeny = policy('shop', 'api-deny', { podSelector: selectorOf(api), policyTypes: ['Egress'] });

  test('allowed only when the source may send and the destination may receive', () => {
    expect(new NetpolEvaluator([egressToDb, ingressFromApi]).allows(api, db, 5432)).toBe(true);
    expect(new NetpolEvaluator([egressToDb, dbDeny]).check(api, db, 5432)).toMatchObject({
      allowed: false,
      egress: { allowed: true },
      ingress: { allowed: false },
    });
    expect(new NetpolEvaluator([apiDeny, ingressFromApi]).check(api, db, 5432)).toMatchObject({
      allowed: false,
      egress: { allowed: false },
      ingress: { allowed: true },
    });
    expect(new NetpolEvaluator([egressToDb, ingressFromApi]).allows(api, db, 5433)).toBe(false);
    expect(new NetpolEvaluator([egressToDb, ingressFromApi]).allows(web, db, 5432)).toBe(false);
  });

  test('an egress-isolated pod reaches only what its rules list', () => {
    const net = new NetpolEvaluator([egressToDb]);
    expect(net.allows(api, web, 8080)).toBe(false);
    expect(net.allows(api, '8.8.8.8', 53, 'UDP')).toBe(false);
  });
});

describe('rules', () => {
  test('missing or empty from/to and ports match every peer and port', () => {
    for (const rule of [{}, { from: [], ports: [] }]) {
      const net = new NetpolEvaluator([
        policy('shop', 'web-in', { podSelector: selectorOf(web), policyTypes: ['Ingress'], ingress: [rule] }),
      ]);
      expect(net.allows(otherApi, web, 1234)).toBe(true);
      expect(net.allows('198.51.100.1', web, 53, 'UDP')).toBe(true);
    }
    for (const rule of [{}, { to: [], ports: [] }]) {
      const net = new NetpolEvaluator([
        policy('shop', 'web-out', { podSelector: selectorOf(web), policyTypes: ['Egress'], egress: [rule] }),
      ]);
      expect(net.allows(web, '52.216.0.1', 443)).toBe(true);
    }
  });

  test('a selected policy type with no rules denies everything in that direction', () => {
    const net = new NetpolEvaluator([
      policy('shop', 'web', { podSelector: selectorOf(web), policyTypes: ['Ingress', 'Egress'], ingress: [{}] }),
    ]);
    expect(net.allows(api, web, 8080)).toBe(true);
    expect(net.allows(web, api, 9000)).toBe(false);
  });
});

describe('policyTypes default', () => {
  test('absent policyTypes means Ingress, plus Egress when the policy has egress rules', () => {
    const ingressOnly = policy('shop', 'p', { podSelector: selectorOf(web) });
    const withEgress = policy('shop', 'p', { podSelector: selectorOf(web), egress: [{ to: [{ podSelector: selectorOf(db) }] }] });
    const emptyEgress = policy('shop', 'p', { podSelector: selectorOf(web), egress: [] });
    expect(NetpolEvaluator.policyTypes(ingressOnly)).toEqual(['Ingress']);
    expect(NetpolEvaluator.policyTypes(withEgress)).toEqual(['Ingress', 'Egress']);
    expect(NetpolEvaluator.policyTypes(emptyEgress)).toEqual(['Ingress']);
    expect(new NetpolEvaluator([ingressOnly]).allows(web, api, 9000)).toBe(true);
    expect(new NetpolEvaluator([ingressOnly]).allows(api, web, 8080)).toBe(false);
    expect(new NetpolEvaluator([withEgress]).allows(web, api, 9000)).toBe(false);
    expect(new NetpolEvaluator([withEgress]).allows(web, db, 5432)).toBe(true);
  });

  test('explicit policyTypes win over the rules present', () => {
    const egressOnly = policy('shop', 'p', {
      podSelector: selectorOf(web),
      policyTypes: ['Egress'],
      ingress: [{ from: [{ podSelector: selectorOf(api) }] }],
    });
    const net = new NetpolEvaluator([egressOnly]);
    expect(net.isolated(web, 'Ingress')).toBe(false);
    expect(net.allows(db, web, 8080)).toBe(true);
    expect(net.allows(web, db, 5432)).toBe(false);
  });
});

describe('ports', () => {
  const webIn = (ports: any[]) =>
    new NetpolEvaluator([policy('shop', 'web-in', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports }] })]);

  test('protocol defaults to TCP', () => {
    const net = webIn([{ port: 5353 }]);
    expect(net.allows(web, api, 5353, 'TCP')).toBe(true);
    expect(net.allows(web, api, 5353, 'UDP')).toBe(false);
  });

  test('named ports resolve against the destination pod, for the rule protocol', () => {
    const net = webIn([{ port: 'http' }]);
    expect(net.allows(api, web, 8080)).toBe(true);
    expect(net.allows(api, web, 9000)).toBe(false);
    expect(net.allows(web, api, 9000)).toBe(true);
    expect(net.allows(web, api, 8080)).toBe(false);
    expect(net.allows(web, db, 5432)).toBe(false);
    const udp = webIn([{ port: 'dns', protocol: 'UDP' }]);
    expect(udp.allows(web, api, 5353, 'UDP')).toBe(true);
    expect(udp.allows(web, api, 5353, 'TCP')).toBe(false);
    expect(webIn([{ port: 'dns' }]).allows(web, api, 5353, 'UDP')).toBe(false);
  });

  test('a named port in an egress rule never matches an address outside the cluster', () => {
    const net = new NetpolEvaluator([
      policy('shop', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'https' }] }] }),
    ]);
    expect(net.allows(web, '52.216.0.1', 443)).toBe(false);
  });

  test('endPort opens an inclusive range; port without number opens the whole protocol', () => {
    const range = webIn([{ port: 32000, endPort: 32768, protocol: 'TCP' }]);
    expect([31999, 32000, 32500, 32768, 32769].map((p) => range.allows(web, api, p))).toEqual([false, true, true, true, false]);
    const allUdp = webIn([{ protocol: 'UDP' }]);
    expect(allUdp.allows(web, api, 1, 'UDP')).toBe(true);
    expect(allUdp.allows(web, api, 1, 'TCP')).toBe(false);
  });

  test('invalid ports are rejected rather than guessed', () => {
    expect(() => webIn([{ port: '8080' }]).allows(web, api, 8080)).toThrow(/string of digits/);
    expect(() => webIn([{ port: 'http', endPort: 9000 }]).allows(web, api, 9000)).toThrow(/endPort/);
  });
});

describe('peers', () => {
  const dbIn = (from: any[]) =>
    new NetpolEvaluator([policy('shop', 'db-in', { podSelector: selectorOf(db), policyTypes: ['Ingress'], ingress: [{ from }] })]);

  test('podSelector alone means pods of the policy namespace', () => {
    const net = dbIn([{ podSelector: { matchLabels: { app: 'api' } } }]);
    expect(net.allows(api, db, 5432)).toBe(true);
    expect(net.allows(otherApi, db, 5432)).toBe(false);
    expect(net.allows(web, db, 5432)).toBe(false);
  });

  test('namespaceSelector alone means every pod of matching namespaces; {} means every namespace', () => {
    const blue = dbIn([{ namespaceSelector: { matchLabels: { team: 'blue' } } }]);
    expect(blue.allows(otherApi, db, 5432)).toBe(true);
    expect(blue.allows(api, db, 5432)).toBe(false);
    const all = dbIn([{ namespaceSelector: {} }]);
    expect([api, web, otherApi, monitor].every((p) => all.allows(p, db, 5432))).toBe(true);
    expect(all.allows('10.1.2.3', db, 5432)).toBe(false);
  });

  test('namespaceSelector and podSelector in one peer AND; as two peers they OR', () => {
    const both = dbIn([{ namespaceSelector: { matchLabels: { purpose: 'monitoring' } }, podSelector: { matchLabels: { app: 'api' } } }]);
    expect(both.allows(monitor, db, 5432)).toBe(false);
    expect(both.allows(api, db, 5432)).toBe(false);
    expect(both.allows(pod('monitoring', { app: 'api' }, [], { purpose: 'monitoring' }), db, 5432)).toBe(true);
    const either = dbIn([
      { namespaceSelector: { matchLabels: { purpose: 'monitoring' } } },
      { podSelector: { matchLabels: { app: 'api' } } },
    ]);
    expect(either.allows(monitor, db, 5432)).toBe(true);
    expect(either.allows(api, db, 5432)).toBe(true);
    expect(either.allows(otherApi, db, 5432)).toBe(false);
  });

  test('ipBlock matches outside addresses in cidr but not in except, and never pods', () => {
    const net = new NetpolEvaluator([
      policy('shop', 'out', {
        podSelector: selectorOf(web),
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] } }], ports: [{ port: 443 }] }],
      }),
    ]);
    expect(net.allows(web, '10.1.2.3', 443)).toBe(true);
    expect(net.allows(web, '10.96.0.1', 443)).toBe(false);
    expect(net.allows(web, '10.111.255.255', 443)).toBe(false);
    expect(net.allows(web, '10.112.0.0', 443)).toBe(true);
    expect(net.allows(web, '11.0.0.1', 443)).toBe(false);
    expect(net.allows(web, api, 443)).toBe(false);
    const inbound = new NetpolEvaluator([
      policy('shop', 'in', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }),
    ]);
    expect(inbound.allows('203.0.113.9', web, 8080)).toBe(true);
    expect(inbound.allows(api, web, 8080)).toBe(false);
  });

  test('malformed peers are rejected', () => {
    expect(() => dbIn([{}]).allows(api, db, 5432)).toThrow(/must set/);
    expect(() => dbIn([{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }]).allows(api, db, 5432)).toThrow(/ipBlock/);
  });
});

describe('helpers', () => {
  test('label selectors: matchLabels and every matchExpressions operator', () => {
    const l = { app: 'api', tier: 'backend' };
    expect(selectorMatches({}, l)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'api' } }, l)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'api', zone: 'a' } }, l)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend', 'db'] }] }, l)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, l)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['backend'] }] }, l)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, l)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, l)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, l)).toBe(false);
    expect(() => selectorMatches({ matchExpressions: [{ key: 'app', operator: 'Gt' }] }, l)).toThrow(/operator/);
  });

  test('CIDR containment for IPv4 and IPv6', () => {
    expect(cidrContains('0.0.0.0/0', '52.216.0.1')).toBe(true);
    expect(cidrContains('10.20.0.0/16', '10.20.255.255')).toBe(true);
    expect(cidrContains('10.20.0.0/16', '10.21.0.0')).toBe(false);
    expect(cidrContains('192.168.1.7/32', '192.168.1.7')).toBe(true);
    expect(cidrContains('10.0.0.0/8', '::ffff:10.0.0.1')).toBe(false);
    expect(cidrContains('2001:db8::/32', '2001:db8:0:1::5')).toBe(true);
    expect(cidrContains('2001:db8::/32', '2001:db9::1')).toBe(false);
    expect(cidrContains('::ffff:0:0/96', '::ffff:10.0.0.1')).toBe(true);
    expect(() => cidrContains('10.0.0.0/33', '10.0.0.1')).toThrow(/prefix/);
    expect(() => cidrContains('10.0.0.0/8', '10.0.0.256')).toThrow(/not an IP/);
  });

  test('addressInside picks a probe address within a CIDR', () => {
    expect(addressInside('10.20.0.0/16')).toBe('10.20.0.1');
    expect(addressInside('0.0.0.0/0', '10.96.0.1')).toBe('10.96.0.1');
    expect(addressInside('172.16.0.0/12', '10.96.0.1')).toBe('172.16.0.1');
    expect(addressInside('192.168.1.7/32')).toBe('192.168.1.7');
  });
});
