package io.petrel.sharding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every FunctionAlias message that may cross nodes survives Pekko serialization with Jackson CBOR. */
class FunctionAliasSerializationTest {

  private static ActorTestKit testKit;
  private static Serialization serialization;
  private static SerializationTestKit serializationTestKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("FunctionAliasSerializationTest");
    serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    serializationTestKit = new SerializationTestKit(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Checks the serializer is Jackson CBOR (not a Java fallback) and gives back what deserializing made. */
  private static Object cbor(Object message) {
    Serializer serializer = serialization.findSerializerFor(message);
    assertThat(serializer.getClass().getName()).contains("JacksonCborSerializer");
    byte[] bytes = serialization.serialize(message).get();
    return serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message))
        .get();
  }

  /** Checks the serializer is Jackson CBOR (not a Java fallback) and the message comes back equal. */
  private static <M> M roundTrip(M message) {
    Serializer serializer = serialization.findSerializerFor(message);
    assertThat(serializer.getClass().getName()).contains("JacksonCborSerializer");

    byte[] bytes = serialization.serialize(message).get();
    String manifest = Serializers.manifestFor(serializer, message);
    Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
    assertThat(back).isEqualTo(message);

    return serializationTestKit.verifySerialization(message, true);
  }

  @Test
  void resolve_with_a_reply_to_ref_round_trips_through_jackson_cbor() {
    TestProbe<FunctionAlias.Resolution> probe = testKit.createTestProbe(FunctionAlias.Resolution.class);
    FunctionAlias.Resolve resolve = new FunctionAlias.Resolve(probe.ref());

    FunctionAlias.Resolve back = roundTrip(resolve);

    assertThat(back.replyTo()).isEqualTo(probe.ref());
  }

  @Test
  void a_deserialized_reply_to_ref_still_reaches_the_probe() {
    TestProbe<FunctionAlias.Resolution> probe = testKit.createTestProbe(FunctionAlias.Resolution.class);
    FunctionAlias.Resolve back = roundTrip(new FunctionAlias.Resolve(probe.ref()));

    back.replyTo().tell(new FunctionAlias.Resolved("3"));

    probe.expectMessage(new FunctionAlias.Resolved("3"));
  }

  @Test
  void resolved_with_a_version_round_trips_through_jackson_cbor() {
    assertThat(roundTrip(new FunctionAlias.Resolved("42"))).isEqualTo(new FunctionAlias.Resolved("42"));
  }

  @Test
  void resolved_with_latest_round_trips_through_jackson_cbor() {
    assertThat(roundTrip(new FunctionAlias.Resolved("$LATEST"))).isEqualTo(new FunctionAlias.Resolved("$LATEST"));
  }

  @Test
  void missing_with_a_message_round_trips_through_jackson_cbor() {
    FunctionAlias.Missing missing = new FunctionAlias.Missing("Function not found: my-function:prod");

    assertThat(roundTrip(missing)).isEqualTo(missing);
  }

  @Test
  void missing_with_non_ascii_text_round_trips_through_jackson_cbor() {
    FunctionAlias.Missing missing = new FunctionAlias.Missing("Funktion nicht gefunden: ü/é — 函数");

    assertThat(roundTrip(missing)).isEqualTo(missing);
  }

  @Test
  void a_resolution_deserializes_to_its_own_record_type() {
    Object back = roundTrip((FunctionAlias.Resolution) new FunctionAlias.Missing("gone"));

    assertThat(back).isInstanceOf(FunctionAlias.Missing.class);
  }

  @Test
  void invoke_keeps_the_raw_payload_bytes_and_both_reply_refs() {
    TestProbe<FunctionAlias.InvokeResult> replies = testKit.createTestProbe(FunctionAlias.InvokeResult.class);
    TestProbe<CallWatch.Accepted> accepted = testKit.createTestProbe(CallWatch.Accepted.class);
    byte[] payload = {0, (byte) 0xff, '{', '}', (byte) 0x80, 10}; // not UTF-8, not JSON: passed through as is
    FunctionAlias.Invoke invoke = new FunctionAlias.Invoke(
        new Invocation("req-1", payload, "eyJjdXN0b20iOnt9fQ==", true), replies.ref(), accepted.ref());

    FunctionAlias.Invoke back = (FunctionAlias.Invoke) cbor(invoke);

    assertThat(back.invocation().requestId()).isEqualTo("req-1");
    assertThat(back.invocation().payload()).containsExactly(payload);
    assertThat(back.invocation().clientContext()).isEqualTo("eyJjdXN0b20iOnt9fQ==");
    assertThat(back.invocation().tailLogs()).isTrue();
    back.replyTo().tell(new FunctionAlias.InvokeResult("1", new Outcome.Success(new byte[] {1}), null));
    replies.expectMessageClass(FunctionAlias.InvokeResult.class);
    back.acceptedTo().tell(new CallWatch.Accepted("req-1", "pekko://petrel@10.0.0.1:2551"));
    accepted.expectMessage(new CallWatch.Accepted("req-1", "pekko://petrel@10.0.0.1:2551"));
  }

  @Test
  void invoke_without_an_acceptance_ref_or_client_context_round_trips() {
    TestProbe<FunctionAlias.InvokeResult> replies = testKit.createTestProbe(FunctionAlias.InvokeResult.class);
    FunctionAlias.Invoke back = (FunctionAlias.Invoke) cbor(new FunctionAlias.Invoke(
        new Invocation("req-2", new byte[0], null, false), replies.ref(), null));

    assertThat(back.acceptedTo()).isNull();
    assertThat(back.invocation().clientContext()).isNull();
    assertThat(back.invocation().payload()).isEmpty();
  }

  @Test
  void a_six_megabyte_payload_crosses_as_bytes_not_text() {
    byte[] payload = new byte[6 * 1024 * 1024];
    new java.util.Random(7).nextBytes(payload);
    TestProbe<FunctionAlias.InvokeResult> replies = testKit.createTestProbe(FunctionAlias.InvokeResult.class);
    FunctionAlias.Invoke invoke = new FunctionAlias.Invoke(new Invocation("big", payload, null, false), replies.ref(),
        null);

    byte[] bytes = serialization.serialize(invoke).get();
    FunctionAlias.Invoke back = (FunctionAlias.Invoke) cbor(invoke);

    assertThat(bytes.length).isLessThan(payload.length + 4096); // base64 text would be a third larger
    assertThat(back.invocation().payload()).isEqualTo(payload);
  }

  @Test
  void every_outcome_comes_back_as_its_own_kind_inside_an_invoke_result() {
    byte[] body = "{\"errorMessage\":\"boom\"}".getBytes(StandardCharsets.UTF_8);
    List<Outcome> outcomes = List.of(new Outcome.Success(new byte[] {(byte) 0xc3, 0x28}),
        new Outcome.FunctionError("Unhandled", body),
        new Outcome.Throttled("ConcurrentInvocationLimitExceeded", "Rate Exceeded."),
        new Outcome.NotFound("Function not found: f:live"),
        new Outcome.PlatformError("no runtime"),
        new Outcome.Unavailable("store away"));
    for (Outcome outcome : outcomes) {
      FunctionAlias.InvokeResult back = (FunctionAlias.InvokeResult) cbor(
          new FunctionAlias.InvokeResult("7", outcome, "dGFpbA=="));

      assertThat(back.executedVersion()).isEqualTo("7");
      assertThat(back.logTail()).isEqualTo("dGFpbA==");
      assertThat(back.outcome()).isInstanceOf(outcome.getClass());
      if (outcome instanceof Outcome.Success s) {
        assertThat(((Outcome.Success) back.outcome()).payload()).containsExactly(s.payload());
      } else if (outcome instanceof Outcome.FunctionError e) {
        assertThat(((Outcome.FunctionError) back.outcome()).body()).containsExactly(e.body());
        assertThat(((Outcome.FunctionError) back.outcome()).errorType()).isEqualTo("Unhandled");
      } else {
        assertThat(back.outcome()).isEqualTo(outcome);
      }
    }
  }

  @Test
  void accepted_round_trips_through_jackson_cbor() {
    CallWatch.Accepted accepted = new CallWatch.Accepted("id", "pekko://petrel@127.0.0.2:2551");

    assertThat(roundTrip(accepted)).isEqualTo(accepted);
  }

  @Test
  void the_hand_off_stop_message_round_trips_as_the_same_instance() {
    assertThat(cbor(FunctionAlias.HandOff.INSTANCE)).isSameAs(FunctionAlias.HandOff.INSTANCE);
  }
}
