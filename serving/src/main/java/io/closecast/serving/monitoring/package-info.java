/**
 * Prometheus metrics: serving meters, JVM meters and the online accuracy of the served forecasts.
 */
package io.closecast.serving.monitoring;
