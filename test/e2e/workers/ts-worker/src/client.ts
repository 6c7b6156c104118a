/**
 * One-shot client: `node client.js <subcommand> ...`. Prints exactly ONE JSON line on stdout
 * ({"ok":true,...} exit 0, or {"ok":false,"error":...} exit 1; usage errors also exit 1).
 * Connection: the same environment as the worker (see config.ts).
 */
import {
  Client,
  Connection,
  WorkflowFailedError,
  ScheduleOverlapPolicy,
  type WorkflowHandleWithFirstExecutionRunId as WorkflowHandle,
  type WorkflowStartOptions,
} from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { describeConfig, loadConfig, requireTaskQueue, type Config } from './config';
import { errorMessage, jsonSafe } from './log';

const USAGE = `usage: client.js <command> [args]
  run greet <workflowId> <name> [timeoutSeconds=120]       start greet and wait for its result
  start sleepThenGreet <workflowId> <name> <seconds>       start only
  start greet <workflowId> <name>                          start only
  result <workflowId> [timeoutSeconds=120]                 wait for the result of the latest run
  describe <workflowId>                                    status, history length
  list <query> [limit=1000]                                visibility list, e.g. "WorkflowType='greet'"
  count <query>                                            visibility count
  schedule-create <scheduleId> <intervalSeconds>           every N s start scheduledPing
  schedule-describe <scheduleId>                           actions taken, recent action workflow ids
  schedule-delete <scheduleId>
  nexus-call <workflowId> <endpointName> <name> [timeoutSeconds=120]  run nexusCaller, wait for its result
  namespace-describe <namespace>                           retention seconds, state
  pollers [taskQueue=$TEMPORAL_TASK_QUEUE]                 workflow/activity pollers of a task queue
  terminate <workflowId> [reason]
  provoke-metrics <idPrefix> [backlogQueue=e2e-backlog-<idPrefix>]
                                                           failed/timed-out/terminated/canceled/continued-as-new runs,
                                                           a failed and a timed-out activity, a task left on a queue
                                                           no worker polls (< 60 s)
  config                                                   what envconfig resolved (no connection)`;

class UsageError extends Error {}

function out(obj: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(obj, jsonSafe) + '\n');
}

function arg(args: string[], i: number, name: string): string {
  const v = args[i];
  if (v === undefined || v === '') throw new UsageError(`missing <${name}>`);
  return v;
}

function num(raw: string | undefined, name: string, dflt?: number): number {
  if (raw === undefined) {
    if (dflt === undefined) throw new UsageError(`missing <${name}>`);
    return dflt;
  }
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`<${name}> must be a non-negative number, got ${JSON.stringify(raw)}`);
  return n;
}

function iso(d: Date | undefined | null): string | null {
  return d ? d.toISOString() : null;
}

