/**
 * Every name the app derives from a spec field, built in one place: the charts and constructs use
 * these functions, and the schema checks the names they produce (`generatedNameProblems`), so a
 * field that is fine alone can never yield an object name Kubernetes, cert-manager or Grafana refuses.
 */

/** Kubernetes object names here are DNS-1123 labels; Services also DNS-1035 (a letter first). */
export const MAX_NAME = 63;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** What a worker pool derives from its name (the Deployment, Role, HPA, … are the name itself). */
export const workerPoolNames = (pool: string) => ({
  configMap: `${pool}-config`,
  claim: `${pool}-data`,
  metricsService: `${pool}-metrics`,
});

/** The cert-manager Certificate and Secret of a component's client certificate. */
export const clientTlsName = (component: string) => `${component}-client-tls`;

/** A Job is `<prefix>-<8 hex digits of its pod template>`. */
export const jobName = (prefix: string, digest: string) => `${prefix}-${digest.slice(0, 8)}`;

/** Job name prefixes carry the server version, so a new version runs its setup again. */
export function jobPrefixes(serverVersion: string) {
  const v = serverVersion.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  return { schema: `temporal-schema-${v}`, index: `temporal-es-index-${v}`, namespaces: `temporal-namespaces-${v}` };
}

/** Grafana uids (at most 40 characters), each after `<instance>-`. */
export const MAX_DASHBOARD_UID = 40;
export const DASHBOARD_UIDS = {
  overview: 'temporal-overview',
  workflows: 'temporal-workflows',
  activities: 'temporal-activities',
  services: 'temporal-services',
  workerPools: 'temporal-worker-pools',
} as const;
export const dashboardUidPrefix = (instance: string) => `${instance}-`;

/** X.509 (RFC 5280) caps a commonName at 64 characters; cert-manager refuses longer. */
export const MAX_COMMON_NAME = 64;
export const caCommonName = (instance: string, ca: 'internode' | 'frontend') => `Temporal ${instance} ${ca} CA`;

/** The parts of the spec that name things. */
export interface NamingInput {
  readonly instance: string;
  readonly images: { readonly server: { readonly tag: string } };
  readonly tls: { readonly enabled: boolean; readonly issuer?: { readonly type: string } };
  readonly monitoring: { readonly dashboards: boolean };
  readonly workerPools: readonly { readonly name: string; readonly metricsPort?: number; readonly volume?: unknown }[];
}

export interface NameProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Each derived name that would be too long or malformed, blamed on the field it comes from. */
export function generatedNameProblems(spec: NamingInput): NameProblem[] {
  const out: NameProblem[] = [];
  /** One problem per field: the derived name with the least room, or one that breaks its pattern. */
  const check = (
    path: (string | number)[],
    field: string,
    derived: { what: string; name: string; max: number; pattern?: RegExp }[],
    hint = '',
  ) => {
    const tightest = derived.reduce((a, b) => (b.max - b.name.length < a.max - a.name.length ? b : a));
    const bad = derived.find((d) => !(d.pattern ?? DNS1123_LABEL).test(d.name));
    if (tightest.name.length > tightest.max) {
      const room = tightest.max - (tightest.name.length - field.length);
      out.push({
        path,
        message: `is ${field.length} characters, too long for ${tightest.what} "${tightest.name}" (at most ${tightest.max}); shorten it to at most ${Math.max(room, 0)} characters${hint}`,
      });
    } else if (bad) {
      out.push({
        path,
        message: `yields ${bad.what} "${bad.name}", which must ${bad.pattern === DNS1035_LABEL ? 'start with a letter (a DNS-1035 label)' : 'be a DNS-1123 label'}`,
      });
    }
  };

  spec.workerPools.forEach((p, i) => {
    const n = workerPoolNames(p.name);
    check(['workerPools', i, 'name'], p.name, [
      { what: 'its ConfigMap', name: n.configMap, max: MAX_NAME },
      ...(p.volume ? [{ what: 'its PersistentVolumeClaim', name: n.claim, max: MAX_NAME }] : []),
      ...(p.metricsPort !== undefined
        ? [{ what: 'its metrics Service', name: n.metricsService, max: MAX_NAME, pattern: DNS1035_LABEL }]
        : []),
      ...(spec.tls.enabled ? [{ what: 'its client Certificate and Secret', name: clientTlsName(p.name), max: MAX_NAME }] : []),
    ]);
  });

  const tag = spec.images.server.tag;
  const job = Object.values(jobPrefixes(tag))
    .map((prefix) => jobName(prefix, '0'.repeat(8)))
    .reduce((x, y) => (y.length > x.length ? y : x));
  if (job.length > MAX_NAME) {
    out.push({
      path: ['images', 'server', 'tag'],
      message: `is too long for the setup Job "${job}" (at most ${MAX_NAME} characters with the version and an 8-digit suffix); use a tag of at most ${tag.length - (job.length - MAX_NAME)} characters`,
    });
  }

  const instance = spec.instance;
  if (spec.monitoring.dashboards) {
    check(
      ['instance'],
      instance,
      Object.values(DASHBOARD_UIDS).map((uid) => ({
        what: 'the Grafana dashboard uid',
        name: `${dashboardUidPrefix(instance)}${uid}`,
        max: MAX_DASHBOARD_UID,
      })),
      ', or set monitoring.dashboards: false',
    );
  }
  if (spec.tls.enabled && spec.tls.issuer?.type === 'selfSignedCA') {
    const cn = [caCommonName(instance, 'internode'), caCommonName(instance, 'frontend')].reduce((a, b) => (b.length > a.length ? b : a));
    if (Buffer.byteLength(cn) > MAX_COMMON_NAME) {
      out.push({
        path: ['instance'],
        message: `is too long for the CA certificate's commonName "${cn}" (X.509 allows ${MAX_COMMON_NAME}); shorten it to at most ${MAX_COMMON_NAME - (cn.length - instance.length)} characters`,
      });
    }
  }
  return out;
}
