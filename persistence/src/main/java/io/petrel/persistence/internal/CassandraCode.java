package io.petrel.persistence.internal;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Code packages in Cassandra: the bytes in chunks of {@link #CHUNK} bytes, one partition each so that a large
 * package spreads over the ring, and a {@code code} row written last that says the package is complete. A
 * package is only ever read once that row exists, and its SHA-256 is checked before it is returned.
 */
public final class CassandraCode {
  static final int CHUNK = 1 << 20;
  private static final int PARALLEL_CHUNKS = 4;

  private final CqlSession session;
  private final PreparedStatement readHeader;
  private final PreparedStatement writeHeader;
  private final PreparedStatement readChunk;
  private final PreparedStatement writeChunk;

  public CassandraCode(CqlSession session, String keyspace) {
    this.session = session;
    readHeader = session.prepare("SELECT size, chunks, chunk_size FROM " + keyspace + ".code WHERE sha256 = ?");
    writeHeader = session.prepare("INSERT INTO " + keyspace + ".code (sha256, size, chunks, chunk_size)"
        + " VALUES (?, ?, ?, ?)");
    readChunk = session.prepare("SELECT data FROM " + keyspace + ".code_chunks WHERE sha256 = ? AND chunk = ?");
    writeChunk = session.prepare("INSERT INTO " + keyspace + ".code_chunks (sha256, chunk, data) VALUES (?, ?, ?)");
  }

  public CompletionStage<Void> put(String sha256, byte[] zip) {
    return Cql.one(session, readHeader.bind(sha256)).thenCompose(header -> {
      if (header != null) {
        return CompletableFuture.completedFuture(null);
      }
      int chunks = Math.max(1, (zip.length + CHUNK - 1) / CHUNK);
      return writeChunks(sha256, zip, chunks, 0).thenCompose(ignored -> session.executeAsync(
          writeHeader.bind(sha256, (long) zip.length, chunks, CHUNK))).thenApply(rs -> null);
    });
  }

  /** Writes chunks from {@code from} on, {@link #PARALLEL_CHUNKS} at a time. */
  private CompletionStage<Void> writeChunks(String sha256, byte[] zip, int chunks, int from) {
    if (from >= chunks) {
      return CompletableFuture.completedFuture(null);
    }
    int to = Math.min(chunks, from + PARALLEL_CHUNKS);
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (int i = from; i < to; i++) {
      int offset = i * CHUNK;
      ByteBuffer data = ByteBuffer.wrap(zip, offset, Math.min(CHUNK, zip.length - offset)).slice();
      writes.add(session.executeAsync(writeChunk.bind(sha256, i, data)).toCompletableFuture());
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .thenCompose(ignored -> writeChunks(sha256, zip, chunks, to));
  }

  public CompletionStage<Optional<byte[]>> get(String sha256) {
    return Cql.one(session, readHeader.bind(sha256)).thenCompose(header -> {
      if (header == null) {
        return CompletableFuture.completedFuture(Optional.<byte[]>empty());
      }
      long size = header.getLong("size");
      int chunks = header.getInt("chunks");
      int chunkSize = header.getInt("chunk_size");
      List<CompletableFuture<Row>> reads = new ArrayList<>();
      for (int i = 0; i < chunks; i++) {
        reads.add(Cql.one(session, readChunk.bind(sha256, i)).toCompletableFuture());
      }
      return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
        byte[] zip = new byte[Math.toIntExact(size)];
        for (int i = 0; i < chunks; i++) {
          Row row = reads.get(i).join();
          ByteBuffer data = row == null ? null : row.getByteBuffer("data");
          int expected = (int) Math.min(chunkSize, size - (long) i * chunkSize);
          if (data == null || data.remaining() != expected) {
            throw damaged(sha256, "chunk " + i + " is missing or has the wrong size");
          }
          data.get(zip, i * chunkSize, expected);
        }
        if (!Sha256.hex(zip).equals(sha256)) {
          throw damaged(sha256, "its SHA-256 does not match");
        }
        return Optional.of(zip);
      });
    });
  }

  private static UncheckedIOException damaged(String sha256, String why) {
    return new UncheckedIOException(new IOException("stored code " + sha256 + " is damaged: " + why));
  }
}
