package io.petrel.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private final OffsetTracker<String> tracker = new OffsetTracker<>();

  private void start(String partition, long... offsets) {
    for (long offset : offsets) {
      tracker.started(partition, offset);
    }
  }

  private void finish(String partition, long... offsets) {
    for (long offset : offsets) {
      tracker.finished(partition, offset);
    }
  }

  @Test
  void has_nothing_to_commit_for_a_partition_it_never_saw() {
    assertThat(tracker.committable("orders-0")).isEmpty();
    assertThat(tracker.running("orders-0")).isZero();
    assertThat(tracker.partitions()).isEmpty();
  }

  @Test
  void commits_past_the_last_record_once_every_record_finished() {
    start("orders-0", 0, 1, 2);
    finish("orders-0", 0, 1, 2);

    assertThat(tracker.committable("orders-0")).hasValue(3);
    assertThat(tracker.running("orders-0")).isZero();
  }

  @Test
  void never_commits_past_the_oldest_record_still_running() {
    start("orders-0", 10, 11);
    assertThat(tracker.committable("orders-0")).hasValue(10);

    start("orders-0", 12, 13, 14);
    finish("orders-0", 11, 12, 14);
    assertThat(tracker.committable("orders-0")).as("10 still runs").hasValue(10);

    finish("orders-0", 10);
    assertThat(tracker.committable("orders-0")).as("13 still runs").hasValue(13);

    finish("orders-0", 13);
    assertThat(tracker.committable("orders-0")).hasValue(15);
  }

  @Test
  void offers_an_offset_again_only_once_it_moved_past_the_committed_one() {
    start("orders-0", 0, 1);
    finish("orders-0", 0);
    assertThat(tracker.committable("orders-0")).hasValue(1);

    tracker.markCommitted("orders-0", 1);
    assertThat(tracker.committable("orders-0")).isEmpty();

    start("orders-0", 2);
    assertThat(tracker.committable("orders-0")).as("1 still runs").isEmpty();

    finish("orders-0", 1);
    assertThat(tracker.committable("orders-0")).hasValue(2);
  }

  @Test
  void a_late_confirmation_of_an_older_commit_does_not_move_the_committed_offset_back() {
    start("orders-0", 0, 1, 2, 3, 4);
    finish("orders-0", 0, 1, 2, 3, 4);
    tracker.markCommitted("orders-0", 5);
    tracker.markCommitted("orders-0", 2);

    assertThat(tracker.committable("orders-0")).isEmpty();
  }

  @Test
  void keeps_partitions_apart() {
    start("orders-0", 0, 1);
    start("orders-1", 100, 101);
    finish("orders-0", 0, 1);
    finish("orders-1", 101);

    assertThat(tracker.committable("orders-0")).hasValue(2);
    assertThat(tracker.committable("orders-1")).hasValue(100);
    assertThat(tracker.running("orders-0")).isZero();
    assertThat(tracker.running("orders-1")).isOne();
    assertThat(tracker.runningTotal()).isOne();
    assertThat(tracker.partitions()).containsExactlyInAnyOrder("orders-0", "orders-1");
  }

  @Test
  void counts_the_records_running_per_partition_and_in_total() {
    start("orders-0", 0, 1, 2);
    start("orders-1", 7);
    assertThat(tracker.running("orders-0")).isEqualTo(3);
    assertThat(tracker.runningTotal()).isEqualTo(4);

    finish("orders-0", 1);
    assertThat(tracker.running("orders-0")).isEqualTo(2);
    assertThat(tracker.runningTotal()).isEqualTo(3);
  }

  @Test
  void ignores_a_record_finishing_twice_or_one_it_never_started() {
    start("orders-0", 0, 1);
    finish("orders-0", 0, 0, 5);
    finish("orders-9", 3);

    assertThat(tracker.running("orders-0")).isOne();
    assertThat(tracker.committable("orders-0")).hasValue(1);
    assertThat(tracker.committable("orders-9")).isEmpty();
  }

  @Test
  void forgets_a_partition_it_no_longer_owns_and_ignores_results_arriving_after() {
    start("orders-0", 0, 1, 2);
    start("orders-1", 0);
    tracker.markCommitted("orders-0", 0);

    tracker.forget("orders-0");
    finish("orders-0", 0, 1, 2);

    assertThat(tracker.committable("orders-0")).isEmpty();
    assertThat(tracker.running("orders-0")).isZero();
    assertThat(tracker.runningTotal()).as("orders-1 still runs").isOne();
    assertThat(tracker.partitions()).containsExactly("orders-1");
  }

  @Test
  void counts_only_the_records_read_again_when_it_gets_a_partition_back() {
    start("orders-0", 40, 41, 42);
    tracker.forget("orders-0");

    start("orders-0", 40);

    assertThat(tracker.running("orders-0")).isOne();
    assertThat(tracker.committable("orders-0")).hasValue(40);
    finish("orders-0", 40);
    assertThat(tracker.committable("orders-0")).hasValue(41);
  }
}
