/**
 * `npm run e2e -- --upgrade`: a profile synthesized at the previous minor release is brought up and
 * given work that outlives the upgrade (workflows waiting on timers before their activity, a
 * Schedule); then the current dist/ is applied in its rendered order — the new schema and index Jobs
 * while the old pods keep serving, each role rolled one pod at a time honouring its
 * minReadySeconds, the namespace Job, the clients — and everything started before must finish after.
 */
import type { Cluster } from './harness/cluster';
import { componentOf, ProfileManifests, ofKind, wave } from './harness/manifests';
import { Pod, sleep } from './harness/pod';
import type { Report } from './harness/report';
import { bringUp, ScenarioOptions } from './scenario';

const component = componentOf;

/** The roll order: the roles that serve callers first, history — which owns the shards — last. */
const ROLL_ORDER = ['frontend', 'internal-frontend', 'matching', 'worker', 'history'];

/** Workflows carried across the upgrade, and how long their timers wait. */
const CARRIED = 5;
const TIMER_SECONDS = 150;

export async function runUpgrade(cluster: Cluster, report: Report, opts: ScenarioOptions, next: ProfileManifests): Promise<void> {
  const running = await bringUp(cluster, report, opts);
  if (!running) return;
  const { client, rolePods } = running;
  const from = versionOf(cluster.manifests);
  const to = versionOf(next);
  const ids = [...Array(CARRIED)].map((_, i) => `e2e-carried-${Date.now()}-${i}`);
  const schedule = `e2e-upgrade-schedule-${Date.now()}`;
  let actionsBefore = 0;
  const ns = running.clientPod.environment(running.tsPool.spec.template.spec.containers[0]).TEMPORAL_NAMESPACE;
  let retentionBefore: number | undefined;

  if (
    !(await report.step(
      `before (${from}): ${CARRIED} workflows waiting ${TIMER_SECONDS} s on timers, a Schedule every 10 s`,
      120,
      async () => {
        for (const [i, id] of ids.entries()) await client('start', 'sleepThenGreet', id, `carried-${i}`, String(TIMER_SECONDS));
        await client('schedule-create', schedule, '10');
        for (let i = 0; i < 30 && actionsBefore < 1; i++) {
          actionsBefore = (await client('schedule-describe', schedule)).numActionsTaken;
          if (actionsBefore < 1) await sleep(2000);
        }
        retentionBefore = (await client('namespace-describe', ns)).retentionSeconds;
        return `${ids.length} started, Schedule took ${actionsBefore} action(s), namespace ${ns} retention ${retentionBefore} s`;
      },
    ))
  )
    return;

  const started = Date.now();
  const roles = ofKind(next, 'Deployment').filter((d) => ROLL_ORDER.includes(component(d)));
  const roleWave = Math.min(...roles.map(wave));
  const nextJobs = ofKind(next, 'Job').sort((a, b) => wave(a) - wave(b));

  if (
    !(await report.step(`upgrade to ${to}, wave < ${roleWave}: the new schema and index Jobs, old pods still serving`, 900, async () => {
      cluster.apply(next);
      const done: string[] = [];
      for (const job of nextJobs.filter((j) => wave(j) < roleWave)) {
        await cluster.newPod(job).complete((job.spec.activeDeadlineSeconds ?? 600) * 1000);
        done.push(job.metadata.name);
      }
      // The old release against the upgraded schema (Temporal keeps consecutive minors compatible).
      const r = await client('run', 'greet', `e2e-old-on-new-schema-${Date.now()}`, 'old pods');
      if (r.result !== 'Hello, old pods!') throw new Error(`old pods after the schema upgrade: ${JSON.stringify(r)}`);
      return `${done.join(', ')}; a workflow ran on the ${from} pods against the upgraded schema`;
    }))
  )
    return;

  if (
    !(await report.step(
      `upgrade, wave ${roleWave}: roles roll one pod at a time (${ROLL_ORDER.join(', ')}), each new pod ready for its minReadySeconds before an old one stops`,
      900,
      async () => {
        const timeline: string[] = [];
        for (const role of ROLL_ORDER) {
          const d = roles.find((x) => component(x) === role);
          const old = rolePods.get(role) ?? [];
          if (!d) continue;
          const t = Date.now();
          const fresh: Pod[] = [];
          for (const pod of old) {
            const p = cluster.newPod(d);
            await p.run(120_000);
            await p.waitReady(180_000);
            await cluster.refreshServices();
            await sleep((d.spec.minReadySeconds ?? 0) * 1000);
            await cluster.removePod(pod, 'SIGTERM');
            fresh.push(p);
          }
          rolePods.set(role, fresh);
          timeline.push(`${role} ${((Date.now() - t) / 1000).toFixed(0)} s`);
        }
        return timeline.join(', ');
      },
    ))
  )
    return;

  for (const job of nextJobs.filter((j) => wave(j) > roleWave)) {
    if (
      !(await report.step(`upgrade, wave ${wave(job)}: Job ${job.metadata.name}`, 600, () =>
        cluster.newPod(job).complete((job.spec.activeDeadlineSeconds ?? 600) * 1000),
      ))
    )
      return;
  }
  report.notes.push(
    `upgrade ${from} → ${to}: applied in ${((Date.now() - started) / 1000).toFixed(0)} s (Jobs, roles, namespace Job); the clients keep their pods (their images did not change)`,
  );

  await report.step(
    `after (${to}): every workflow started before the upgrade completes with its history intact`,
    TIMER_SECONDS + 180,
    async () => {
      for (const [i, id] of ids.entries()) {
        const r = await client('result', id, String(TIMER_SECONDS + 120));
        if (r.result !== `Hello, carried-${i}!`) throw new Error(`${id}: ${JSON.stringify(r)}`);
        const d = await client('describe', id);
        if (d.status !== 'COMPLETED' || !(d.historyLength > 5)) throw new Error(`${id}: ${JSON.stringify(d)}`);
      }
      return `${ids.length} of ${ids.length} completed (timer, then activity), ${((Date.now() - started) / 1000).toFixed(0)} s after the upgrade began`;
    },
  );

  await report.step('after: the Schedule keeps firing', 90, async () => {
    for (let i = 0; i < 40; i++) {
      const n = (await client('schedule-describe', schedule)).numActionsTaken;
      if (n >= actionsBefore + 2) return `${actionsBefore} actions before, ${n} now`;
      await sleep(2000);
    }
    throw new Error(`no new actions after the upgrade (${actionsBefore} before)`);
  });

  await report.step('after: visibility still finds the workflows started before', 90, async () => {
    for (let i = 0; i < 30; i++) {
      const r = await client('list', `WorkflowType='sleepThenGreet' AND ExecutionStatus='Completed'`);
      const found = ids.filter((id) => r.workflows?.some((w: { workflowId: string }) => w.workflowId === id));
      if (found.length === ids.length) return `${found.length} of ${ids.length} listed as completed`;
      await sleep(3000);
    }
    throw new Error('the carried workflows are not all listed');
  });

  await report.step('after: the namespace keeps its settings', 30, async () => {
    const r = await client('namespace-describe', ns);
    if (r.retentionSeconds !== retentionBefore) throw new Error(`retention ${r.retentionSeconds} s, was ${retentionBefore} s`);
    return `${ns}: retention ${r.retentionSeconds} s, ${r.state}`;
  });
}

/** The server release a profile deploys (the frontend's version label). */
function versionOf(m: ProfileManifests): string {
  return ofKind(m, 'Deployment').find((d) => component(d) === 'frontend')?.metadata.labels?.['app.kubernetes.io/version'] ?? '?';
}
