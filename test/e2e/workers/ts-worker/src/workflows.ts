import { createNexusServiceClient, log, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
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
