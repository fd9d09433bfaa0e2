package io.petrel.deploy.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * The part of a server's log written since one start: servers append to the same file on every start, so the
 * start line of an earlier run must not count.
 */
final class LogFile {
  private static final int MAX_TAIL_BYTES = 256 * 1024;

  private final Path file;
  private final long start;
  private long position;
  private String partialLine = "";

  private LogFile(Path file, long start) {
    this.file = file;
    this.start = start;
    this.position = start;
  }

  /** Appends {@code banner} as a line to {@code file} and watches what is written after it. */
  static LogFile startingWith(Path file, String banner) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, banner + System.lineSeparator(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      return new LogFile(file, Files.size(file));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + file, e);
    }
  }

  Path path() {
    return file;
  }

  /** Whether a line containing {@code text} (ASCII) was written since the last call, or is being written. */
  boolean sawNew(String text) {
    byte[] fresh = readFrom(position, Integer.MAX_VALUE);
    position += fresh.length;
    // ISO-8859-1 maps each byte to one char, so a multi-byte character split between reads cannot hide ASCII text.
    String chunk = partialLine + new String(fresh, StandardCharsets.ISO_8859_1);
    int lastNewline = chunk.lastIndexOf('\n');
    partialLine = lastNewline < 0 ? chunk : chunk.substring(lastNewline + 1);
    return chunk.contains(text);
  }

  /** The last {@code lines} lines written since the start. */
  String tail(int lines) {
    long size = size();
    long from = Math.max(start, size - MAX_TAIL_BYTES);
    String text = new String(readFrom(from, (int) Math.max(0, size - from)), StandardCharsets.UTF_8);
    List<String> all = Arrays.asList(text.split("\\R"));
    return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private long size() {
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + file, e);
    }
  }

  private byte[] readFrom(long offset, int max) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long available = channel.size() - offset;
      if (available <= 0) {
        return new byte[0];
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(available, max));
      while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
        // keep reading until the buffer is full or the file ends
      }
      return Arrays.copyOf(buffer.array(), buffer.position());
    } catch (NoSuchFileException e) {
      return new byte[0];
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + file, e);
    }
  }
}
