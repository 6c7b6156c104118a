package e2e.springworker;

import io.temporal.spring.boot.ActivityImpl;
import org.springframework.stereotype.Component;

@Component
@ActivityImpl(taskQueues = TaskQueue.OF_CONFIGURED_WORKER)
public class GreetingActivitiesImpl implements GreetingActivities {
  @Override
  public String compose(String name) {
    return "Hello, " + name + "!";
  }
}
