/**
 * Prometheus meters: serving meters (requests, loads, swaps, registry checks) and JVM meters. Uses no other serving package: the packages that have something to count call it.
 */
package io.closecast.serving.monitoring;
