/**
 * The forecast log's store through JDBC, the issued API keys ({@code JdbcKeyStore}) and the adaptive intervals' state ({@code JdbcAlphaStore}) kept in the same database: an embedded H2 file by default, PostgreSQL by URL; its schema versioned by
 * {@link io.closecast.serving.track.jdbc.SchemaMigrations} (the {@code V<n>__*.sql} resources beside it, and a
 * migration's Java part where SQL alone cannot move the rows: {@code LogRepack}); a logged request's steps packed in
 * one column by {@code PackedSteps}.
 * <p>Uses {@code track} (the interface it implements and the records it stores) and {@code security} (the
 * issued keys' store interface), {@code adaptive} (the adaptive intervals' store interface); JDBC only, no HTTP types.
 */
package io.closecast.serving.track.jdbc;
