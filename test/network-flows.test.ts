/**
 * The security model of docs/security.md, checked against the rendered NetworkPolicies of
 * every profile with an independent evaluator (test/netpol.ts). The expectations below are written
 * by hand from the model, not derived from charts/flows.ts: required flows must be allowed,
 * forbidden flows denied.
 *
 * With authorization on, an internal frontend (temporal-internal-frontend) serves the server's own
 * callers without JWTs: Temporal finds it through membership (the server config leaves publicClient
 * empty), and the admin tools and namespace Job are configured with its address. It then replaces
 * the public frontend as the target of those system calls, takes part in membership like any role,
 * and — since it skips authorization — must be unreachable for everything but the server and the
 * operator tools.
 */
import {
  Endpoint,
  NetpolEvaluator,
  Pod,
  Protocol,
  addressInside,
  cidrContains,
  describeEndpoint,
  explain,
  inventory,
  selectorMatches,
} from './netpol';
import { ALL_PROFILES, synthesized } from './helpers';

const ROLES = ['frontend', 'history', 'matching', 'worker'] as const;
type Role = (typeof ROLES)[number];
const MEMBERSHIP: Record<Role, number> = { frontend: 6933, history: 6934, matching: 6935, worker: 6939 };
const GRPC = { frontend: 7233, history: 7234, matching: 7235 } as const;
const FRONTEND_HTTP = 7243;
const INTERNAL_FRONTEND = { name: 'temporal-internal-frontend', grpc: 7236, membership: 6936, http: 7246 } as const;
const METRICS = 9090;
const WEB_PORT = 8080;
const ES_HTTP = 9200;
const ES_TRANSPORT = 9300;
/** An S3 address (s3.amazonaws.com) — a public address outside every cluster range. */
const PUBLIC_IP = '52.216.0.1';

interface Probe {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol?: Protocol;
}

