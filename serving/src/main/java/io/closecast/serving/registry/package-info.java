/**
 * The MLflow model source: resolves {@code models:/NAME@ALIAS}, downloads and checks the bundle, and polls
 * the alias.
 */
package io.closecast.serving.registry;
