import {
  ActivityFailure,
  ApplicationFailure,
  continueAsNew,
  createNexusServiceClient,
  log,
  proxyActivities,
  sleep,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from './activities';
import { greetingService } from './nexus-service';

const { compose, ping } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
});

export async function greet(name: string): Promise<string> {
  return await compose(name);
}

/** A durable timer first: the run survives worker restarts and a killed history process. */
export async function sleepThenGreet(name: string, seconds: number): Promise<string> {
  log.info('sleepThenGreet timer started', { event: 'workflow.timer', workflowId: workflowInfo().workflowId, seconds });
  await sleep(seconds * 1000);
  return await compose(name);
}

/** The target of a Schedule. */
export async function scheduledPing(): Promise<string> {
  return await ping();
}

/** Calls the `greeting` service's sync `say` operation through a Nexus endpoint. */
export async function nexusCaller(name: string, endpoint: string): Promise<string> {
  const client = createNexusServiceClient({ service: greetingService, endpoint });
  const result = await client.executeOperation('say', name, { scheduleToCloseTimeout: '60 seconds' });
  log.info('nexusCaller result', { event: 'workflow.nexus-result', workflowId: workflowInfo().workflowId, endpoint, result });
  return result;
}

// ---- Failure paths (client.js provoke-metrics): each one makes the server emit a counter. ----

/** Single attempt, no retry: one RespondActivityTaskFailed → activity_task_fail and activity_fail. */
const { failNonRetryable } = proxyActivities<typeof activities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 1 },
});

/** startToClose 1 s against a 3 s sleep, single attempt → the server's timer fires: activity_timeout. */
const { sleepFor } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 second',
  retry: { maximumAttempts: 1 },
});

export interface ActivityOutcome {
  activity: 'failed' | 'timedOut' | 'completed';
  activityType: string;
  message: string;
  failureType: string | null;
  timeoutType: string | null;
}

function activityOutcome(err: unknown, expected: 'failed' | 'timedOut'): ActivityOutcome {
  if (!(err instanceof ActivityFailure)) throw err;
  const cause = err.cause;
  const outcome: ActivityOutcome = {
    activity: cause instanceof TimeoutFailure ? 'timedOut' : 'failed',
    activityType: err.activityType,
    message: cause?.message ?? err.message,
    failureType: cause instanceof ApplicationFailure ? (cause.type ?? null) : (cause?.name ?? null),
    timeoutType: cause instanceof TimeoutFailure ? (cause.timeoutType ?? null) : null,
  };
  log.info('activity outcome', { event: 'workflow.activity-outcome', workflowId: workflowInfo().workflowId, expected, ...outcome });
  return outcome;
}

/** The workflow execution fails (non-retryable ApplicationFailure) → workflow_failed. */
export async function failing(): Promise<never> {
  throw ApplicationFailure.nonRetryable('failing() fails on purpose (e2e)', 'E2EWorkflowFailure');
}

/** Its activity fails on its only attempt; the workflow catches that and completes with the outcome. */
export async function activityFails(): Promise<ActivityOutcome> {
  try {
    await failNonRetryable('activityFails() fails on purpose (e2e)');
  } catch (err) {
    return activityOutcome(err, 'failed');
  }
  throw ApplicationFailure.nonRetryable('failNonRetryable unexpectedly succeeded', 'E2EUnexpected');
}

/** Its activity times out (startToClose) on its only attempt; the workflow catches that and completes. */
export async function activityTimesOut(): Promise<ActivityOutcome> {
  try {
    await sleepFor(3);
  } catch (err) {
    return activityOutcome(err, 'timedOut');
  }
  throw ApplicationFailure.nonRetryable('sleepFor unexpectedly completed within its 1 s startToCloseTimeout', 'E2EUnexpected');
}

/** Continues as new `n` times (n = 1: once → workflow_continued_as_new), then returns the number of runs. */
export async function continueOnce(n: number, runs = 1): Promise<{ runs: number }> {
  if (n > 0) {
    return await continueAsNew<typeof continueOnce>(n - 1, runs + 1);
  }
  return { runs };
}

/** A long durable timer: the target of cancel (→ workflow_cancel), terminate and run timeouts. */
export async function waitForever(): Promise<never> {
  await sleep('3650 days');
  throw ApplicationFailure.nonRetryable('waitForever() timer fired', 'E2EUnexpected');
}
