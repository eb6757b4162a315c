/**
 * Daily prices: bars, the one price-file reader ({@code PriceTable}) and writer ({@code PriceCsv}), series,
 * date ranges and the exchanges' trading calendar.
 * <p>Uses only the core's root package.
 */
package io.closecast.model.prices;
