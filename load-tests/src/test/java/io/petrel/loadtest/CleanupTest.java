package io.petrel.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CleanupTest {

  @Test
  void runs_steps_newest_first_once_each_even_when_one_throws() {
    List<String> done = new ArrayList<>();
    Cleanup cleanup = new Cleanup("test");
    cleanup.add(() -> done.add("stop server"));
    cleanup.add(() -> {
      throw new IllegalStateException("already gone");
    });
    cleanup.add(() -> done.add("delete functions"));
    cleanup.run();
    cleanup.run();
    assertThat(done).containsExactly("delete functions", "stop server");
  }

  @Test
  void steps_learn_that_the_run_failed_unless_it_finished_or_was_interrupted() {
    List<Boolean> failed = new ArrayList<>();
    Cleanup failedRun = new Cleanup("test");
    failedRun.add(failed::add);
    failedRun.run();
    Cleanup finished = new Cleanup("test");
    finished.add(failed::add);
    finished.finished();
    finished.run();
    Cleanup interrupted = new Cleanup("test");
    interrupted.add(failed::add);
    interrupted.interrupted();
    interrupted.run();
    assertThat(failed).containsExactly(true, false, false);
  }
}
