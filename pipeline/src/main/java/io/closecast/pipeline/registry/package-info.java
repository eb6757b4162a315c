/**
 * The model registry's life cycle: registering a version, out-of-time evaluation of any version, the
 * promotion gate and rollback.
 */
package io.closecast.pipeline.registry;
