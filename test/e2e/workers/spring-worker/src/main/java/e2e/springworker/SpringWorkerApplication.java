package e2e.springworker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The worker. It configures nothing about Temporal itself: the connection, namespace and worker
 * (task queue, capacity) come from spring.temporal.* in the mounted application.yaml; the
 * bundled classpath application.yaml only turns on auto-discovery of the annotated classes below.
 */
@SpringBootApplication
public class SpringWorkerApplication {
  public static void main(String[] args) {
    SpringApplication.run(SpringWorkerApplication.class, args);
  }
}
