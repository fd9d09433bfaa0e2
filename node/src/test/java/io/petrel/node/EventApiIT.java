package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateEventSourceMappingRequest;
import software.amazon.awssdk.services.lambda.model.CreateEventSourceMappingResponse;
import software.amazon.awssdk.services.lambda.model.EventSourcePosition;
import software.amazon.awssdk.services.lambda.model.FunctionEventInvokeConfig;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.PutFunctionEventInvokeConfigResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.UpdateEventSourceMappingResponse;

/**
 * Asynchronous-invocation settings and Kafka event-source mappings as the AWS SDK for Java v2 manages them on a
 * dev node: shapes, defaults, partial updates, listings, and the errors invalid input gets. The mappings point at
 * a broker nobody listens on; what a running consumer does is EventSourceMappingIT's subject.
 */
class EventApiIT {
  private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:";
  private static final String NOWHERE = "127.0.0.1:1";

  @TempDir
  static Path dataDir;
  static PetrelNode node;
  static LambdaClient lambda;

  @BeforeAll
  static void start() {
    node = TestNodes.start(dataDir);
    lambda = TestNodes.clientWithoutRetries(node.port());
    String python = node.runtimes().ids().stream().filter(id -> id.startsWith("python3.")).findFirst()
        .orElseThrow(() -> new AssertionError("this machine has no python3; Petrel's tests need one"));
    for (String name : List.of("worker", "other")) {
      lambda.createFunction(b -> b.functionName(name).runtime(python).handler("app.handler")
          .role("arn:aws:iam::000000000000:role/petrel").code(c -> c.zipFile(TestNodes.pythonZip("return event"))));
    }
    lambda.publishVersion(b -> b.functionName("worker"));
    lambda.createAlias(b -> b.functionName("worker").name("live").functionVersion("1"));
  }

  @AfterAll
  static void stop() {
    if (lambda != null) {
      lambda.close();
    }
    if (node != null) {
      node.stop();
    }
  }

  // ---- event invoke config ----

  @Test
  void an_event_invoke_config_is_put_read_partially_updated_listed_and_deleted() {
    Instant before = Instant.now().minusSeconds(1);
    PutFunctionEventInvokeConfigResponse put = lambda.putFunctionEventInvokeConfig(b -> b.functionName("worker")
        .qualifier("live").maximumRetryAttempts(1)
        .destinationConfig(d -> d.onFailure(f -> f.destination("kafka://worker-failures"))));
    assertThat(put.functionArn()).isEqualTo(ARN + "worker:live");
    assertThat(put.maximumRetryAttempts()).isEqualTo(1);
    assertThat(put.maximumEventAgeInSeconds()).as("the default").isEqualTo(21_600);
    assertThat(put.destinationConfig().onFailure().destination()).isEqualTo("kafka://worker-failures");
    assertThat(put.lastModified()).isBetween(before, Instant.now().plusSeconds(1));

    var updated = lambda.updateFunctionEventInvokeConfig(b -> b.functionName(ARN + "worker:live")
        .maximumEventAgeInSeconds(300)
        .destinationConfig(d -> d.onSuccess(s -> s.destination(ARN + "other"))));
    assertThat(updated.maximumRetryAttempts()).as("kept").isEqualTo(1);
    assertThat(updated.maximumEventAgeInSeconds()).isEqualTo(300);
    assertThat(updated.destinationConfig().onSuccess().destination()).isEqualTo(ARN + "other");
    assertThat(updated.destinationConfig().onFailure().destination()).isEqualTo("kafka://worker-failures");

    var got = lambda.getFunctionEventInvokeConfig(b -> b.functionName("worker").qualifier("live"));
    assertThat(got.maximumEventAgeInSeconds()).isEqualTo(300);
    assertThat(got.destinationConfig().onSuccess().destination()).isEqualTo(ARN + "other");

    lambda.putFunctionEventInvokeConfig(b -> b.functionName("worker").maximumRetryAttempts(0));
    assertThat(lambda.listFunctionEventInvokeConfigs(b -> b.functionName("worker")).functionEventInvokeConfigs())
        .extracting(FunctionEventInvokeConfig::functionArn)
        .containsExactlyInAnyOrder(ARN + "worker:$LATEST", ARN + "worker:live");
    var firstPage = lambda.listFunctionEventInvokeConfigs(b -> b.functionName("worker").maxItems(1));
    assertThat(firstPage.functionEventInvokeConfigs()).hasSize(1);
    assertThat(lambda.listFunctionEventInvokeConfigs(b -> b.functionName("worker").marker(firstPage.nextMarker()))
        .functionEventInvokeConfigs()).hasSize(1).doesNotContainAnyElementsOf(firstPage.functionEventInvokeConfigs());

    lambda.deleteFunctionEventInvokeConfig(b -> b.functionName("worker").qualifier("live"));
    assertThatThrownBy(() -> lambda.getFunctionEventInvokeConfig(b -> b.functionName("worker").qualifier("live")))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("The function " + ARN + "worker:live doesn't have an EventInvokeConfig");
    lambda.deleteFunctionEventInvokeConfig(b -> b.functionName("worker"));
    assertThat(lambda.listFunctionEventInvokeConfigs(b -> b.functionName("worker")).functionEventInvokeConfigs())
        .isEmpty();
  }

