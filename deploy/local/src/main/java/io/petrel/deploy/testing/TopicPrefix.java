package io.petrel.deploy.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code String} parameter that {@link KafkaExtension} fills with a topic-name prefix unique to the test
 * class (the same for all its methods), e.g. {@code "invoke-queue-it-k3x9a-2-"}: name topics prefix + "events".
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface TopicPrefix {}
