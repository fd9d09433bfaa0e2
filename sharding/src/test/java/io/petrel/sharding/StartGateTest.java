package io.petrel.sharding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Starts beyond the limit wait their turn, in order, and each leave lets exactly one more go. */
class StartGateTest {
  @Test
  void starts_past_the_limit_wait_for_one_to_finish_first_come_first_served() {
    StartGate gate = new StartGate(2);
    CompletableFuture<Void> a = gate.enter().toCompletableFuture();
    CompletableFuture<Void> b = gate.enter().toCompletableFuture();
    CompletableFuture<Void> c = gate.enter().toCompletableFuture();
    CompletableFuture<Void> d = gate.enter().toCompletableFuture();
    assertThat(a).isDone();
    assertThat(b).isDone();
    assertThat(c).isNotDone();
    assertThat(d).isNotDone();
    assertThat(gate.waiting()).isEqualTo(2);

    gate.leave();
    assertThat(c).isDone();
    assertThat(d).isNotDone();
    assertThat(gate.starting()).isEqualTo(2);
    gate.leave();
    assertThat(d).isDone();
    gate.leave();
    gate.leave();
    assertThat(gate.starting()).isZero();
    assertThat(gate.enter().toCompletableFuture()).isDone();
  }
}