describe.each(ALL_PROFILES)('profile %s', (profile) => {
  const { objects, spec } = synthesized(profile);
  const np = spec.networkPolicies;
  const net = new NetpolEvaluator(objects.filter((o) => o.kind === 'NetworkPolicy'));
  const historyLabels = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'temporal-history')?.spec.template.metadata
    .labels;
  // The unrelated pod wears a history pod's labels: a pod selector that leaked across namespaces would let it in.
  const inv = inventory(objects, spec, historyLabels);

  const pod = (name: string): Pod => {
    const p = inv.pods.find((x) => x.name === name);
    if (!p) throw new Error(`no pod of workload ${name} in ${profile}; workloads: ${inv.pods.map((x) => x.name).join(', ')}`);
    return p;
  };
  const podsPrefixed = (prefix: string): Pod[] => {
    const found = inv.pods.filter((x) => x.name.startsWith(prefix));
    if (found.length === 0) throw new Error(`no workload named ${prefix}* in ${profile}`);
    return found;
  };
  const role = (r: Role) => pod(`temporal-${r}`);
  const internalFrontend = spec.authorization.enabled ? pod(INTERNAL_FRONTEND.name) : undefined;
  /** Every server role that runs: the four core roles, plus the internal frontend with authorization. */
  const serverRoles: { pod: Pod; membership: number }[] = [
    ...ROLES.map((r) => ({ pod: role(r), membership: MEMBERSHIP[r] })),
    ...(internalFrontend ? [{ pod: internalFrontend, membership: INTERNAL_FRONTEND.membership }] : []),
  ];
  const roles = serverRoles.map((r) => r.pod);
  /** Where the server's own calls (and the operator tools) go: the internal frontend when it runs. */
  const systemFrontend = internalFrontend
    ? { to: internalFrontend, port: INTERNAL_FRONTEND.grpc }
    : { to: role('frontend'), port: GRPC.frontend };
  const pools = spec.workerPools.map((p) => ({ pool: p, pod: pod(p.name) }));
  const inCluster = spec.persistence.mode === 'inCluster';
  const ext = spec.persistence.external;
  /** Where Temporal's SQL database is: the in-cluster PostgreSQL pod, or an address in the external CIDRs. */
  const db: { to: Endpoint; port: number } = inCluster
    ? { to: pod('temporal-postgres'), port: spec.postgres.port }
    : { to: addressInside(ext!.egressCidrs[0]), port: ext!.port };
  const postgres = inCluster ? pod('temporal-postgres') : undefined;
  const es = spec.elasticsearch.enabled ? pod('temporal-elasticsearch') : undefined;
  const web = spec.ui.enabled ? pod('temporal-web') : undefined;
  const adminTools = spec.adminTools.enabled ? pod('temporal-admin-tools') : undefined;
  const backup = inv.pods.find((p) => p.name === 'temporal-postgres-backup');
  const isClientNamespace = (p: Pod) => np.clientNamespaces.some((labels) => selectorMatches({ matchLabels: labels }, p.namespaceLabels));

  const line = (p: Probe) => `${describeEndpoint(p.from)} → ${describeEndpoint(p.to)}:${p.port}/${p.protocol ?? 'TCP'}`;
  /** Every probe must have the expected outcome; failures list source, destination, port and why. */
  const expectFlows = (expected: 'allowed' | 'denied', probes: Probe[]) => {
    expect(probes.length).toBeGreaterThan(0);
    const wrong = probes.flatMap((p) => {
      const v = net.check(p.from, p.to, p.port, p.protocol ?? 'TCP');
      return v.allowed === (expected === 'allowed')
        ? []
        : [`${line(p)} should be ${expected.toUpperCase()} but is ${v.allowed ? 'allowed' : 'denied'} (${explain(v)})`];
    });
    expect(wrong).toEqual([]);
  };
  const allowed = (probes: Probe[]) => expectFlows('allowed', probes);
  const denied = (probes: Probe[]) => expectFlows('denied', probes);
  const whenEnabled = np.enabled ? test : test.skip;

  describe('required flows are allowed', () => {
    test('every pod of the namespace resolves names via cluster DNS (53/UDP and 53/TCP)', () => {
      allowed(
        inv.pods.flatMap((from) => [
          { from, to: inv.dns, port: 53, protocol: 'UDP' as const },
          { from, to: inv.dns, port: 53, protocol: 'TCP' as const },
        ]),
      );
    });

    test('membership (ringpop): every server role reaches every server role, itself included', () => {
      allowed(serverRoles.flatMap((a) => serverRoles.map((b) => ({ from: a.pod, to: b.pod, port: b.membership }))));
    });

    test('gRPC between the roles', () => {
      const calls: [Role, keyof typeof GRPC][] = [
        ['frontend', 'history'],
        ['frontend', 'matching'],
        ['history', 'history'],
        ['history', 'matching'],
        ['matching', 'history'],
        ['matching', 'matching'],
      ];
      allowed([
        ...calls.map(([a, b]) => ({ from: role(a), to: role(b), port: GRPC[b] })),
        // System calls (history callbacks, the worker role's system workflows) go to the system frontend.
        { from: role('history'), ...systemFrontend },
        { from: role('worker'), ...systemFrontend },
        ...(internalFrontend
          ? [
              { from: internalFrontend, to: role('history'), port: GRPC.history },
              { from: internalFrontend, to: role('matching'), port: GRPC.matching },
            ]
          : []),
      ]);
    });

    test(`clients reach the frontend on 7233 (client namespaces also on 7243); operator tools the ${internalFrontend ? 'internal ' : ''}frontend`, () => {
      const frontend = role('frontend');
      const clients: Pod[] = [...pools.map((p) => p.pod), ...(web ? [web] : [])];
      const operatorTools: Pod[] = [...(adminTools ? [adminTools] : []), ...podsPrefixed('temporal-namespaces-')];
      allowed([
        ...clients.map((from) => ({ from, to: frontend, port: GRPC.frontend })),
        ...operatorTools.map((from) => ({ from, ...systemFrontend })),
        ...inv.clients.flatMap((from) => [
          { from, to: frontend, port: GRPC.frontend },
          { from, to: frontend, port: FRONTEND_HTTP },
        ]),
      ]);
      expect(inv.clients).toHaveLength(np.clientNamespaces.length);
    });

    test(`the SQL database (${inCluster ? 'in-cluster PostgreSQL' : 'external, by CIDR'}) from every role, the schema Job and the backup`, () => {
      const sources = [...roles, ...podsPrefixed('temporal-schema-'), ...(backup ? [backup] : [])];
      allowed(sources.map((from) => ({ from, to: db.to, port: db.port })));
      if (!inCluster) expect(ext!.egressCidrs.some((c) => cidrContains(c, db.to as string))).toBe(true);
    });

    (spec.elasticsearch.enabled ? test : test.skip)('Elasticsearch 9200 from every role and the index Job; 9300 between its nodes', () => {
      allowed([
        ...[...roles, ...podsPrefixed('temporal-es-index-')].map((from) => ({ from, to: es!, port: ES_HTTP })),
        { from: es!, to: es!, port: ES_TRANSPORT },
      ]);
    });

    test('the ingress controller reaches the Web UI; monitoring scrapes every role and worker pool', () => {
      allowed([
        ...(web ? [{ from: inv.ingressController, to: web, port: WEB_PORT }] : []),
        ...roles.map((to) => ({ from: inv.monitoring, to, port: METRICS })),
        ...pools
          .filter((p) => p.pool.metricsPort !== undefined)
          .map((p) => ({ from: inv.monitoring, to: p.pod, port: p.pool.metricsPort! })),
      ]);
    });

    test('worker pools reach the Kubernetes API server on each of its ports', () => {
      const apiServer = addressInside(np.apiServer.cidrs[0], '10.96.0.1');
      allowed(pools.flatMap((p) => np.apiServer.ports.map((port) => ({ from: p.pod, to: apiServer, port }))));
    });

    (spec.archival.provider?.type === 's3store' ? test : test.skip)('S3 archival: every role reaches a public address on 443', () => {
      allowed(roles.map((from) => ({ from, to: PUBLIC_IP, port: 443 })));
    });
  });

  describe('forbidden flows are denied', () => {
    whenEnabled('a default-deny policy isolates every pod of the namespace both ways', () => {
      const unisolated = inv.pods.flatMap((p) =>
        (['Ingress', 'Egress'] as const).filter((d) => !net.isolated(p, d)).map((d) => `${p.name} (${d})`),
      );
      expect(unisolated).toEqual([]);
    });

    whenEnabled("worker pools reach neither the stores nor the internal roles nor other pods' metrics", () => {
      denied(
        pools.flatMap(({ pod: from }) => [
          { from, to: db.to, port: db.port },
          { from, to: role('history'), port: GRPC.history },
          { from, to: role('matching'), port: GRPC.matching },
          { from, to: role('frontend'), port: MEMBERSHIP.frontend },
          ...(internalFrontend ? [{ from, to: internalFrontend, port: INTERNAL_FRONTEND.grpc }] : []),
          ...(es ? [{ from, to: es, port: ES_HTTP }] : []),
          ...roles.map((to) => ({ from, to, port: METRICS })),
          ...pools
            .filter((other) => other.pod !== from && other.pool.metricsPort !== undefined)
            .map((other) => ({ from, to: other.pod, port: other.pool.metricsPort! })),
        ]),
      );
    });

    (np.enabled && (spec.ui.enabled || spec.adminTools.enabled) ? test : test.skip)(
      'the Web UI and admin tools reach neither the stores nor history/matching',
      () => {
        denied([
          ...(web
            ? [
                { from: web, to: db.to, port: db.port },
                { from: web, to: role('history'), port: GRPC.history },
                { from: web, to: role('matching'), port: GRPC.matching },
                ...(es ? [{ from: web, to: es, port: ES_HTTP }] : []),
              ]
            : []),
          ...(adminTools
            ? [
                { from: adminTools, to: db.to, port: db.port },
                { from: adminTools, to: role('history'), port: GRPC.history },
                ...(es ? [{ from: adminTools, to: es, port: ES_HTTP }] : []),
              ]
            : []),
        ]);
      },
    );

    whenEnabled('a pod of an unrelated namespace reaches nothing (even wearing Temporal labels)', () => {
      const from = inv.elsewhere;
      denied([
        { from, to: role('frontend'), port: GRPC.frontend },
        ...(web ? [{ from, to: web, port: WEB_PORT }] : []),
        ...(postgres ? [{ from, to: postgres, port: spec.postgres.port }] : []),
        ...(es ? [{ from, to: es, port: ES_HTTP }] : []),
        ...roles.map((to) => ({ from, to, port: METRICS })),
      ]);
    });

    whenEnabled('the ingress controller reaches only the Web UI; monitoring only metrics', () => {
      denied([
        ...(isClientNamespace(inv.ingressController) ? [] : [{ from: inv.ingressController, to: role('frontend'), port: GRPC.frontend }]),
        ...(postgres ? [{ from: inv.ingressController, to: postgres, port: spec.postgres.port }] : []),
        ...(isClientNamespace(inv.monitoring) ? [] : [{ from: inv.monitoring, to: role('frontend'), port: GRPC.frontend }]),
        ...(postgres ? [{ from: inv.monitoring, to: postgres, port: spec.postgres.port }] : []),
      ]);
    });

    (np.enabled && inCluster ? test : test.skip)('PostgreSQL opens no connection except to DNS', () => {
      const others = inv.all.filter((p) => p !== inv.dns);
      denied([
        { from: postgres!, to: role('frontend'), port: GRPC.frontend },
        { from: postgres!, to: PUBLIC_IP, port: 443 },
        { from: postgres!, to: PUBLIC_IP, port: 5432 },
        ...others.flatMap((to) =>
          to.containerPorts.map((cp) => ({ from: postgres!, to, port: cp.containerPort, protocol: (cp.protocol ?? 'TCP') as Protocol })),
        ),
      ]);
    });

    (np.enabled && internalFrontend ? test : test.skip)(
      'only the server and operator tools reach the internal frontend (it skips authorization)',
      () => {
        const strangers: Pod[] = [
          ...pools.map((p) => p.pod),
          ...(web ? [web] : []),
          ...(postgres ? [postgres] : []),
          ...(es ? [es] : []),
          ...inv.clients,
          inv.ingressController,
          inv.monitoring,
          inv.elsewhere,
        ];
        denied(
          strangers.flatMap((from) => [
            { from, to: internalFrontend!, port: INTERNAL_FRONTEND.grpc },
            { from, to: internalFrontend!, port: INTERNAL_FRONTEND.http },
            { from, to: internalFrontend!, port: INTERNAL_FRONTEND.membership },
          ]),
        );
      },
    );

    (np.enabled && spec.elasticsearch.enabled ? test : test.skip)('Elasticsearch reaches no address outside the cluster', () => {
      denied([
        { from: es!, to: PUBLIC_IP, port: 443 },
        { from: es!, to: PUBLIC_IP, port: ES_TRANSPORT },
      ]);
    });

    whenEnabled('no PostgreSQL traffic to public addresses (roles when in-cluster, worker pools always)', () => {
      denied([
        ...(inCluster ? roles.map((from) => ({ from, to: PUBLIC_IP, port: 5432 })) : []),
        ...pools.map((p) => ({ from: p.pod, to: PUBLIC_IP, port: 5432 })),
      ]);
    });
  });
});
