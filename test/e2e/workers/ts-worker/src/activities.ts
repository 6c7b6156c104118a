import { Context } from '@temporalio/activity';
import { emit } from './log';

function context(): Record<string, unknown> {
  const info = Context.current().info;
  return { workflowId: info.workflowExecution?.workflowId ?? null, runId: info.workflowExecution?.runId ?? null, workflowType: info.workflowType, attempt: info.attempt };
}

export async function compose(name: string): Promise<string> {
  emit('activity.compose', { name, ...context() });
  return `Hello, ${name}!`;
}

export async function ping(): Promise<string> {
  emit('activity.ping', context());
  return 'pong';
}
