/**
 * The pure-Java model core: everything serving needs to forecast from a model bundle, with no native
 * library (the build's enforcer refuses DL4J and ND4J here), no MLflow and no HTTP.
 * <p>This package holds what every concern of the core uses ({@code Csv}, {@code Durations},
 * {@code ModelException}); the concerns are its sub-packages: {@code prices}, {@code prices.checks},
 * {@code dataset}, {@code lstm}, {@code train}, {@code evaluation}, {@code intervals}, {@code bundle}.
 */
package io.closecast.model;
