package io.petrel.connectors;

import io.petrel.persistence.QueuedEvents;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue of a single node on its embedded store ({@code petrel dev}): events are rows, run oldest first, at
 * most {@code maxInFlight} at once, and removed once run. After a crash the rows still there run again.
 */
final class StoreEventQueue implements EventQueue {
  private static final Logger log = LoggerFactory.getLogger(StoreEventQueue.class);
  private static final int READ_AHEAD = 256;

  private final QueuedEvents store;
  private final Semaphore slots;
  private final Clock clock;
  private final Object wakeUp = new Object();
  private final AtomicLong running = new AtomicLong();
  private volatile boolean closed;
  private Thread reader;

  StoreEventQueue(QueuedEvents store, int maxInFlight, Clock clock) {
    this.store = store;
    this.slots = new Semaphore(maxInFlight);
    this.clock = clock;
  }

  @Override
  public CompletionStage<Void> submit(AsyncEvent event) {
    return store.enqueue(event.encode(), clock.instant()).thenApply(seq -> {
      synchronized (wakeUp) {
        wakeUp.notifyAll();
      }
      return null;
    });
  }

  @Override
  public void start(Function<AsyncEvent, CompletionStage<Void>> runner) {
    reader = new Thread(() -> read(runner), "petrel-async-queue");
    reader.setDaemon(true);
    reader.start();
  }

  private void read(Function<AsyncEvent, CompletionStage<Void>> runner) {
    long after = 0;
    while (!closed) {
      try {
        slots.acquire();
        slots.release();
        List<QueuedEvents.QueuedEvent> next = store.queuedAfter(after, Math.min(READ_AHEAD,
            Math.max(1, slots.availablePermits()))).toCompletableFuture().get();
        if (next.isEmpty()) {
          synchronized (wakeUp) {
            wakeUp.wait(200);
          }
          continue;
        }
        for (QueuedEvents.QueuedEvent queued : next) {
          after = queued.seq();
          slots.acquire();
          running.incrementAndGet();
          runOne(runner, queued);
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        if (!closed) {
          log.warn("reading the event queue failed ({}); trying again", e.toString());
          sleepQuietly(1000);
        }
      }
    }
  }

  private void runOne(Function<AsyncEvent, CompletionStage<Void>> runner, QueuedEvents.QueuedEvent queued) {
    CompletionStage<Void> done;
    try {
      done = runner.apply(AsyncEvent.decode(queued.body()));
    } catch (IllegalArgumentException e) {
      log.error("queued event {} cannot be read and is dropped: {}", queued.seq(), e.getMessage());
      done = java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    done.thenCompose(x -> store.remove(queued.seq())).whenComplete((x, error) -> {
      if (error != null && !closed) {
        log.warn("queued event {} stays queued and runs again when the node restarts: {}", queued.seq(),
            error.toString());
      }
      running.decrementAndGet();
      slots.release();
    });
  }

  @Override
  public long depth() {
    try {
      return store.queuedCount().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      return running.get();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (reader != null) {
      reader.interrupt();
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
