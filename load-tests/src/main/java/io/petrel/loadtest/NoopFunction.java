package io.petrel.loadtest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** A function that does nothing, as a deployment zip and its handler, for one runtime family. */
record NoopFunction(String handler, byte[] zip) {

  static final String PYTHON_SOURCE = "def handler(e, c): return None\n";
  static final String NODEJS_SOURCE = "exports.handler = async () => null;\n";

  static NoopFunction forRuntime(String runtimeId) {
    if (runtimeId.startsWith("python")) {
      return new NoopFunction("lambda_function.handler", zip("lambda_function.py", PYTHON_SOURCE));
    }
    if (runtimeId.startsWith("nodejs")) {
      return new NoopFunction("index.handler", zip("index.js", NODEJS_SOURCE));
    }
    throw new IllegalArgumentException("no no-op function for runtime " + runtimeId);
  }

  /** A deployment zip holding one source file. */
  static byte[] zip(String fileName, String source) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry(fileName));
      zip.write(source.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
