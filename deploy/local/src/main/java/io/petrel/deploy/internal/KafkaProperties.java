package io.petrel.deploy.internal;

import java.nio.file.Path;
import java.util.List;

/**
 * The server.properties of a local KRaft node that is both broker and controller. Internal topics (consumer
 * offsets, transactions, share-group state) are replicated to every voter, up to three; new topics get
 * {@code replicationFactor} replicas. A broker's session with the controller times out after 4 s instead of 9,
 * so that a broker restarted after a crash (whose old session must expire first) is back sooner.
 */
public record KafkaProperties(
    int nodeId,
    String host,
    int port,
    int controllerPort,
    List<String> voters,
    int numPartitions,
    int replicationFactor,
    Path logDir) {
  public KafkaProperties {
    voters = List.copyOf(voters);
  }

  public String render() {
    int internalReplicas = Math.min(voters.size(), 3);
    int internalMinIsr = Math.min(internalReplicas, 2);
    return """
        # Written by petrel-deploy (LocalKafka) on every start: edits are lost.
        process.roles=broker,controller
        node.id=%d
        controller.quorum.voters=%s
        listeners=PLAINTEXT://%s:%d,CONTROLLER://%s:%d
        advertised.listeners=PLAINTEXT://%s:%d
        controller.listener.names=CONTROLLER
        inter.broker.listener.name=PLAINTEXT
        listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
        log.dirs=%s
        num.partitions=%d
        default.replication.factor=%d
        offsets.topic.replication.factor=%d
        transaction.state.log.replication.factor=%d
        transaction.state.log.min.isr=%d
        share.coordinator.state.topic.replication.factor=%d
        share.coordinator.state.topic.min.isr=%d
        group.initial.rebalance.delay.ms=0
        broker.heartbeat.interval.ms=1000
        broker.session.timeout.ms=4000
        """.formatted(
            nodeId,
            String.join(",", voters),
            host, port, host, controllerPort,
            host, port,
            escape(logDir.toString()),
            numPartitions,
            replicationFactor,
            internalReplicas,
            internalReplicas,
            internalMinIsr,
            internalReplicas,
            internalMinIsr);
  }

  /** Escapes a value for java.util.Properties. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace(":", "\\:").replace("=", "\\=").replace(" ", "\\ ");
  }
}
