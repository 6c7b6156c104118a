/**
 * One profile, start to finish, in the order of its Argo CD sync waves: datastores, schema and
 * index Jobs, Temporal roles, the namespace Job, then UI, admin tools and worker pools (each step
 * names the wave its objects carry); then the checks that only a running system can answer.
 */
import * as fs from 'fs';
import type { Cluster } from './harness/cluster';
import { componentOf, isJvmTlsPool, K8sObject, ofKind, wave } from './harness/manifests';
import { Pod, sleep } from './harness/pod';
import type { Report } from './harness/report';
import { checkMetrics } from './checks/metrics';
import { checkWebUi } from './checks/web-ui';
import { startIngress } from './harness/ingress';
import { ExternalCa, Issuer, startExternalPostgres } from './harness/external';
import { installPodIdentityWebhook, s3Archival, startS3 } from './harness/s3';

export interface ScenarioOptions {
  /** The temporal-server binary, whose metric definitions back the fault-only metrics. */
  readonly serverBinary: string;
  /** The S3 (and STS) stand-in, for profiles that archive to S3. */
  readonly s3Binary: string;
}

const component = componentOf;
const SERVER_ROLES = ['frontend', 'internal-frontend', 'history', 'matching', 'worker'];

/** A profile that is up: its pods and how to run operator and SDK client commands in it. */
export interface Running {
  readonly rolePods: Map<string, Pod[]>;
  readonly clientPods: Map<string, Pod>;
  readonly admin: (argv: string[], timeout?: number) => Promise<string>;
  readonly client: (...argv: string[]) => Promise<any>;
  readonly clientPod: Pod;
  readonly tsPool: K8sObject;
  readonly pools: K8sObject[];
  readonly isJvmTls: (d: K8sObject) => boolean;
  /** The identity provider the harness stands up when the profile has authorization. */
  readonly issuer?: Issuer;
  /** The rendered Temporal config file. */
  readonly config: string;
}

export async function runScenario(cluster: Cluster, report: Report, opts: ScenarioOptions): Promise<void> {
  const running = await bringUp(cluster, report, opts);
  if (running) await runChecks(cluster, report, opts, running);
}