async function withTimeout<T>(p: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${seconds} s waiting for ${what}`)), seconds * 1000);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function failureFields(err: unknown): Record<string, unknown> {
  if (err instanceof WorkflowFailedError) {
    return { error: errorMessage(err), errorType: 'WorkflowFailedError', cause: err.cause ? errorMessage(err.cause) : null };
  }
  return { error: errorMessage(err), errorType: (err as Error)?.name ?? typeof err };
}

type Handler = (client: Client, cfg: Config, args: string[]) => Promise<Record<string, unknown>>;

const START_ARGS: Record<string, (args: string[]) => unknown[]> = {
  greet: (a) => [arg(a, 0, 'name')],
  sleepThenGreet: (a) => [arg(a, 0, 'name'), num(a[1], 'seconds')],
  scheduledPing: () => [],
  nexusCaller: (a) => [arg(a, 0, 'name'), arg(a, 1, 'endpointName')],
};

function startArgs(type: string, rest: string[]): unknown[] {
  const parse = START_ARGS[type];
  if (!parse) throw new UsageError(`unknown workflow type ${JSON.stringify(type)} (one of ${Object.keys(START_ARGS).join(', ')})`);
  return parse(rest);
}

async function runAndWait(client: Client, cfg: Config, type: string, workflowId: string, args: unknown[], timeoutSeconds: number) {
  const handle = await client.workflow.start(type, { taskQueue: requireTaskQueue(cfg), workflowId, args });
  const base = { workflowId, runId: handle.firstExecutionRunId, workflowType: type };
  try {
    const result = await withTimeout(handle.result(), timeoutSeconds, `workflow ${workflowId}`);
    return { ok: true, ...base, result };
  } catch (err) {
    return { ok: false, ...base, ...failureFields(err) };
  }
}

// ---- provoke-metrics: every workflow/activity outcome the server counts, in parallel, in < 60 s ----

const PROVOKE_DEADLINE_MS = 50_000;

interface Scenario {
  workflowType: string;
  workflowId: string;
  args: unknown[];
  /** Status of the first run once it closed (RUNNING: not awaited). */
  expected: string;
  /** Server metrics this outcome makes history/matching emit. */
  metrics: string[];
  taskQueue: string;
  options?: Partial<WorkflowStartOptions>;
  /** Runs after the start, before the result is awaited. */
  afterStart?: (handle: WorkflowHandle, client: Client, deadline: number) => Promise<void>;
  /** The latest run's expected status when it differs from the first run's (continue-as-new). */
  expectedLatest?: string;
  /** Extra check of a successful result. */
  checkResult?: (result: unknown) => boolean;
  /** Don't await the result (the backlog workflow). */
  noWait?: boolean;
}

async function statusOf(client: Client, workflowId: string, runId?: string): Promise<{ status: string; historyLength: number }> {
  const d = await client.workflow.getHandle(workflowId, runId).describe();
  return { status: d.status.name, historyLength: d.historyLength };
}

/** Waits until the first workflow task completed and the timer started (history: 5 events), at most 10 s. */
async function waitForTimer(handle: WorkflowHandle, client: Client, deadline: number): Promise<void> {
  const until = Math.min(deadline, Date.now() + 10_000);
  while (Date.now() < until) {
    if ((await statusOf(client, handle.workflowId, handle.firstExecutionRunId)).historyLength >= 5) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function runScenario(client: Client, sc: Scenario, deadline: number): Promise<Record<string, unknown>> {
  const ev: Record<string, unknown> = {
    workflowId: sc.workflowId,
    workflowType: sc.workflowType,
    taskQueue: sc.taskQueue,
    expected: sc.expected,
    metrics: sc.metrics,
  };
  try {
    const handle = await client.workflow.start(sc.workflowType, {
      ...sc.options,
      taskQueue: sc.taskQueue,
      workflowId: sc.workflowId,
      args: sc.args,
    });
    ev.runId = handle.firstExecutionRunId;
    await sc.afterStart?.(handle, client, deadline);
    let resultOk = true;
    if (!sc.noWait) {
      const left = Math.max(1, (deadline - Date.now()) / 1000);
      try {
        ev.result = await withTimeout(handle.result(), left, `workflow ${sc.workflowId}`);
        if (sc.checkResult) resultOk = sc.checkResult(ev.result);
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('timed out after')) throw err;
        Object.assign(ev, failureFields(err)); // the expected outcome for failed/timed-out/canceled/terminated runs
      }
    }
    const first = await statusOf(client, sc.workflowId, handle.firstExecutionRunId);
    ev.status = first.status;
    let latestOk = true;
    if (sc.expectedLatest) {
      ev.latestStatus = (await statusOf(client, sc.workflowId)).status;
      latestOk = ev.latestStatus === sc.expectedLatest;
    }
    ev.ok = first.status === sc.expected && latestOk && resultOk;
  } catch (err) {
    Object.assign(ev, { ok: false, ...failureFields(err) });
    try {
      if (ev.runId) ev.status = (await statusOf(client, sc.workflowId, ev.runId as string)).status;
    } catch {
      // keep the first error
    }
  }
  return ev;
}

/** Best effort: the backlog matching reports for the queue's workflow tasks (needs report_stats support). */
async function backlogStats(client: Client, taskQueue: string, deadline: number): Promise<Record<string, unknown> | null> {
  const until = Math.min(deadline, Date.now() + 5_000);
  let stats: Record<string, unknown> | null;
  try {
    do {
      const r = await client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: taskQueue },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        reportStats: true,
      });
      const age = r.stats?.approximateBacklogAge;
      stats = {
        approximateBacklogCount: r.stats ? Number(r.stats.approximateBacklogCount ?? 0) : null,
        approximateBacklogAgeSeconds: age ? Number(age.seconds ?? 0) + (age.nanos ?? 0) / 1e9 : 0,
        pollers: (r.pollers ?? []).length,
      };
      if ((stats.approximateBacklogCount as number) > 0) break;
      await new Promise((res) => setTimeout(res, 500));
    } while (Date.now() < until);
  } catch (err) {
    return { error: errorMessage(err) };
  }
  return stats;
}

async function provokeMetrics(client: Client, cfg: Config, args: string[]): Promise<Record<string, unknown>> {
  const prefix = arg(args, 0, 'idPrefix');
  const backlogQueue = args[1] || `e2e-backlog-${prefix}`;
  const taskQueue = requireTaskQueue(cfg);
  const started = Date.now();
  const deadline = started + PROVOKE_DEADLINE_MS;
  const scenarios: Record<string, Scenario> = {
    failed: {
      workflowType: 'failing',
      workflowId: `${prefix}-failing`,
      args: [],
      expected: 'FAILED',
      metrics: ['workflow_failed'],
      taskQueue,
    },
    activityFailed: {
      workflowType: 'activityFails',
      workflowId: `${prefix}-activity-fails`,
      args: [],
      expected: 'COMPLETED',
      metrics: ['activity_task_fail', 'activity_fail'],
      taskQueue,
      checkResult: (r) => (r as { activity?: string })?.activity === 'failed',
    },
    activityTimedOut: {
      workflowType: 'activityTimesOut',
      workflowId: `${prefix}-activity-times-out`,
      args: [],
      expected: 'COMPLETED',
      metrics: ['activity_task_timeout', 'activity_timeout'],
      taskQueue,
      checkResult: (r) => (r as { activity?: string })?.activity === 'timedOut',
    },
    timedOut: {
      workflowType: 'waitForever',
      workflowId: `${prefix}-timeout`,
      args: [],
      expected: 'TIMED_OUT',
      metrics: ['workflow_timeout'],
      taskQueue,
      options: { workflowExecutionTimeout: '2 seconds' },
    },
    continuedAsNew: {
      workflowType: 'continueOnce',
      workflowId: `${prefix}-continue-once`,
      args: [1],
      expected: 'CONTINUED_AS_NEW',
      expectedLatest: 'COMPLETED',
      metrics: ['workflow_continued_as_new'],
      taskQueue,
      checkResult: (r) => (r as { runs?: number })?.runs === 2,
    },
    canceled: {
      workflowType: 'waitForever',
      workflowId: `${prefix}-cancel`,
      args: [],
      expected: 'CANCELLED',
      metrics: ['workflow_cancel'],
      taskQueue,
      afterStart: async (h, c, d) => {
        await waitForTimer(h, c, d);
        await h.cancel();
      },
    },
    terminated: {
      workflowType: 'waitForever',
      workflowId: `${prefix}-terminate`,
      args: [],
      expected: 'TERMINATED',
      metrics: ['workflow_terminate'],
      taskQueue,
      afterStart: async (h) => {
        await h.terminate('provoke-metrics (e2e)');
      },
    },
    backlog: {
      workflowType: 'greet',
      workflowId: `${prefix}-backlog`,
      args: [`backlog ${prefix}`],
      expected: 'RUNNING',
      noWait: true,
      metrics: ['approximate_backlog_count', 'approximate_backlog_age_seconds'],
      taskQueue: backlogQueue,
      options: { workflowIdConflictPolicy: 'USE_EXISTING' }, // a rerun with the same prefix keeps the waiting run
    },
  };
  const keys = Object.keys(scenarios);
  const results = await Promise.all(keys.map((k) => runScenario(client, scenarios[k], deadline)));
  const events: Record<string, Record<string, unknown>> = {};
  keys.forEach((k, i) => (events[k] = results[i]));
  events.backlog.backlogStats = await backlogStats(client, backlogQueue, deadline);
  return {
    ok: results.every((r) => r.ok === true),
    idPrefix: prefix,
    taskQueue,
    backlogQueue,
    elapsedSeconds: Math.round((Date.now() - started) / 100) / 10,
    events,
  };
}

const commands: Record<string, Handler> = {
  async run(client, cfg, args) {
    const type = arg(args, 0, 'workflowType');
    const workflowId = arg(args, 1, 'workflowId');
    const wfArgs = startArgs(type, args.slice(2));
    const timeout = num(args[2 + wfArgs.length], 'timeoutSeconds', 120);
    return runAndWait(client, cfg, type, workflowId, wfArgs, timeout);
  },

  async start(client, cfg, args) {
    const type = arg(args, 0, 'workflowType');
    const workflowId = arg(args, 1, 'workflowId');
    const handle = await client.workflow.start(type, {
      taskQueue: requireTaskQueue(cfg),
      workflowId,
      args: startArgs(type, args.slice(2)),
    });
    return { ok: true, workflowId, runId: handle.firstExecutionRunId, workflowType: type };
  },

  async result(client, _cfg, args) {
    const workflowId = arg(args, 0, 'workflowId');
    const timeout = num(args[1], 'timeoutSeconds', 120);
    try {
      const result = await withTimeout(client.workflow.getHandle(workflowId).result(), timeout, `workflow ${workflowId}`);
      return { ok: true, workflowId, result };
    } catch (err) {
      return { ok: false, workflowId, ...failureFields(err) };
    }
  },

  async describe(client, _cfg, args) {
    const workflowId = arg(args, 0, 'workflowId');
    const d = await client.workflow.getHandle(workflowId).describe();
    return {
      ok: true,
      workflowId: d.workflowId,
      runId: d.runId,
      workflowType: d.type,
      taskQueue: d.taskQueue,
      status: d.status.name,
      historyLength: d.historyLength,
      startTime: iso(d.startTime),
      closeTime: iso(d.closeTime),
    };
  },

  async list(client, _cfg, args) {
    const query = arg(args, 0, 'query');
    const limit = num(args[1], 'limit', 1000);
    const workflows: Record<string, unknown>[] = [];
    for await (const w of client.workflow.list({ query })) {
      workflows.push({
        workflowId: w.workflowId,
        runId: w.runId,
        workflowType: w.type,
        status: w.status.name,
        startTime: iso(w.startTime),
        closeTime: iso(w.closeTime),
      });
      if (workflows.length >= limit) break;
    }
    return { ok: true, query, count: workflows.length, workflows };
  },

  async count(client, _cfg, args) {
    const query = arg(args, 0, 'query');
    const { count } = await client.workflow.count(query);
    return { ok: true, query, count };
  },

  async 'schedule-create'(client, cfg, args) {
    const scheduleId = arg(args, 0, 'scheduleId');
    const every = num(args[1], 'intervalSeconds');
    if (every < 1) throw new UsageError('<intervalSeconds> must be >= 1');
    const handle = await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: `${every} seconds` }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'scheduledPing',
        args: [],
        taskQueue: requireTaskQueue(cfg),
        workflowId: `${scheduleId}-wf`,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
    });
    return { ok: true, scheduleId: handle.scheduleId, intervalSeconds: every, workflowType: 'scheduledPing' };
  },

  async 'schedule-describe'(client, _cfg, args) {
    const scheduleId = arg(args, 0, 'scheduleId');
    const d = await client.schedule.getHandle(scheduleId).describe();
    const action = (a: { workflow: { workflowId: string; firstExecutionRunId: string } }) => ({
      workflowId: a.workflow.workflowId,
      runId: a.workflow.firstExecutionRunId,
    });
    return {
      ok: true,
      scheduleId: d.scheduleId,
      paused: d.state.paused,
      numActionsTaken: d.info.numActionsTaken,
      numActionsSkippedOverlap: d.info.numActionsSkippedOverlap,
      numActionsMissedCatchupWindow: d.info.numActionsMissedCatchupWindow,
      recentActions: d.info.recentActions.map((r) => ({ ...action(r.action), scheduledAt: iso(r.scheduledAt), takenAt: iso(r.takenAt) })),
      runningActions: d.info.runningActions.map(action),
      nextActionTimes: d.info.nextActionTimes.slice(0, 3).map(iso),
    };
  },

  async 'schedule-delete'(client, _cfg, args) {
    const scheduleId = arg(args, 0, 'scheduleId');
    await client.schedule.getHandle(scheduleId).delete();
    return { ok: true, scheduleId, deleted: true };
  },

  async 'nexus-call'(client, cfg, args) {
    const workflowId = arg(args, 0, 'workflowId');
    const endpoint = arg(args, 1, 'endpointName');
    const name = arg(args, 2, 'name');
    const timeout = num(args[3], 'timeoutSeconds', 120);
    return { ...(await runAndWait(client, cfg, 'nexusCaller', workflowId, [name, endpoint], timeout)), endpoint };
  },

  async 'namespace-describe'(client, _cfg, args) {
    const namespace = arg(args, 0, 'namespace');
    const r = await client.workflowService.describeNamespace({ namespace });
    const retention = r.config?.workflowExecutionRetentionTtl;
    const stateName =
      r.namespaceInfo?.state != null ? temporal.api.enums.v1.NamespaceState[r.namespaceInfo.state].replace(/^NAMESPACE_STATE_/, '') : null;
    return {
      ok: true,
      namespace: r.namespaceInfo?.name ?? namespace,
      id: r.namespaceInfo?.id ?? null,
      state: stateName,
      retentionSeconds: retention ? Number(retention.seconds ?? 0) + (retention.nanos ?? 0) / 1e9 : null,
      isGlobalNamespace: r.isGlobalNamespace ?? null,
      activeClusterName: r.replicationConfig?.activeClusterName ?? null,
    };
  },

  async pollers(client, cfg, args) {
    const taskQueue = args[0] ?? requireTaskQueue(cfg);
    const kinds = {
      workflow: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      activity: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      nexus: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_NEXUS,
    };
    const result: Record<string, unknown> = { ok: true, taskQueue };
    for (const [kind, taskQueueType] of Object.entries(kinds)) {
      const r = await client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: taskQueue },
        taskQueueType,
      });
      result[kind] = (r.pollers ?? []).map((p) => ({
        identity: p.identity ?? null,
        lastAccessTime: p.lastAccessTime?.seconds != null ? new Date(Number(p.lastAccessTime.seconds) * 1000).toISOString() : null,
      }));
    }
    return result;
  },

  async terminate(client, _cfg, args) {
    const workflowId = arg(args, 0, 'workflowId');
    await client.workflow.getHandle(workflowId).terminate(args[1] ?? 'terminated by client.js');
    return { ok: true, workflowId, terminated: true };
  },

  'provoke-metrics': provokeMetrics,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '-h' || command === '--help') {
    process.stderr.write(USAGE + '\n');
    out({ ok: false, command: command ?? null, error: 'usage' });
    return 1;
  }
  let connection: Connection | undefined;
  try {
    const cfg = loadConfig();
    if (command === 'config') {
      out({ ok: true, command, ...describeConfig(cfg) });
      return 0;
    }
    const handler = commands[command];
    if (!handler) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    connection = await Connection.connect(cfg.connect.connectionOptions);
    const client = new Client({ connection, namespace: cfg.namespace });
    const result = await handler(client, cfg, args);
    out({ ok: result.ok, command, ...result });
    return result.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(USAGE + '\n');
      out({ ok: false, command, error: err.message, errorType: 'UsageError' });
      return 1;
    }
    out({ ok: false, command, ...failureFields(err) });
    return 1;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    out({ ok: false, error: errorMessage(err) });
    process.exit(1);
  },
);
