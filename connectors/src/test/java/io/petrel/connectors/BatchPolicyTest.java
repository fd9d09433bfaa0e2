package io.petrel.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.connectors.BatchPolicy.Failed;
import io.petrel.connectors.BatchPolicy.Failure;
import io.petrel.connectors.BatchPolicy.Handled;
import io.petrel.connectors.BatchPolicy.NotRun;
import io.petrel.connectors.BatchPolicy.PartlyHandled;
import io.petrel.connectors.BatchPolicy.Result;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The policy runs against a scripted function; records are their offsets. Retry delays are zero, so each next run
 * happens at once and {@code settle} is complete when it returns.
 */
class BatchPolicyTest {
  private static final byte[] POISON_ERROR = "{\"errorMessage\":\"poison\"}".getBytes(StandardCharsets.UTF_8);

  private record Run(List<Integer> batch, Result result) {}

  private record FailureStep(List<Integer> batch, Failure failure) {}

  private final List<Run> runs = new ArrayList<>();
  private final List<FailureStep> failureSteps = new ArrayList<>();
  private final List<Integer> delaysAsked = new ArrayList<>();

  private BatchPolicy<Integer> policy(int maximumRetryAttempts, boolean bisect, Function<List<Integer>, Result> function) {
    return policy(maximumRetryAttempts, bisect, function, (batch, failure) -> CompletableFuture.completedFuture(null));
  }

  private BatchPolicy<Integer> policy(int maximumRetryAttempts, boolean bisect, Function<List<Integer>, Result> function,
      java.util.function.BiFunction<List<Integer>, Failure, CompletionStage<Void>> afterFailureStep) {
    return new BatchPolicy<>(
        batch -> {
          Result result = function.apply(batch);
          runs.add(new Run(List.copyOf(batch), result));
          return CompletableFuture.completedFuture(result);
        },
        (batch, failure) -> {
          failureSteps.add(new FailureStep(List.copyOf(batch), failure));
          return afterFailureStep.apply(batch, failure);
        },
        maximumRetryAttempts, bisect,
        n -> {
          delaysAsked.add(n);
          return Duration.ZERO;
        });
  }

  /** Answers the given results in turn; one run more than scripted fails the test. */
  private static Function<List<Integer>, Result> scripted(Result... results) {
    Deque<Result> script = new ArrayDeque<>(Arrays.asList(results));
    return batch -> {
      Result next = script.poll();
      if (next == null) {
        throw new AssertionError("ran " + batch + " more often than scripted");
      }
      return next;
    };
  }

  private static Function<List<Integer>, Result> failingOn(int poison) {
    return batch -> batch.contains(poison) ? new Failed("Unhandled", POISON_ERROR) : new Handled();
  }

  private static List<Integer> offsets(int from, int toExclusive) {
    return IntStream.range(from, toExclusive).boxed().toList();
  }

  private List<List<Integer>> batchesRun() {
    return runs.stream().map(Run::batch).toList();
  }

  @Test
  void settles_a_batch_the_function_handles_in_one_run() {
    CompletionStage<Void> settled = policy(2, false, scripted(new Handled())).settle(offsets(0, 5));

    assertThat(settled).isCompleted();
    assertThat(batchesRun()).containsExactly(offsets(0, 5));
    assertThat(failureSteps).isEmpty();
  }

  @Test
  void runs_a_failing_batch_one_plus_maximum_retry_attempts_times_then_hands_it_to_the_failure_step() {
    CompletionStage<Void> settled = policy(2, false, batch -> new Failed("Unhandled", POISON_ERROR))
        .settle(offsets(0, 4));

    assertThat(settled).isCompleted();
    assertThat(batchesRun()).containsExactly(offsets(0, 4), offsets(0, 4), offsets(0, 4));
    assertThat(failureSteps).singleElement().satisfies(step -> {
      assertThat(step.batch()).isEqualTo(offsets(0, 4));
      assertThat(step.failure().attempts()).isEqualTo(3);
      assertThat(step.failure().error()).isEqualTo("Unhandled");
      assertThat(step.failure().body()).isEqualTo(POISON_ERROR);
    });
  }

