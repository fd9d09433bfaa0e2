package io.petrel.sharding;

import static org.assertj.core.api.Assertions.assertThat;

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
}
