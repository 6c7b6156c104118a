package e2e.springworker;

/**
 * The task queue of the worker declared first under spring.temporal.workers in the mounted
 * application.yaml (rendered as ${TEMPORAL_TASK_QUEUE}); the starter resolves this placeholder
 * against the Environment and, the worker already existing, registers the implementation on it.
 * The fallbacks apply only when no worker is declared.
 */
final class TaskQueue {
  static final String OF_CONFIGURED_WORKER =
      "${spring.temporal.workers[0].task-queue:${TEMPORAL_TASK_QUEUE:app-task-queue}}";

  private TaskQueue() {}
}
