package io.closecast.pipeline.cli;

import io.closecast.pipeline.Cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live options of {@code models compare} and {@code promote} refused before any network call: a usage error (exit
 * 2) for a combination that makes no sense, a failure (exit 1) naming the value for a bad URL or minimum.
 */
class LiveOptionsTest {

    @Test
    void compareTakesVersionsOrLiveNotBothNorNeither() {
        Cli both = Cli.run("models", "compare", "closecast-msft", "1", "--live", "http://127.0.0.1:1");
        assertEquals(2, both.code(), both.out() + both.err());
        assertTrue(both.err().contains("--live compares the service's production version with its challenger in shadow:"
                + " give no VERSION with it, found [1]"), both.err());
        Cli neither = Cli.run("models", "compare", "closecast-msft");
        assertEquals(2, neither.code(), neither.out() + neither.err());
        assertTrue(neither.err().contains("Missing required parameter: 'VERSION' (one or more versions to compare, or"
                + " --live URL)"), neither.err());
        Cli badUrl = Cli.run("models", "compare", "closecast-msft", "--live", "localhost:8080", "--json");
        assertEquals(1, badUrl.code(), badUrl.out() + badUrl.err());
        assertTrue(badUrl.out().contains("the service URL must be an absolute http(s) URL such as http://127.0.0.1:8080,"
                + " found 'localhost:8080'"), badUrl.out());
    }

    @Test
    void promoteTakesTheLiveMinimumOnlyWithLiveEvidenceAndAtLeastOne() {
        Cli alone = Cli.run("promote", "closecast-msft", "--version", "2", "--live-min-days", "5");
        assertEquals(2, alone.code(), alone.out() + alone.err());
        assertTrue(alone.err().contains("--live-min-days is only for --live-evidence URL"), alone.err());
        Cli zero = Cli.run("promote", "closecast-msft", "--version", "2", "--live-evidence", "http://127.0.0.1:1",
                "--live-min-days", "0");
        assertEquals(1, zero.code(), zero.out() + zero.err());
        assertTrue(zero.err().contains("--live-min-days must be >= 1, found 0"), zero.err());
    }
}
