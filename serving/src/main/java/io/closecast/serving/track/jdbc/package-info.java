/**
 * The forecast log's store through JDBC, and the issued API keys kept in the same database ({@code JdbcKeyStore}): an embedded H2 file by default, PostgreSQL by URL; its schema versioned by
 * {@link io.closecast.serving.track.jdbc.SchemaMigrations} (the {@code V<n>__*.sql} resources beside it).
 * <p>Uses {@code track} (the interface it implements and the records it stores) and {@code security} (the
 * issued keys' store interface); JDBC only, no HTTP types.
 */
package io.closecast.serving.track.jdbc;
