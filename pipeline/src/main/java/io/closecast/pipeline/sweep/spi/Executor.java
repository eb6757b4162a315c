package io.closecast.pipeline.sweep.spi;

/** Where a sweep's trials run ({@code sweep.executor}): threads of this JVM, or tasks on a Spark cluster. */
public enum Executor { LOCAL, SPARK }
