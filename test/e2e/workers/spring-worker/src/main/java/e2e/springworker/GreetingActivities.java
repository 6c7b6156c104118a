package e2e.springworker;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Activity type "Compose" (the SDK capitalises the method name). */
@ActivityInterface
public interface GreetingActivities {
  @ActivityMethod
  String compose(String name);
}