  @Test
  void invalid_event_invoke_configs_and_unknown_functions_are_refused() {
    assertThatThrownBy(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName("other")
        .maximumRetryAttempts(3)))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("MaximumRetryAttempts");
    assertThatThrownBy(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName("other")
        .maximumEventAgeInSeconds(30)))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("MaximumEventAgeInSeconds");
    assertThatThrownBy(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName("other")
        .destinationConfig(d -> d.onFailure(f -> f.destination("arn:aws:sqs:us-east-1:000000000000:dlq")))))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("DestinationConfig.OnFailure.Destination");
    assertThatThrownBy(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName("missing")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName("other").qualifier("9")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> lambda.getFunctionEventInvokeConfig(b -> b.functionName("other")))
        .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("doesn't have an EventInvokeConfig");
    assertThatThrownBy(() -> lambda.deleteFunctionEventInvokeConfig(b -> b.functionName("other")))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  // ---- event-source mappings ----

  private static CreateEventSourceMappingResponse createMapping(String function,
      Consumer<CreateEventSourceMappingRequest.Builder> more) {
    return lambda.createEventSourceMapping(b -> {
      b.functionName(function).topics("orders").startingPosition(EventSourcePosition.TRIM_HORIZON)
          .selfManagedEventSource(s -> s.endpointsWithStrings(Map.of("KAFKA_BOOTSTRAP_SERVERS", List.of(NOWHERE))));
      more.accept(b);
    });
  }

  @Test
  void a_kafka_mapping_is_created_with_lambdas_defaults_read_updated_listed_and_deleted() {
    CreateEventSourceMappingResponse created = createMapping("worker:live", b -> b.enabled(false));
    String uuid = created.uuid();
    assertThat(created.functionArn()).isEqualTo(ARN + "worker:live");
    assertThat(created.topics()).containsExactly("orders");
    assertThat(created.startingPosition()).isEqualTo(EventSourcePosition.TRIM_HORIZON);
    assertThat(created.batchSize()).isEqualTo(100);
    assertThat(created.maximumBatchingWindowInSeconds()).isZero();
    assertThat(created.maximumRetryAttempts()).isEqualTo(-1);
    assertThat(created.bisectBatchOnFunctionError()).isFalse();
    assertThat(created.selfManagedEventSource().endpointsAsStrings())
        .containsEntry("KAFKA_BOOTSTRAP_SERVERS", List.of(NOWHERE));
    assertThat(created.selfManagedKafkaEventSourceConfig().consumerGroupId()).isEqualTo(uuid);
    assertThat(created.state()).isEqualTo("Disabled");
    assertThat(created.lastModified()).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));

    assertThat(lambda.getEventSourceMapping(b -> b.uuid(uuid)).functionArn()).isEqualTo(ARN + "worker:live");

    UpdateEventSourceMappingResponse updated = lambda.updateEventSourceMapping(b -> b.uuid(uuid).batchSize(10)
        .maximumRetryAttempts(2).bisectBatchOnFunctionError(true)
        .functionResponseTypes(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES)
        .destinationConfig(d -> d.onFailure(f -> f.destination("kafka://orders-dlq"))));
    assertThat(updated.batchSize()).isEqualTo(10);
    assertThat(updated.maximumRetryAttempts()).isEqualTo(2);
    assertThat(updated.bisectBatchOnFunctionError()).isTrue();
    assertThat(updated.functionResponseTypes()).containsExactly(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES);
    assertThat(updated.destinationConfig().onFailure().destination()).isEqualTo("kafka://orders-dlq");
    assertThat(updated.topics()).containsExactly("orders");
    assertThat(updated.state()).as("a change of settings keeps the state").isEqualTo("Disabled");

    UpdateEventSourceMappingResponse moved = lambda.updateEventSourceMapping(b -> b.uuid(uuid).functionName("other"));
    assertThat(moved.functionArn()).isEqualTo(ARN + "other");
    assertThat(lambda.listEventSourceMappings(b -> b.functionName("other")).eventSourceMappings())
        .extracting(m -> m.uuid()).contains(uuid);
    assertThat(lambda.listEventSourceMappings(b -> b.functionName("worker")).eventSourceMappings())
        .extracting(m -> m.uuid()).doesNotContain(uuid);
    assertThat(lambda.listEventSourceMappings(b -> b.maxItems(1000)).eventSourceMappings())
        .extracting(m -> m.uuid()).contains(uuid);

    var deleted = lambda.deleteEventSourceMapping(b -> b.uuid(uuid));
    assertThat(deleted.state()).isEqualTo("Deleting");
    assertThatThrownBy(() -> lambda.getEventSourceMapping(b -> b.uuid(uuid)))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void enabling_and_disabling_a_mapping_is_answered_with_the_transition_state() {
    CreateEventSourceMappingResponse created = createMapping("worker", b -> b.batchSize(5)
        .selfManagedKafkaEventSourceConfig(k -> k.consumerGroupId("billing")));
    assertThat(created.state()).isEqualTo("Creating");
    assertThat(created.functionArn()).isEqualTo(ARN + "worker");
    assertThat(created.selfManagedKafkaEventSourceConfig().consumerGroupId()).isEqualTo("billing");
    String uuid = created.uuid();
    try {
      assertThat(lambda.updateEventSourceMapping(b -> b.uuid(uuid).enabled(false)).state()).isEqualTo("Disabling");
      assertThat(lambda.updateEventSourceMapping(b -> b.uuid(uuid).enabled(true)).state()).isEqualTo("Enabling");
    } finally {
      lambda.deleteEventSourceMapping(b -> b.uuid(uuid));
    }
  }

  @Test
  void invalid_mappings_name_the_field_and_its_limit() {
    assertThatThrownBy(() -> createMapping("worker", b -> b.batchSize(10_001)))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("BatchSize")
        .hasMessageContaining("10000");
    assertThatThrownBy(() -> createMapping("worker", b -> b.maximumBatchingWindowInSeconds(301)))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("MaximumBatchingWindowInSeconds");
    assertThatThrownBy(() -> createMapping("worker", b -> b.topics("a", "b")))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("Topics");
    assertThatThrownBy(() -> createMapping("worker", b -> b.topics("no/slashes")))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("Topics");
    assertThatThrownBy(() -> createMapping("worker", b -> b.startingPosition(EventSourcePosition.AT_TIMESTAMP)))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("StartingPosition");
    assertThatThrownBy(() -> createMapping("worker", b -> b.selfManagedEventSource(s -> s.endpointsWithStrings(
        Map.of("KAFKA_BOOTSTRAP_SERVERS", List.of("no-port"))))))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    assertThatThrownBy(() -> createMapping("worker", b -> b.destinationConfig(d -> d.onFailure(f -> f.destination(
        "arn:aws:sns:us-east-1:000000000000:topic")))))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("DestinationConfig.OnFailure.Destination");
    assertThatThrownBy(() -> lambda.createEventSourceMapping(b -> b.functionName("worker")
        .eventSourceArn("arn:aws:sqs:us-east-1:000000000000:queue")))
        .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("self-managed Kafka");
    assertThatThrownBy(() -> createMapping("missing", b -> { }))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> createMapping("worker:nope", b -> { }))
        .isInstanceOf(ResourceNotFoundException.class);

    String uuid = createMapping("worker", b -> b.enabled(false)).uuid();
    try {
      assertThatThrownBy(() -> lambda.updateEventSourceMapping(b -> b.uuid(uuid).batchSize(0)))
          .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("BatchSize");
      assertThatThrownBy(() -> lambda.updateEventSourceMapping(b -> b.uuid(uuid).functionName("missing")))
          .isInstanceOf(ResourceNotFoundException.class);
      assertThatThrownBy(() -> lambda.updateEventSourceMapping(b -> b.uuid(uuid)
          .selfManagedKafkaEventSourceConfig(k -> k.consumerGroupId("another-group"))))
          .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("cannot be changed");
    } finally {
      lambda.deleteEventSourceMapping(b -> b.uuid(uuid));
    }
    assertThatThrownBy(() -> lambda.getEventSourceMapping(b -> b.uuid("00000000-0000-0000-0000-000000000000")))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  // ---- Invoke with InvocationType Event ----

  @Test
  void an_event_over_256_kb_is_too_large_and_an_event_for_a_missing_function_is_not_found() {
    assertThatThrownBy(() -> lambda.invoke(b -> b.functionName("worker").invocationType(InvocationType.EVENT)
        .payload(SdkBytes.fromByteArray(new byte[262_145]))))
        .isInstanceOfSatisfying(LambdaException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(413);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestEntityTooLargeException");
        })
        .hasMessageContaining("Request must be smaller than 262144 bytes for the InvokeFunction operation");
    assertThatThrownBy(() -> lambda.invoke(b -> b.functionName("missing").invocationType(InvocationType.EVENT)
        .payload(SdkBytes.fromUtf8String("{}"))))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> lambda.invoke(b -> b.functionName("worker").qualifier("nope")
        .invocationType(InvocationType.EVENT).payload(SdkBytes.fromUtf8String("{}"))))
        .isInstanceOf(ResourceNotFoundException.class);
  }
}
