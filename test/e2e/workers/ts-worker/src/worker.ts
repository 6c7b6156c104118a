/**
 * Long-running worker on TEMPORAL_TASK_QUEUE: workflows greet, sleepThenGreet, scheduledPing, nexusCaller,
 * failing, activityFails, activityTimesOut, continueOnce, waitForever; activities compose, ping, failNonRetryable,
 * sleepFor; Nexus service `greeting` (sync operation `say`).
 * One JSON line per event on stdout. SIGTERM/SIGINT: graceful worker.shutdown(), exit 0.
 */
import { existsSync } from 'fs';
import * as path from 'path';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import * as activities from './activities';
import { describeConfig, loadConfig, requireTaskQueue } from './config';
import { emit, errorMessage } from './log';
import { greetingHandler } from './nexus-handlers';

const CONNECT_DEADLINE_MS = 60_000;
const SHUTDOWN_DEADLINE_MS = 45_000; // below the pool's terminationGracePeriodSeconds (60)

function installRuntime(): void {
  Runtime.install({
    // SDK, workflow (log sink) and forwarded Core logs, as JSON lines. A workflow's `log.info(msg, { event })`
    // becomes that event.
    logger: new DefaultLogger('INFO', (entry) => {
      const { event, ...meta } = (entry.meta ?? {}) as Record<string, unknown>;
      emit(typeof event === 'string' ? event : 'sdk.log', { level: entry.level, message: entry.message, ...meta });
    }),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
    shutdownSignals: [], // handled below
  });
}

async function connect(options: Parameters<typeof NativeConnection.connect>[0]): Promise<NativeConnection> {
  const deadline = Date.now() + CONNECT_DEADLINE_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await NativeConnection.connect(options);
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      emit('worker.connect-retry', { attempt, error: errorMessage(err) });
      await new Promise((r) => setTimeout(r, Math.min(1000 * attempt, 5000)));
    }
  }
}

function slots(supplier: { type: string; numSlots?: number }): number | string {
  return supplier.type === 'fixed-size' && supplier.numSlots !== undefined ? supplier.numSlots : supplier.type;
}

async function main(): Promise<void> {
  const cfg = loadConfig();
  const taskQueue = requireTaskQueue(cfg);
  emit('worker.config', describeConfig(cfg));
  installRuntime();

  let worker: Worker | undefined = undefined; // set once connected; the signal handler reads it
  let stopSignal: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopSignal) {
      emit('worker.forced-exit', { signal });
      process.exit(1);
    }
    stopSignal = signal;
    emit('worker.shutdown', { signal });
    if (!worker) {
      // Still connecting or creating the worker: nothing to drain.
      emit('worker.stopped', { signal });
      process.exit(0);
    }
    setTimeout(() => {
      emit('worker.fatal', { error: `shutdown did not finish within ${SHUTDOWN_DEADLINE_MS} ms` });
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    try {
      worker.shutdown();
    } catch (err) {
      emit('worker.fatal', { error: errorMessage(err) });
      process.exit(1);
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const connection = await connect(cfg.connect.connectionOptions);
  emit('worker.connected', { address: cfg.address });

  const bundlePath = path.join(__dirname, 'workflow-bundle.js');
  const options: WorkerOptions = {
    connection,
    namespace: cfg.namespace,
    taskQueue,
    ...(existsSync(bundlePath) ? { workflowBundle: { codePath: bundlePath } } : { workflowsPath: require.resolve('./workflows') }),
    activities,
    nexusServices: [greetingHandler],
    shutdownGraceTime: '10 seconds',
    ...(cfg.maxConcurrentWorkflowTasks !== undefined ? { maxConcurrentWorkflowTaskExecutions: cfg.maxConcurrentWorkflowTasks } : {}),
    ...(cfg.maxConcurrentActivities !== undefined ? { maxConcurrentActivityTaskExecutions: cfg.maxConcurrentActivities } : {}),
  };
  worker = await Worker.create(options);

  const running = worker.run();
  emit('worker.running', {
    taskQueue,
    namespace: cfg.namespace,
    identity: worker.options.identity,
    buildId: worker.options.buildId ?? null,
    workflowBundle: existsSync(bundlePath),
    workflows: [
      'greet',
      'sleepThenGreet',
      'scheduledPing',
      'nexusCaller',
      'failing',
      'activityFails',
      'activityTimesOut',
      'continueOnce',
      'waitForever',
    ],
    activities: Object.keys(activities),
    nexusServices: ['greeting'],
    // The effective slot counts (the SDK turns the max-concurrent options into fixed-size slot suppliers).
    workflowTaskSlots: slots(worker.options.tuner.workflowTaskSlotSupplier),
    activityTaskSlots: slots(worker.options.tuner.activityTaskSlotSupplier),
  });
  await running;
  await connection.close();
  emit('worker.stopped', { signal: stopSignal ?? null });
  if (!stopSignal) throw new Error('worker stopped without a shutdown signal');
}

main().then(
  () => process.exit(0),
  (err) => {
    emit('worker.fatal', { error: errorMessage(err), errorType: (err as Error)?.name ?? typeof err });
    process.exit(1);
  },
);
