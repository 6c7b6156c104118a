/**
 * The dynamic-config keys a profile may set, with their value types. The server only warns about an
 * unregistered key and keeps its default, so a typo would silently do nothing: synth rejects any key
 * not listed here. Source: ../shared/reference/temporal-server.md §5 (server 1.31.2).
 * To allow another key, add it here after checking it is registered in server 1.31.
 */
import { z } from 'zod';

type ValueType = 'int' | 'float' | 'bool' | 'duration' | 'string';

export const DYNAMIC_CONFIG_KEYS: Readonly<Record<string, ValueType>> = {
  // Frontend rate limits and persistence
  'frontend.rps': 'int',
  'frontend.globalRPS': 'int',
  'frontend.namespaceRPS': 'int',
  'frontend.globalNamespaceRPS': 'int',
  'frontend.namespaceBurstRatio': 'float',
  'frontend.namespaceRPS.visibility': 'int',
  'frontend.globalNamespaceRPS.visibility': 'int',
  'frontend.namespaceCount': 'int',
  'frontend.globalNamespaceCount': 'int',
  'frontend.persistenceMaxQPS': 'int',
  'frontend.persistenceGlobalMaxQPS': 'int',
  'frontend.persistenceNamespaceMaxQPS': 'int',
  'frontend.keepAliveMaxConnectionAge': 'duration',
  'frontend.keepAliveMaxConnectionIdle': 'duration',
  'frontend.shutdownDrainDuration': 'duration',
  'frontend.shutdownFailHealthCheckDuration': 'duration',
  // Frontend features and limits
  'frontend.visibilityMaxPageSize': 'int',
  'frontend.enableUpdateWorkflowExecution': 'bool',
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted': 'bool',
  'frontend.enableSchedules': 'bool',
  'frontend.enableBatcher': 'bool',
  'frontend.MaxConcurrentBatchOperationPerNamespace': 'int',
  'frontend.workerVersioningDataAPIs': 'bool',
  'frontend.workerVersioningWorkflowAPIs': 'bool',
  'frontend.workerVersioningRuleAPIs': 'bool',
  'frontend.searchAttributesNumberOfKeysLimit': 'int',
  'frontend.searchAttributesSizeOfValueLimit': 'int',
  'frontend.searchAttributesTotalSizeLimit': 'int',
  'frontend.enableServerVersionCheck': 'bool',
  'frontend.exposeAuthorizerErrors': 'bool',
  'frontend.throttledLogRPS': 'int',
  // History
  'history.rps': 'int',
  'history.persistenceMaxQPS': 'int',
  'history.persistenceGlobalMaxQPS': 'int',
  'history.persistenceNamespaceMaxQPS': 'int',
  'history.hostLevelCacheMaxSize': 'int',
  'history.cacheSizeBasedLimit': 'bool',
  'history.hostLevelCacheMaxSizeBytes': 'int',
  'history.eventsCacheMaxSizeBytes': 'int',
  'history.historyMaxAutoResetPoints': 'int',
  'history.maximumBufferedEventsBatch': 'int',
  'history.shutdownDrainDuration': 'duration',
  'history.startupMembershipJoinDelay': 'duration',
  'history.shardIOConcurrency': 'int',
  'history.acquireShardConcurrency': 'int',
  'history.maxInFlightUpdates': 'int',
  'history.maxTotalUpdates': 'int',
  'history.transferProcessorSchedulerWorkerCount': 'int',
  'history.timerProcessorSchedulerWorkerCount': 'int',
  'history.visibilityProcessorSchedulerWorkerCount': 'int',
  'history.longPollExpirationInterval': 'duration',
  // Matching
  'matching.rps': 'int',
  'matching.persistenceMaxQPS': 'int',
  'matching.numTaskqueueReadPartitions': 'int',
  'matching.numTaskqueueWritePartitions': 'int',
  'matching.longPollExpirationInterval': 'duration',
  'matching.shutdownDrainDuration': 'duration',
  'matching.forwarderMaxOutstandingPolls': 'int',
  'matching.forwarderMaxChildrenPerNode': 'int',
  // Worker
  'worker.persistenceMaxQPS': 'int',
  'worker.perNamespaceWorkerCount': 'int',
  'worker.schedulerNamespaceStartWorkflowRPS': 'float',
  'worker.batcherRPS': 'int',
  'worker.enableScheduler': 'bool',
  'worker.executionsScannerEnabled': 'bool',
  'worker.historyScannerEnabled': 'bool',
  'worker.taskQueueScannerEnabled': 'bool',
  // Limits
  'limit.maxIDLength': 'int',
  'limit.blobSize.error': 'int',
  'limit.blobSize.warn': 'int',
  'limit.historySize.error': 'int',
  'limit.historySize.warn': 'int',
  'limit.historySize.suggestContinueAsNew': 'int',
  'limit.historyCount.error': 'int',
  'limit.historyCount.warn': 'int',
  'limit.historyCount.suggestContinueAsNew': 'int',
  'limit.memoSize.error': 'int',
  'limit.memoSize.warn': 'int',
  'limit.numPendingActivities.error': 'int',
  'limit.numPendingChildExecutions.error': 'int',
  'limit.numPendingSignals.error': 'int',
  'limit.numPendingCancelRequests.error': 'int',
  'limit.mutableStateSize.error': 'int',
  // System: visibility, caches, retention, archival, features
  'system.secondaryVisibilityWritingMode': 'string',
  'system.enableReadFromSecondaryVisibility': 'bool',
  'system.visibilityPersistenceMaxReadQPS': 'int',
  'system.visibilityPersistenceMaxWriteQPS': 'int',
  'system.visibilityDisableOrderByClause': 'bool',
  'system.namespaceCacheRefreshInterval': 'duration',
  'system.clusterMetadataRefreshInterval': 'duration',
  'system.transactionSizeLimit': 'int',
  'system.namespaceMinRetentionGlobal': 'duration',
  'system.namespaceMinRetentionLocal': 'duration',
  'system.historyArchivalState': 'string',
  'system.enableReadFromHistoryArchival': 'bool',
  'system.visibilityArchivalState': 'string',
  'system.enableReadFromVisibilityArchival': 'bool',
  'system.enableActivityEagerExecution': 'bool',
  'system.enableEagerWorkflowStart': 'bool',
  'system.enableCrossNamespaceCommands': 'bool',
  'system.enableParentClosePolicyWorker': 'bool',
  'system.enableDeploymentVersions': 'bool',
  'system.enableRingpopTLS': 'bool',
  'system.persistenceQPSBurstRatio': 'float',
  'system.forceSearchAttributesCacheRefreshOnRead': 'bool',
  'activity.enableStandalone': 'bool',
};