/** Every wave of the profile, in order; undefined when a step failed (the report says which). */
export async function bringUp(cluster: Cluster, report: Report, opts: ScenarioOptions): Promise<Running | undefined> {
  const m = cluster.manifests;
  const deployments = ofKind(m, 'Deployment');
  const jobs = ofKind(m, 'Job').sort((a, b) => wave(a) - wave(b));

  const config = String(ofKind(m, 'ConfigMap').find((c) => c.data?.['config.yaml'])?.data['config.yaml'] ?? '');
  const db = /connectAddr: ([^:\s]+):(\d+)/.exec(config);
  const externalDb = db && !db[1].endsWith('.svc.cluster.local') ? db[1] : undefined;
  const jwksUrl = /keySourceURIs:\s*\n\s*- (\S+)/.exec(config)?.[1];
  const issuer = jwksUrl ? new Issuer() : undefined;
  const buckets = s3Archival(m).buckets;
  if (externalDb || issuer || buckets.length) {
    const outside = await report.step('outside world: managed PostgreSQL over TLS, JWKS over HTTPS, pool JWTs, S3', 180, async () => {
      const ca = new ExternalCa(`${cluster.runDir}/external`);
      const done: string[] = [];
      const role = deployments.find((d) => component(d) === 'frontend')!;
      const roleEnv = role.spec.template.spec.containers[0].env as {
        name: string;
        valueFrom?: { secretKeyRef?: { name: string; key: string } };
      }[];
      if (externalDb) {
        // The CA bundle and the password come from the secret store, as the provider hands them over.
        const caVolume = (
          role.spec.template.spec.volumes as { name: string; secret?: { secretName: string; items?: { key: string }[] } }[]
        ).find((v) => v.name.endsWith('-ca') && v.secret);
        if (caVolume) cluster.setExternalSecretValue(caVolume.secret!.secretName, caVolume.secret!.items?.[0]?.key ?? 'ca.crt', ca.pem);
        const pw = roleEnv.find((e) => e.name === 'TEMPORAL_DEFAULT_STORE_PASSWORD')?.valueFrom?.secretKeyRef;
        const user = /user: (\S+)/.exec(config)?.[1] ?? 'temporal';
        await startExternalPostgres(cluster, ca, externalDb, user, pw ? cluster.secretValue(pw.name, pw.key) : 'postgres');
        done.push(`PostgreSQL at ${externalDb} (TLS, CA via ${caVolume?.secret?.secretName ?? 'none'})`);
        report.notes.push(
          `${externalDb}: a PostgreSQL run by the harness (the postgres stand-in with ssl=on) with a server certificate from a harness CA, handed to the profile through the secret store`,
        );
      }
      if (issuer && jwksUrl) {
        await issuer.serve(cluster, ca, jwksUrl);
        cluster.onClose(() => issuer.close());
        cluster.images.systemTrust = ca.systemBundle();
        const claim = /permissionsClaimName: (\S+)/.exec(config)?.[1] ?? 'permissions';
        for (const pool of deployments.filter((d) => component(d) === 'worker-pool')) {
          const env = pool.spec.template.spec.containers[0].env as {
            name: string;
            value?: string;
            valueFrom?: { secretKeyRef?: { name: string; key: string } };
          }[];
          const ref = env.find((e) => e.name === 'TEMPORAL_API_KEY')?.valueFrom?.secretKeyRef;
          const ns = env.find((e) => e.name === 'TEMPORAL_NAMESPACE')?.value ?? 'default';
          if (ref) cluster.setExternalSecretValue(ref.name, ref.key, issuer.token({ sub: pool.metadata.name, [claim]: [`${ns}:write`] }));
        }
        done.push(`JWKS at ${jwksUrl}; pool tokens with "${claim}": <namespace>:write`);
        report.notes.push(
          `${new URL(jwksUrl).hostname}: a JWKS endpoint run by the harness over HTTPS with a harness CA, added to the system trust store of the server and UI images (/etc/ssl/certs/ca-certificates.crt); it also serves the issuer's OIDC discovery document; pool API keys are JWTs it signs`,
        );
      }
      if (buckets.length) {
        const s3 = await startS3(cluster, opts.s3Binary, buckets);
        cluster.onClose(() => s3.close());
        const accounts = installPodIdentityWebhook(cluster, s3);
        done.push(`S3 and STS for ${buckets.join(', ')}; IRSA env for ${accounts.length} ServiceAccounts`);
        report.notes.push(
          `AWS: S3 and STS stand-ins (gofakes3 in a wrapper, test/e2e/build/s3) answer at the AWS host names over HTTPS with a harness CA (AWS_CA_BUNDLE); the EKS pod identity webhook's env (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_REGION) is injected into pods of ServiceAccounts annotated with eks.amazonaws.com/role-arn`,
        );
      }
      return done.join('; ');
    });
    if (!outside) return undefined;
  }

  const ok = await report.step(
    `wave ${Math.min(...ofKind(m, 'StatefulSet').map(wave))}: datastores ready (StatefulSets)`,
    300,
    async () => {
      const out: string[] = [];
      for (const sts of ofKind(m, 'StatefulSet')) {
        // The OpenSearch stand-in for Elasticsearch runs single-node (see the substitutions).
        const replicas = component(sts) === 'visibility' ? 1 : (sts.spec.replicas ?? 1);
        for (let i = 0; i < replicas; i++) {
          const pod = cluster.newPod(sts, { ordinal: i });
          await pod.run(120_000);
          await pod.waitReady(240_000);
          out.push(pod.name);
        }
      }
      await cluster.refreshServices();
      return out.join(', ');
    },
  );
  if (!ok) return undefined;

  const roles = deployments.filter((d) => SERVER_ROLES.includes(component(d)));
  const roleWave = Math.min(...roles.map(wave));
  const clients = deployments.filter((d) => ['admin-tools', 'web', 'worker-pool'].includes(component(d)));
  const clientWave = Math.min(...clients.map(wave));
  const runJob = async (job: K8sObject, what: string) => {
    const deadline = job.spec.activeDeadlineSeconds ?? 600;
    return report.step(`wave ${wave(job)}: Job ${job.metadata.name}${what}`, deadline, () => cluster.newPod(job).complete(deadline * 1000));
  };

  for (const job of jobs.filter((j) => wave(j) < roleWave)) if (!(await runJob(job, ''))) return undefined;

  const rolePods = new Map<string, Pod[]>();
  const rolesUp = await report.step(`wave ${roleWave}: Temporal roles ready (two history pods)`, 240, async () => {
    for (const d of roles) {
      // Two history processes so that shard ownership and membership are real.
      const replicas = component(d) === 'history' ? Math.max(2, d.spec.replicas ?? 1) : 1;
      const pods: Pod[] = [];
      for (let i = 0; i < replicas; i++) {
        const pod = cluster.newPod(d);
        await pod.run(120_000);
        pods.push(pod);
      }
      rolePods.set(component(d), pods);
    }
    await waitAllReady(cluster, [...rolePods.values()].flat(), 200_000);
    const restarts = [...rolePods.values()].flat().flatMap((p) => [...p.restarts].map(([c, n]) => `${p.name}/${c} restarted ${n}×`));
    return (
      [...rolePods].map(([r, p]) => `${r}×${p.length}`).join(', ') +
      (restarts.length ? `; ${restarts.join(', ')} (as the kubelet restarts a role that started before the frontend)` : '')
    );
  });
  if (!rolesUp) return undefined;

  for (const job of jobs.filter((j) => wave(j) > roleWave && wave(j) <= clientWave))
    if (!(await runJob(job, ' (real temporal CLI)'))) return undefined;

  const clientPods = new Map<string, Pod>();
  const clientsUp = await report.step(`wave ${clientWave}: admin tools, Web UI and worker pools running`, 180, async () => {
    for (const d of clients) {
      const pod = cluster.newPod(d);
      await pod.run(120_000);
      clientPods.set(d.metadata.name, pod);
    }
    // The stand-in worker apps serve no actuator endpoints: their readiness is their poller's start.
    await waitAllReady(
      cluster,
      [...clientPods.values()].filter((p) => p.labels['app.kubernetes.io/component'] !== 'worker-pool'),
      150_000,
    );
    return [...clientPods.keys()].join(', ');
  });
  if (!clientsUp) return undefined;

  // Operator commands run where an operator would: the admin-tools pod, or (when the profile renders
  // none) a pod of the namespace Job's template, which has the same image, address and certificates.
  const nsJob = jobs.find((j) => component(j) === 'namespace-registration');
  const adminPod = clientPods.get('temporal-admin-tools') ?? (nsJob ? cluster.newPod(nsJob) : undefined);
  const adminContainer = adminPod && adminPod.template.spec.containers[adminPod.template.spec.containers.length - 1];
  const admin = async (argv: string[], timeout = 60_000) => {
    if (!adminPod || !adminContainer) throw new Error('neither admin tools nor a namespace Job is rendered');
    const r = await adminPod.exec(adminContainer, argv, timeout);
    if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}: ${r.output.trim().slice(-500)}`);
    return r.output;
  };

  await report.step('cluster health (temporal operator cluster health)', 60, async () =>
    (await admin(['temporal', 'operator', 'cluster', 'health'])).trim(),
  );

  await report.step('every namespace exists with the retention and archival state its Job sets', 60, async () => {
    const expected = namespacesFromJob(jobs.find((j) => component(j) === 'namespace-registration'));
    const seen: string[] = [];
    for (const ns of expected) {
      const d = JSON.parse(await admin(['temporal', 'operator', 'namespace', 'describe', '--namespace', ns.name, '--output', 'json']));
      const retention = durationSeconds(d.config?.workflowExecutionRetentionTtl);
      if (retention !== ns.retentionSeconds) throw new Error(`${ns.name}: retention ${retention} s, expected ${ns.retentionSeconds} s`);
      const history = d.config?.historyArchivalState;
      if (ns.historyArchival && !String(history).toLowerCase().includes(ns.historyArchival))
        throw new Error(`${ns.name}: history archival ${history}, expected ${ns.historyArchival}`);
      seen.push(`${ns.name} ${ns.retentionSeconds / 3600}h${ns.historyArchival ? ` archival ${ns.historyArchival}` : ''}`);
    }
    return seen.join('; ');
  });

  // The TypeScript SDK stands in for pools that are not JVM pools with a trust store (those run the Spring worker).
  const pools = deployments.filter((d) => component(d) === 'worker-pool');
  const isJvmTls = isJvmTlsPool;
  const tsPool = pools.find((d) => !isJvmTls(d));
  if (!tsPool) return undefined;
  // A pod of the pool's own template runs the client: the same env, certificates and API key.
  const clientPod = cluster.newPod(tsPool);
  const client = async (...argv: string[]) => {
    const r = await clientPod.exec(
      { ...clientPod.template.spec.containers[0], name: 'client' },
      ['node', '/app/client.js', ...argv],
      180_000,
    );
    const last = r.output.trim().split('\n').pop() ?? '';
    if (r.code !== 0) throw new Error(`client ${argv.join(' ')} exited ${r.code}: ${r.output.trim().slice(-600)}`);
    return JSON.parse(last);
  };

  // Each frontend caches the namespace registry (refreshed every 10 s): a namespace the Job just
  // registered is unknown to it for that long, as to any client right after an install.
  const visible = await report.step('the frontend serves the namespaces the Job registered', 60, async () => {
    const started = Date.now();
    for (;;) {
      try {
        await client('count', 'WorkflowType="e2e-probe"');
        return `after ${((Date.now() - started) / 1000).toFixed(0)} s`;
      } catch (e) {
        if (!/NamespaceNotFound|not found/i.test((e as Error).message) || Date.now() - started > 50_000) throw e;
        await sleep(2000);
      }
    }
  });
  if (!visible) return undefined;
  return { rolePods, clientPods, admin, client, clientPod, tsPool, pools, isJvmTls, issuer, config };
}

/** The checks that only a running system can answer. */
export async function runChecks(cluster: Cluster, report: Report, opts: ScenarioOptions, running: Running): Promise<void> {
  const m = cluster.manifests;
  const deployments = ofKind(m, 'Deployment');
  const { rolePods, clientPods, admin, client, clientPod, tsPool, pools, isJvmTls, issuer, config } = running;
  await report.step(
    `workflow with an activity on pool ${tsPool.metadata.name} (TypeScript SDK worker configured from the pool env)`,
    120,
    async () => {
      // Each frontend caches the namespace registry (refreshed every 10 s): a namespace the Job just
      // registered can be unknown to it for that long, as it is to any client right after an install.
      const started = Date.now();
      for (;;) {
        try {
          const r = await client('run', 'greet', `e2e-greet-${Date.now()}`, 'e2e');
          if (r.result !== 'Hello, e2e!') throw new Error(`unexpected result ${JSON.stringify(r)}`);
          return `result ${JSON.stringify(r.result)}${Date.now() - started > 2000 ? ` (namespace visible to the frontend after ${((Date.now() - started) / 1000).toFixed(0)} s)` : ''}`;
        } catch (e) {
          if (!/NamespaceNotFound/.test((e as Error).message) || Date.now() - started > 60_000) throw e;
          await sleep(2000);
        }
      }
    },
  );

  for (const jvm of pools.filter(isJvmTls)) {
    await report.step(
      `Spring Boot worker on pool ${jvm.metadata.name} (generated application.yaml, trust store, TLS/API-key files) completes an activity`,
      150,
      async () => {
        const env = clientPods.get(jvm.metadata.name)!.environment(jvm.spec.template.spec.containers[0]);
        const out = await admin(
          [
            'temporal',
            'workflow',
            'execute',
            '--type',
            'GreetingWorkflow',
            '--task-queue',
            env.TEMPORAL_TASK_QUEUE,
            '--namespace',
            env.TEMPORAL_NAMESPACE,
            '--workflow-id',
            `e2e-spring-${Date.now()}`,
            '--input',
            '"spring"',
            '--output',
            'json',
          ],
          120_000,
        ).catch((e: Error) => {
          // Say why the worker never took the task: its own log (e.g. a PKIX trust failure).
          const log = fs.readFileSync(cluster.logFile(`${clientPods.get(jvm.metadata.name)!.name}.worker`), 'utf8');
          const cause = log
            .split('\n')
            .filter((l) => /PKIX|SSLHandshake|UNAVAILABLE|Exception/.test(l))
            .slice(0, 2)
            .join(' | ');
          throw new Error(`${e.message}${cause ? `; worker log: ${cause.slice(0, 400)}` : ''}`);
        });
        if (!out.includes('Hello, spring!')) throw new Error(`unexpected output ${out.slice(-400)}`);
        return 'result "Hello, spring!"';
      },
    );
  }

  const ife = deployments.some((d) => component(d) === 'internal-frontend');
  await report.step(
    `a Nexus operation completes (history calls the ${ife ? 'internal-frontend' : 'frontend'}'s HTTP API)`,
    150,
    async () => {
      const env = clientPod.environment(tsPool.spec.template.spec.containers[0]);
      const endpoint = `e2e-nexus-${Date.now()}`;
      await admin([
        'temporal',
        'operator',
        'nexus',
        'endpoint',
        'create',
        '--name',
        endpoint,
        '--target-namespace',
        env.TEMPORAL_NAMESPACE,
        '--target-task-queue',
        env.TEMPORAL_TASK_QUEUE,
      ]);
      const r = await client('nexus-call', `e2e-nexus-${Date.now()}`, endpoint, 'nexus', '120');
      if (!String(r.result).includes('Hello, nexus')) throw new Error(`unexpected result ${JSON.stringify(r)}`);
      return `result ${JSON.stringify(r.result)}`;
    },
  );

  await report.step('a Schedule fires (system worker role)', 90, async () => {
    await client('schedule-create', 'e2e-schedule', '5');
    for (let i = 0; i < 40; i++) {
      const d = await client('schedule-describe', 'e2e-schedule');
      if (d.numActionsTaken >= 2) return `${d.numActionsTaken} actions taken`;
      await sleep(2000);
    }
    throw new Error('the Schedule did not take two actions in 80 s');
  });

  await report.step('dynamic config change is picked up without a restart', 120, () => checkDynamicConfig(cluster, rolePods, client));

  await report.step('killing one history pod mid-workflow does not stop the workflow', 180, async () => {
    const id = `e2e-sleeper-${Date.now()}`;
    await client('start', 'sleepThenGreet', id, 'survivor', '15');
    await sleep(3000);
    const victim = rolePods.get('history')![0];
    await cluster.removePod(victim, 'SIGKILL');
    // The Deployment controller replaces it.
    const replacement = cluster.newPod(cluster.workload('Deployment', 'temporal-history'));
    await replacement.run(60_000);
    const r = await client('result', id, '150');
    if (r.result !== 'Hello, survivor!') throw new Error(`unexpected result ${JSON.stringify(r)}`);
    return `${victim.name} killed mid-timer; workflow completed`;
  });

  await report.step(
    'metrics endpoints serve the series the alerts and dashboards query (after failures, timeouts, cancels, a backlog)',
    240,
    async () => {
      const provoked = await client('provoke-metrics', `e2e-metrics-${Date.now()}`);
      if (!provoked.ok) throw new Error(`provoke-metrics: ${JSON.stringify(provoked).slice(0, 400)}`);
      // Matching reports the backlog gauges about a minute after it loads a task queue, then every minute.
      const started = Date.now();
      for (;;) {
        try {
          // Every running role pod, replacements included (the killed history pod took its counters with it).
          const running = cluster.pods.filter((p) => SERVER_ROLES.includes(p.labels['app.kubernetes.io/component'] ?? ''));
          const detail = await checkMetrics(cluster, running, opts.serverBinary);
          return `${detail}; events: ${Object.keys(provoked.events ?? {}).join(', ')}`;
        } catch (e) {
          if (Date.now() - started > 150_000) throw e;
          await sleep(10_000);
        }
      }
    },
  );

  const web = clientPods.get('temporal-web');
  if (web) {
    const webEnv = web.environment(web.template.spec.containers[0]);
    const oidc = webEnv.TEMPORAL_AUTH_ENABLED === 'true';
    const ingress = ofKind(m, 'Ingress').find((i) => i.spec.tls?.length);
    // The client starts the workflows in its pool's namespace: the UI lists and terminates them there.
    const workflowNamespace = clientPod.environment(tsPool.spec.template.spec.containers[0]).TEMPORAL_NAMESPACE || undefined;
    // ['auth', 'token', 'auth'] → 'auth×2, token'
    const summarise = (events: string[]) =>
      [...events.reduce((c, e) => c.set(e, (c.get(e) ?? 0) + 1), new Map<string, number>())]
        .map(([e, n]) => (n > 1 ? `${e}×${n}` : e))
        .join(', ');
    await report.step(
      `Web UI lists the workflow; in Chromium${ingress ? ' through the Ingress (TLS)' : ''}${oidc ? ' after an OIDC login' : ''} a terminate succeeds`,
      360,
      async () => {
        let login: Parameters<typeof checkWebUi>[4];
        if (oidc) {
          // The identity provider is the issuer the harness serves (the JWKS host): the UI's client is
          // registered there with the secret the UI reads, and its ID tokens carry the permissions claim.
          if (!issuer?.host || !issuer.address)
            throw new Error('the Web UI has OIDC login on but the harness serves no issuer (no jwtKeyProvider.keySourceURIs)');
          const provider = new URL(webEnv.TEMPORAL_AUTH_PROVIDER_URL ?? '');
          if (provider.hostname !== issuer.host)
            throw new Error(`TEMPORAL_AUTH_PROVIDER_URL ${provider} is not on the issuer host ${issuer.host}`);
          const secretRef = (
            web.template.spec.containers[0].env as { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[]
          ).find((e) => e.name === 'TEMPORAL_AUTH_CLIENT_SECRET')?.valueFrom?.secretKeyRef;
          const claim = /permissionsClaimName: (\S+)/.exec(config)?.[1] ?? 'permissions';
          // <ns>:write for the UI's default namespace and the one the workflows run in; temporal-system:read
          // for GetClusterInfo and ListNamespaces (the cluster-scoped reads the UI makes on every page).
          const permissions = [
            ...new Set([webEnv.TEMPORAL_DEFAULT_NAMESPACE || 'default', workflowNamespace].map((ns) => `${ns}:write`)),
            'temporal-system:read',
          ];
          const oidcClient = {
            clientId: webEnv.TEMPORAL_AUTH_CLIENT_ID,
            clientSecret: secretRef ? cluster.secretValue(secretRef.name, secretRef.key) : (webEnv.TEMPORAL_AUTH_CLIENT_SECRET ?? ''),
            redirectUris: [webEnv.TEMPORAL_AUTH_CALLBACK_URL],
            claims: { [claim]: permissions },
          };
          issuer.addClient(oidcClient);
          const issuerUrl = (webEnv.TEMPORAL_AUTH_ISSUER_URL || webEnv.TEMPORAL_AUTH_PROVIDER_URL).replace(/\/+$/, '');
          login = { issuerHost: issuer.host, issuerAddress: issuer.address, tokens: () => issuer.tokensFor(oidcClient, issuerUrl) };
          report.notes.push(
            `Web UI login: ${issuer.host} also acts as the OIDC provider (authorization-code flow without a login form, user e2e-user); client ${oidcClient.clientId} with the secret of ${secretRef ? `${secretRef.name}/${secretRef.key}` : 'the env'}; ID tokens carry "${claim}": ${permissions.join(', ')}`,
          );
        }
        const endpoint = ingress ? await startIngress(cluster, ingress) : undefined;
        if (endpoint)
          report.notes.push(
            `Ingress ${ingress!.metadata.name}: a TLS-terminating proxy on ${endpoint.address}:443 stands in for the ingress controller; Chromium maps ${endpoint.host} there and accepts its certificate (issued by the harness in place of the ClusterIssuer)`,
          );
        try {
          const out = await checkWebUi(cluster, web, client, endpoint, login, workflowNamespace);
          return oidc ? `${out}; issuer served: ${summarise(issuer!.served)}` : out;
        } catch (e) {
          if (oidc && issuer!.served.length)
            throw new Error(`${(e as Error).message}; issuer served: ${summarise(issuer!.served)}`, { cause: e });
          throw e;
        } finally {
          await endpoint?.close();
        }
      },
    );
  }
}

/** Waits until every pod passes its readiness probe, pointing Services at ready pods as they come up. */
async function waitAllReady(cluster: Cluster, pods: Pod[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await cluster.refreshServices();
    const states = await Promise.all(
      pods.map(async (p) => {
        p.checkCrashLoop();
        return p.ready();
      }),
    );
    if (states.every(Boolean)) return;
    if (Date.now() > deadline)
      throw new Error(
        `not ready: ${pods
          .filter((_, i) => !states[i])
          .map((p) => p.name)
          .join(', ')}`,
      );
    await sleep(2000);
  }
}

interface ExpectedNamespace {
  name: string;
  retentionSeconds: number;
  historyArchival?: string;
}

/** The namespaces the registration Job creates, read from its rendered script. */
function namespacesFromJob(job: K8sObject | undefined): ExpectedNamespace[] {
  if (!job) throw new Error('no namespace-registration Job rendered');
  const script = [...(job.spec.template.spec.initContainers ?? []), ...job.spec.template.spec.containers]
    .map((c: { command?: string[] }) => (c.command ?? []).join(' '))
    .join('\n');
  const out = new Map<string, ExpectedNamespace>();
  for (const m of script.matchAll(/namespace create --namespace (\S+) --retention (\S+)(.*)/g)) {
    const archival = /--history-archival-state (\w+)/.exec(m[3])?.[1];
    out.set(m[1].replace(/'/g, ''), { name: m[1].replace(/'/g, ''), retentionSeconds: durationSeconds(m[2]), historyArchival: archival });
  }
  if (!out.size) throw new Error('could not read any namespace from the Job script');
  return [...out.values()];
}

