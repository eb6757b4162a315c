package io.closecast.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void quotesCommasQuotesAndLineBreaksAndNothingElse() {
        String csv = new Csv().row(List.of(1, "plain", "a,b", "say \"hi\"", "two\nlines")).row(List.of("x")).toString();
        assertEquals("1,plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\nx\n", csv);
    }

    @Test
    void everyFieldRoundTripsThroughAnRfc4180Reader() {
        List<List<String>> records = List.of(
                List.of("note", "value"),
                List.of("stopped: \"val_loss\" rose, 3 epochs", "1.5"),
                List.of("two\r\nlines, one field", ""),
                List.of("\"", ",", "\n"));
        Csv csv = new Csv();
        records.forEach(csv::row);
        assertEquals(records, Csv.read(csv.toString()));
        assertEquals(List.of(List.of("a", "b,c"), List.of("d")), Csv.read("a,\"b,c\"\r\nd"));
        assertEquals(List.of("", " x ", ""), Csv.fields(", x ,"));
    }
}