/** Keys people often write that server 1.31 does not read, with what to use instead. */
export const MISLEADING_DYNAMIC_CONFIG_KEYS: Readonly<Record<string, string>> = {
  'history.enableArchival': 'never existed; archival is set by the spec\'s "archival" section (or system.historyArchivalState)',
  'visibility.enableArchival': 'never existed; archival is set by the spec\'s "archival" section (or system.visibilityArchivalState)',
  'system.enableNexus': 'was removed in server 1.31 (Nexus is always on); delete it',
  'frontend.enableNexusAPIs': 'was removed before 1.31; delete it',
  'frontend.enableExecuteMultiOperation': 'was removed in 1.30; delete it',
  'worker.enableBatcher': 'was removed; use frontend.enableBatcher',
  'history.stickyTTL': 'was removed; delete it',
  'history.cacheMaxSize': 'was replaced by history.hostLevelCacheMaxSize',
  'history.cacheInitialSize': 'was removed; use history.hostLevelCacheMaxSize',
  'history.cacheMaxSizeBytes': 'was replaced by history.hostLevelCacheMaxSizeBytes',
  'history.enableHostHistoryCache': 'was removed; delete it',
  'history.maxAutoResetPoints': 'does not exist; the key is history.historyMaxAutoResetPoints',
  'limit.workflowExecutionMaxInFlightUpdates': 'does not exist; the key is history.maxInFlightUpdates',
};

