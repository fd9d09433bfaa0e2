package io.petrel.node.cli;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/** A request body that reports how many of its bytes the HTTP client has taken so far, for upload progress. */
final class CountingPublisher implements HttpRequest.BodyPublisher {
  private final HttpRequest.BodyPublisher body;
  private final LongConsumer sent;

  CountingPublisher(HttpRequest.BodyPublisher body, LongConsumer sent) {
    this.body = body;
    this.sent = sent;
  }

  @Override
  public long contentLength() {
    return body.contentLength();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    body.subscribe(new Flow.Subscriber<>() {
      private long count;

      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscriber.onSubscribe(subscription);
      }

      @Override
      public void onNext(ByteBuffer item) {
        count += item.remaining();
        subscriber.onNext(item);
        sent.accept(count);
      }

      @Override
      public void onError(Throwable error) {
        subscriber.onError(error);
      }

      @Override
      public void onComplete() {
        subscriber.onComplete();
      }
    });
  }
}
