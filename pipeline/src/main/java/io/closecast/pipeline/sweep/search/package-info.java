/**
 * How a sweep chooses its trials: the search space, parameter domains and the search methods (grid, random,
 * ...).
 */
package io.closecast.pipeline.sweep.search;
