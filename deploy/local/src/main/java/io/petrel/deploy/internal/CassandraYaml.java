package io.petrel.deploy.internal;

import java.nio.file.Path;
import java.util.List;

/**
 * The cassandra.yaml of a local node: small memtables and commit log segments, one compactor, no
 * authentication, SimpleSnitch (so the datacenter is "datacenter1"), everything stored under one data dir.
 * Settings left out keep Cassandra's defaults.
 */
public record CassandraYaml(
    String clusterName,
    String host,
    int nativePort,
    int storagePort,
    List<String> seeds,
    boolean autoBootstrap,
    Path dataDir) {
  public CassandraYaml {
    seeds = List.copyOf(seeds);
  }

  public String render() {
    return """
        # Written by petrel-deploy (LocalCassandra) on every start: edits are lost.
        cluster_name: %s
        num_tokens: 16
        partitioner: org.apache.cassandra.dht.Murmur3Partitioner
        endpoint_snitch: SimpleSnitch
        dynamic_snitch: false
        seed_provider:
          - class_name: org.apache.cassandra.locator.SimpleSeedProvider
            parameters:
              - seeds: %s
        auto_bootstrap: %s
        listen_address: %s
        rpc_address: %s
        storage_port: %d
        native_transport_port: %d
        start_native_transport: true

        data_file_directories:
          - %s
        commitlog_directory: %s
        saved_caches_directory: %s
        hints_directory: %s
        cdc_raw_directory: %s

        commitlog_sync: periodic
        commitlog_sync_period: 10000ms
        commitlog_segment_size: 8MiB
        memtable_heap_space: 64MiB
        memtable_offheap_space: 64MiB
        concurrent_compactors: 1
        auto_snapshot: false
        # Building a storage-attached index buffers up to this much heap per segment; the default (1 GiB) is the
        # whole heap of a small node, which then dies of OutOfMemoryError during compaction.
        sai_options:
          segment_write_buffer_size: 64MiB

        authenticator: AllowAllAuthenticator
        authorizer: AllowAllAuthorizer
        role_manager: CassandraRoleManager
        """.formatted(
            quote(clusterName),
            quote(String.join(",", seeds)),
            autoBootstrap,
            host,
            host,
            storagePort,
            nativePort,
            quote(dataDir.resolve("data").toString()),
            quote(dataDir.resolve("commitlog").toString()),
            quote(dataDir.resolve("saved_caches").toString()),
            quote(dataDir.resolve("hints").toString()),
            quote(dataDir.resolve("cdc_raw").toString()));
  }

  /** A YAML single-quoted scalar. */
  private static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
