/**
 * Sweeps on Apache Spark: the {@code TrialScheduler} implementation that runs each trial as a Spark task, and
 * the JVM options Spark needs. Only {@code closecast sweep --spark} loads this module.
 */
package io.closecast.spark;
