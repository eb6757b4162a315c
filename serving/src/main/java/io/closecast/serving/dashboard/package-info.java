/**
 * The bundled price files the dashboard offers as samples.
 */
package io.closecast.serving.dashboard;
