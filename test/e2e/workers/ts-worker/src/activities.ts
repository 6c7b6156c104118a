import { ApplicationFailure, Context } from '@temporalio/activity';
import { emit } from './log';

function context(): Record<string, unknown> {
  const info = Context.current().info;
  return {
    workflowId: info.workflowExecution?.workflowId ?? null,
    runId: info.workflowExecution?.runId ?? null,
    workflowType: info.workflowType,
    attempt: info.attempt,
  };
}

export async function compose(name: string): Promise<string> {
  emit('activity.compose', { name, ...context() });
  return `Hello, ${name}!`;
}

export async function ping(): Promise<string> {
  emit('activity.ping', context());
  return 'pong';
}

/** Always fails without retry: with the caller's single attempt the server counts activity_task_fail + activity_fail. */
export async function failNonRetryable(reason: string): Promise<never> {
  emit('activity.fail', { reason, ...context() });
  throw ApplicationFailure.nonRetryable(reason, 'E2EActivityFailure');
}

/** Sleeps (cancellation-aware); callers give it a shorter startToCloseTimeout to provoke activity_timeout. */
export async function sleepFor(seconds: number): Promise<string> {
  emit('activity.sleep', { seconds, ...context() });
  await Context.current().sleep(seconds * 1000);
  return `slept ${seconds} s`;
}