/** "24h", "72h0m0s", "86400s" → seconds. */
function durationSeconds(d: string | undefined): number {
  if (!d) return NaN;
  let s = 0;
  for (const [, n, u] of d.matchAll(/(\d+(?:\.\d+)?)(d|h|m|s)/g))
    s += Number(n) * ({ d: 86400, h: 3600, m: 60, s: 1 } as Record<string, number>)[u];
  return s;
}

/**
 * Lowers `limit.maxIDLength` in the mounted dynamic-config file (as the kubelet updates a ConfigMap
 * volume), waits for a workflow start with a longer id to be refused, then restores it.
 */
async function checkDynamicConfig(
  cluster: Cluster,
  rolePods: Map<string, Pod[]>,
  client: (...a: string[]) => Promise<any>,
): Promise<string> {
  const cm = ofKind(cluster.manifests, 'ConfigMap').find((c) => Object.keys(c.data ?? {}).some((k) => k.startsWith('dynamic_config')));
  if (!cm) throw new Error('no dynamic-config ConfigMap');
  const key = Object.keys(cm.data).find((k) => k.startsWith('dynamic_config'))!;
  const original = String(cm.data[key]);
  const changed = `${original.trimEnd()}\nlimit.maxIDLength:\n  - value: 40\n`;
  const files = [...rolePods.values()].flat().map((p) => `${p.dir}/volumes/dynamic-config/${key}`);
  for (const f of files) if (fs.existsSync(f)) fs.writeFileSync(f, changed);
  const started = Date.now();
  try {
    for (;;) {
      // A fresh id each time: one started before the change would be a duplicate on the next try.
      const longId = `e2e-dynamic-config-${Date.now()}-${'x'.repeat(30)}`;
      const refused = await client('run', 'greet', longId, 'too-long').then(
        () => false,
        (e: Error) => /length|exceeds|limit/i.test(e.message),
      );
      if (refused) break;
      if (Date.now() - started > 90_000) throw new Error('limit.maxIDLength: 40 was not applied within 90 s');
      await sleep(3000);
    }
  } finally {
    for (const f of files) if (fs.existsSync(f)) fs.writeFileSync(f, original);
  }
  return `applied after ${((Date.now() - started) / 1000).toFixed(0)} s, no restart`;
}
