package e2e.springworker;

import io.temporal.activity.ActivityOptions;
import io.temporal.spring.boot.WorkflowImpl;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Registered on the worker of the first entry of spring.temporal.workers (the rendered one), so
 * it gets that entry's capacity settings; the activity runs on the workflow's task queue.
 */
@WorkflowImpl(taskQueues = TaskQueue.OF_CONFIGURED_WORKER)
public class GreetingWorkflowImpl implements GreetingWorkflow {
  private final GreetingActivities activities =
      Workflow.newActivityStub(
          GreetingActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());

  @Override
  public String greet(String name) {
    return activities.compose(name);
  }
}
