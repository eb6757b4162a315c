package io.closecast.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void quotesCommasQuotesAndLineBreaksAndNothingElse() {
        String csv = new Csv().row(List.of(1, "plain", "a,b", "say \"hi\"", "two\nlines")).row(List.of("x")).toString();
        assertEquals("1,plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\nx\n", csv);
    }
}
