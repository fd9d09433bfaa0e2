package io.petrel.sharding;

import io.petrel.persistence.CodeStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Unpacked code packages on this node, one folder per SHA-256 under {@code <data-dir>/code}. A package is
 * fetched from the store and unpacked once, into a temporary folder that is renamed into place, so a folder
 * that exists is always complete. Packages were checked at upload (no entry or link escapes its root).
 */
public final class CodeCache {
  private final Path root;
  private final CodeStore store;
  private final Executor io;
  private final ConcurrentHashMap<String, CompletableFuture<Path>> unpacking = new ConcurrentHashMap<>();

  public CodeCache(Path root, CodeStore store, Executor io) {
    this.root = root;
    this.store = store;
    this.io = io;
  }

  /** The folder holding the unpacked package, read-only for runtimes. */
  public CompletionStage<Path> folder(String sha256Hex) {
    Path target = root.resolve(sha256Hex);
    if (Files.isDirectory(target)) {
      return CompletableFuture.completedFuture(target);
    }
    CompletableFuture<Path> mine = new CompletableFuture<>();
    CompletableFuture<Path> running = unpacking.putIfAbsent(sha256Hex, mine);
    if (running != null) {
      return running;
    }
    store.getCode(sha256Hex).thenApplyAsync(zip -> {
      try {
        return unpack(zip.orElseThrow(() -> new IllegalStateException("code " + sha256Hex + " is not in the store")),
            target);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot unpack code " + sha256Hex, e);
      }
    }, io).whenComplete((path, error) -> {
      unpacking.remove(sha256Hex, mine);
      if (error != null) {
        mine.completeExceptionally(error);
      } else {
        mine.complete(path);
      }
    });
    return mine;
  }

  private Path unpack(byte[] zip, Path target) throws IOException {
    if (Files.isDirectory(target)) {
      return target;
    }
    Files.createDirectories(root);
    Path tmp = root.resolve(".unpack-" + UUID.randomUUID());
    Files.createDirectories(tmp);
    try (ZipFile file = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(zip)).get()) {
      for (ZipArchiveEntry entry : java.util.Collections.list(file.getEntries())) {
        Path out = tmp.resolve(entry.getName()).normalize();
        if (!out.startsWith(tmp)) {
          throw new IOException("entry escapes the package: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        if (entry.isUnixSymlink()) {
          Files.createSymbolicLink(out, Path.of(file.getUnixSymlink(entry)));
          continue;
        }
        try (InputStream in = file.getInputStream(entry)) {
          Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
        Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ);
        if ((entry.getUnixMode() & 0111) != 0 || entry.getName().equals("bootstrap")) {
          perms.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
              PosixFilePermission.OTHERS_EXECUTE));
        }
        Files.setPosixFilePermissions(out, perms);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      if (Files.isDirectory(target)) {
        return target;
      }
      throw e;
    }
    return target;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a leftover temporary folder is never used
    }
  }
}
