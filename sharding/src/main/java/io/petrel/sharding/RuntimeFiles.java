package io.petrel.sharding;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Petrel's runtime bootstraps, copied from the node's classpath to a folder runtimes can read. */
public final class RuntimeFiles {
  private static final List<String> FILES = List.of("python/bootstrap.py", "nodejs/bootstrap.mjs");

  private RuntimeFiles() {}

  /** Creates {@code dir}, removing what a previous run of the node left in it. */
  public static Path emptyFolder(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        try (var files = Files.list(dir)) {
          for (Path f : files.toList()) {
            Files.deleteIfExists(f);
          }
        }
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir, e);
    }
  }

  /** Writes (or refreshes) the bootstraps under {@code dir} and returns it. */
  public static Path install(Path dir) {
    try {
      for (String file : FILES) {
        Path target = dir.resolve(file);
        Files.createDirectories(target.getParent());
        try (InputStream in = RuntimeFiles.class.getResourceAsStream("runtimes/" + file)) {
          if (in == null) {
            throw new IllegalStateException("the node's jar lacks runtimes/" + file);
          }
          Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install runtime bootstraps in " + dir, e);
    }
  }
}
