/**
 * Prices from Yahoo Finance's chart API and the CSV cache in front of it.
 */
package io.closecast.pipeline.data;
