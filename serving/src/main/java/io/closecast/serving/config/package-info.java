/**
 * The service's configuration: YAML, environment overrides and validation.
 */
package io.closecast.serving.config;
