/**
 * Training and sweep configuration from YAML: the typed {@code TrainConfig}, the section reader that names
 * the key, value and expectation in every error, and the project root that relative paths resolve against.
 */
package io.closecast.pipeline.config;
