/**
 * The forecast log's store through JDBC: an embedded H2 file by default, PostgreSQL by URL; its schema versioned by
 * {@link io.closecast.serving.track.jdbc.SchemaMigrations} (the {@code V<n>__*.sql} resources beside it).
 * <p>Uses {@code track} (the interface it implements and the records it stores); JDBC only, no HTTP types.
 */
package io.closecast.serving.track.jdbc;