/** Constraint names the server accepts; any other name makes it reject the whole file. */
export const DYNAMIC_CONFIG_CONSTRAINTS = [
  'namespace',
  'namespaceID',
  'taskQueueName',
  'taskType',
  'historyTaskType',
  'shardID',
  'destination',
  'chasmTaskType',
] as const;

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const constrained = z.strictObject({
  value: scalar.describe("The value where the constraints match, of the key's type (int, float, bool, duration string or string)."),
  constraints: z
    .strictObject({
      namespace: z.string().optional().describe('Temporal namespace name the value applies to.'),
      namespaceID: z.string().optional().describe('Temporal namespace ID the value applies to.'),
      taskQueueName: z.string().optional().describe('Task queue name the value applies to.'),
      taskType: z.enum(['Workflow', 'Activity']).optional().describe('Task queue type the value applies to: Workflow or Activity.'),
      historyTaskType: z.string().optional().describe('History task type the value applies to, as the server names it.'),
      shardID: z
        .number()
        .int()
        .min(1)
        .max(2 ** 31 - 1)
        .optional()
        .describe('History shard ID the value applies to (from 1).'),
      destination: z.string().optional().describe('Destination of outbound tasks (e.g. a callback or Nexus target) the value applies to.'),
      chasmTaskType: z.string().optional().describe('CHASM task type the value applies to, as the server names it.'),
    })
    .optional()
    .describe("The scope of this value (the server's constraint names); the unconstrained value when absent."),
});

/** A value for every scope, or a list of `{value, constraints}` (the server's own file format). */
export type DynamicConfigValue = z.infer<typeof scalar> | z.infer<typeof constrained>[];

const CANONICAL = new Map(Object.keys(DYNAMIC_CONFIG_KEYS).map((k) => [k.toLowerCase(), k]));

function typeError(type: ValueType, v: unknown): string | undefined {
  switch (type) {
    case 'int':
      return !Number.isInteger(v)
        ? 'must be a whole number'
        : Number.isSafeInteger(v)
          ? undefined
          : `must be between ±${Number.MAX_SAFE_INTEGER}`;
    case 'float':
      return typeof v === 'number' ? undefined : 'must be a number';
    case 'bool':
      return typeof v === 'boolean' ? undefined : 'must be true or false';
    case 'duration':
      return typeof v === 'string' && GO_DURATION.test(v) ? undefined : 'must be a Go duration string such as "10s" or "1h"';
    case 'string':
      return typeof v === 'string' ? undefined : 'must be a string';
  }
}

export const dynamicConfigSchema = z
  .record(z.string(), z.union([scalar, z.array(constrained).min(1).max(100, 'must list at most 100 constrained values')]))
  .superRefine((values, ctx) => {
    const seen = new Map<string, string>();
    for (const [key, value] of Object.entries(values)) {
      const lower = key.toLowerCase();
      const hint = Object.entries(MISLEADING_DYNAMIC_CONFIG_KEYS).find(([k]) => k.toLowerCase() === lower)?.[1];
      const canonical = CANONICAL.get(lower);
      if (!canonical) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: hint
            ? `"${key}" ${hint}`
            : `unknown dynamic-config key "${key}": server 1.31 does not register it and would ignore it; fix the spelling or, if it is a real 1.31 key, add it to config/dynamic-config.ts`,
        });
        continue;
      }
      if (seen.has(lower)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `same key as "${seen.get(lower)}" (keys are case-insensitive); keep one` });
      }
      seen.set(lower, key);
      const entries = Array.isArray(value) ? value.map((e, i) => ({ v: e.value, path: [key, i, 'value'] })) : [{ v: value, path: [key] }];
      for (const e of entries) {
        const err = typeError(DYNAMIC_CONFIG_KEYS[canonical], e.v);
        if (err)
          ctx.addIssue({ code: 'custom', path: e.path, message: `${err} (${canonical} is a ${DYNAMIC_CONFIG_KEYS[canonical]} key)` });
      }
    }
  });