  @Test
  void runs_a_failing_batch_once_when_maximum_retry_attempts_is_zero() {
    policy(0, false, batch -> new Failed("Unhandled", null)).settle(offsets(0, 2));

    assertThat(runs).hasSize(1);
    assertThat(failureSteps).singleElement().satisfies(step -> assertThat(step.failure().attempts()).isOne());
  }

  @Test
  void tells_the_failure_step_what_the_last_run_answered() {
    policy(1, false, scripted(new Failed("First", "1".getBytes()), new Failed("Second", "2".getBytes())))
        .settle(offsets(0, 1));

    assertThat(failureSteps).singleElement().satisfies(step -> {
      assertThat(step.failure().error()).isEqualTo("Second");
      assertThat(step.failure().body()).asString(StandardCharsets.UTF_8).isEqualTo("2");
    });
  }

  @Test
  void a_batch_that_succeeds_on_a_retry_never_reaches_the_failure_step() {
    CompletionStage<Void> settled = policy(2, false,
        scripted(new Failed("Unhandled", null), new Failed("Unhandled", null), new Handled())).settle(offsets(0, 3));

    assertThat(settled).isCompleted();
    assertThat(runs).hasSize(3);
    assertThat(failureSteps).isEmpty();
  }

  @Test
  void retries_until_success_when_maximum_retry_attempts_is_minus_one() {
    int[] calls = {0};
    CompletionStage<Void> settled = policy(-1, false,
        batch -> ++calls[0] <= 50 ? new Failed("Unhandled", null) : new Handled()).settle(offsets(0, 3));

    assertThat(settled).isCompleted();
    assertThat(runs).hasSize(51);
    assertThat(failureSteps).isEmpty();
  }

  @Test
  void a_batch_the_platform_could_not_run_waits_without_using_up_an_attempt() {
    CompletionStage<Void> settled = policy(1, false, scripted(new NotRun("throttled"), new Failed("Unhandled", null),
        new NotRun("throttled"), new NotRun("unavailable"), new Failed("Unhandled", null))).settle(offsets(0, 2));

    assertThat(settled).isCompleted();
    assertThat(runs).hasSize(5);
    assertThat(failureSteps).singleElement().satisfies(step -> assertThat(step.failure().attempts()).isEqualTo(2));
  }

  @Test
  void waits_longer_for_each_further_wait_and_each_further_retry() {
    policy(5, false, scripted(new NotRun("throttled"), new NotRun("throttled"), new Failed("Unhandled", null),
        new NotRun("throttled"), new Failed("Unhandled", null), new Handled())).settle(offsets(0, 1));

    // wait 1, wait 2, retry 1, then a wait after a retry starts over at 1, retry 2
    assertThat(delaysAsked).containsExactly(1, 2, 1, 1, 2);
  }

  @Test
  void settles_the_records_before_the_first_reported_failure_and_runs_the_rest_again() {
    CompletionStage<Void> settled = policy(2, false, scripted(new PartlyHandled(4), new Handled()))
        .settle(offsets(0, 10));

    assertThat(settled).isCompleted();
    assertThat(batchesRun()).containsExactly(offsets(0, 10), offsets(4, 10));
    assertThat(failureSteps).isEmpty();
  }

  @Test
  void hands_only_the_records_still_unhandled_to_the_failure_step_when_reported_failures_persist() {
    policy(1, false, scripted(new PartlyHandled(4), new PartlyHandled(2))).settle(offsets(0, 10));

    assertThat(batchesRun()).containsExactly(offsets(0, 10), offsets(4, 10));
    assertThat(failureSteps).singleElement().satisfies(step -> {
      assertThat(step.batch()).isEqualTo(offsets(6, 10));
      assertThat(step.failure().attempts()).isEqualTo(2);
      assertThat(step.failure().error()).isEqualTo("ReportedBatchItemFailures");
    });
  }

