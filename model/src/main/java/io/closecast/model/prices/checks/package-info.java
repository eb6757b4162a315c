/**
 * Data checks on a price series: gaps, glitches, zero-volume days, with what each finding does (keep, drop,
 * fail) as a policy, and the report that names the dates.
 * <p>Uses {@code prices}.
 */
package io.closecast.model.prices.checks;
