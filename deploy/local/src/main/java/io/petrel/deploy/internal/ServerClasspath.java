package io.petrel.deploy.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The run-time classpath of a server, as resolved by Maven in deploy/cassandra-server or deploy/kafka-server and
 * embedded in this jar. It lists jars in the local Maven repository of the machine that built deploy/.
 */
public final class ServerClasspath {
  private ServerClasspath() {}

  /** Reads {@code io/petrel/deploy/<server>/classpath.txt} and checks that every jar it lists exists. */
  public static String of(String server) {
    String resource = "/io/petrel/deploy/" + server + "/classpath.txt";
    String classpath;
    try (InputStream in = ServerClasspath.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("petrel-deploy was built without the " + server + " classpath (" + resource
            + "): build it with its server modules, e.g. mvn -f deploy/pom.xml install -DskipTests");
      }
      classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + resource, e);
    }
    Optional<String> missing = Arrays.stream(classpath.split(File.pathSeparator))
        .filter(jar -> !Files.isRegularFile(Path.of(jar)))
        .findFirst();
    if (missing.isPresent()) {
      throw new IllegalStateException("The " + server + " classpath lists " + missing.get() + ", which does not exist"
          + " (was petrel-deploy built on another machine?): rebuild deploy/ here,"
          + " e.g. mvn -f deploy/pom.xml install -DskipTests");
    }
    return classpath;
  }
}