  @Test
  void a_reported_failure_past_the_end_of_the_batch_settles_it_and_one_at_the_start_fails_it_whole() {
    policy(0, false, scripted(new PartlyHandled(3))).settle(offsets(0, 3));
    assertThat(runs).hasSize(1);
    assertThat(failureSteps).isEmpty();

    policy(0, false, scripted(new PartlyHandled(0))).settle(offsets(0, 3));
    assertThat(failureSteps).singleElement().satisfies(step -> assertThat(step.batch()).isEqualTo(offsets(0, 3)));
  }

  @Test
  void bisects_a_failed_batch_and_runs_the_halves_in_order() {
    CompletionStage<Void> settled = policy(0, true, failingOn(2)).settle(offsets(0, 4));

    assertThat(settled).isCompleted();
    assertThat(batchesRun()).containsExactly(List.of(0, 1, 2, 3), List.of(0, 1), List.of(2, 3), List.of(2), List.of(3));
    assertThat(failureSteps).singleElement().satisfies(step -> {
      assertThat(step.batch()).containsExactly(2);
      assertThat(step.failure().attempts()).isOne();
    });
  }

  @Test
  void bisecting_isolates_one_poison_record_in_a_batch_of_a_hundred() {
    int poison = 37;
    List<Integer> batch = offsets(0, 100);
    List<Integer> settledInOrder = new ArrayList<>();
    BatchPolicy<Integer> policy = policy(2, true, batchRun -> {
      Result result = failingOn(poison).apply(batchRun);
      if (result instanceof Handled) {
        batchRun.stream().filter(r -> !settledInOrder.contains(r)).forEach(settledInOrder::add);
      }
      return result;
    }, (failed, failure) -> {
      settledInOrder.addAll(failed);
      return CompletableFuture.completedFuture(null);
    });

    CompletionStage<Void> settled = policy.settle(batch);

    assertThat(settled).isCompleted();
    Set<Integer> handled = new LinkedHashSet<>();
    runs.stream().filter(run -> run.result() instanceof Handled).forEach(run -> handled.addAll(run.batch()));
    assertThat(handled).as("every other record was in a handled run")
        .containsExactlyInAnyOrderElementsOf(batch.stream().filter(r -> r != poison).toList());
    assertThat(List.copyOf(handled)).as("records are first handled in offset order").isSorted();
    assertThat(batchesRun()).as("the poison record alone is run 1 + MaximumRetryAttempts times")
        .filteredOn(run -> run.equals(List.of(poison))).hasSize(3);
    assertThat(failureSteps).singleElement().satisfies(step -> {
      assertThat(step.batch()).containsExactly(poison);
      assertThat(step.failure().attempts()).isEqualTo(3);
      assertThat(step.failure().error()).isEqualTo("Unhandled");
    });
    assertThat(settledInOrder).as("each record settles once, in offset order").isEqualTo(batch);
  }

  @Test
  void a_single_record_batch_is_retried_even_with_bisecting_on() {
    policy(2, true, batch -> new Failed("Unhandled", null)).settle(List.of(7));

    assertThat(batchesRun()).containsExactly(List.of(7), List.of(7), List.of(7));
    assertThat(failureSteps).singleElement().satisfies(step -> assertThat(step.failure().attempts()).isEqualTo(3));
  }

  @Test
  void is_settled_only_once_the_failure_step_is_done() {
    CompletableFuture<Void> failureRecordSent = new CompletableFuture<>();
    CompletionStage<Void> settled = policy(0, false, batch -> new Failed("Unhandled", null),
        (batch, failure) -> failureRecordSent).settle(offsets(0, 2));

    assertThat(failureSteps).hasSize(1);
    assertThat(settled.toCompletableFuture()).isNotDone();

    failureRecordSent.complete(null);
    assertThat(settled).isCompleted();
  }
}
