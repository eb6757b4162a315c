package io.closecast.model.prices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class PriceTableTest {

    @Test
    void readsDateAndOneColumnByNameFromAnyLayout() {
        String csv = "\n\uFEFF\"date\" , CLOSE,Note\n2024-01-02,\"100.5\",x\n\n2024-01-03, 101 ,y\n";
        PriceTable t = PriceTable.parse(csv, "body", "Date,Close");
        assertEquals(List.of("date", "CLOSE", "Note"), t.header());
        assertEquals(2, t.rows());
        int date = t.column("Date").orElseThrow();
        int close = t.column("close").orElseThrow();
        assertEquals(LocalDate.of(2024, 1, 3), t.date(1, date));
        assertEquals(100.5, t.number(0, close));
        assertEquals(101.0, t.number(1, close));
        assertEquals(3, t.line(0), "the header is on line 2 after a blank line");
        assertEquals(5, t.line(1), "the blank line 4 is skipped, not renumbered");
        assertTrue(t.column("Open").isEmpty());
        assertFalse(t.isNumeric(t.column("Note").orElseThrow()));
        assertTrue(t.isNumeric(close));
    }

    @Test
    void aBadCellInAnotherColumnDoesNotStopReadingOne() {
        PriceTable t = PriceTable.parse("Date,Open,Close\n2024-01-02,abc,5\n", "f.csv", "Date,Close");
        assertEquals(5.0, t.number(0, t.column("Close").orElseThrow()));
    }

    @Test
    void errorsNameTheFileLineColumnAndValue() {
        PriceTable t = PriceTable.parse("Date,Close\n2024-01-02,5\n2024-01-03,0x1p3\n2024-01-04,1f\n2024-13-01,1e999\n",
                "f.csv", "Date,Close");
        PriceFileException hex = assertThrows(PriceFileException.class, () -> t.number(1, 1));
        assertEquals("price file f.csv line 3: Close must be a decimal number, found '0x1p3'", hex.getMessage());
        assertEquals(3, hex.line());
        assertEquals(Optional.of("Close"), hex.column());
        assertEquals("0x1p3", hex.found());
        assertEquals("f.csv", hex.source());
        assertThrows(PriceFileException.class, () -> t.number(2, 1), "a Java float suffix is not a decimal number");
        assertThrows(PriceFileException.class, () -> t.number(3, 1), "1e999 overflows to infinity");
        PriceFileException date = assertThrows(PriceFileException.class, () -> t.date(3, 0));
        assertEquals("price file f.csv line 5: Date must be an ISO date like 2024-01-02, found '2024-13-01'", date.getMessage());
        PriceFileException far = assertThrows(PriceFileException.class,
                () -> PriceTable.parse("Date\n+10000-01-01\n", "f.csv", "Date").date(0, 0));
        assertEquals("+10000-01-01", far.found());

        PriceFileException cells = assertThrows(PriceFileException.class,
                () -> PriceTable.parse("Date,Close\n2024-01-02,5,6\n", "f.csv", "Date,Close"));
        assertEquals("price file f.csv line 2: expected 2 cells as in the header, found 3: 2024-01-02,5,6", cells.getMessage());
        assertEquals(Optional.empty(), cells.column());
        PriceFileException empty = assertThrows(PriceFileException.class, () -> PriceTable.parse("\n\n", "f.csv", "Date,Close"));
        assertEquals("price file f.csv is empty, expected the header Date,Close", empty.getMessage());
        assertEquals(0, empty.line());
        PriceFileException twice = assertThrows(PriceFileException.class,
                () -> PriceTable.parse("Date,Close,close\n", "f.csv", "Date,Close").column("Close"));
        assertEquals("price file f.csv line 1: column close appears twice in Date,Close,close", twice.getMessage());
    }

    @Test
    void missingValuesAreNaNOnlyWhereAsked() {
        PriceTable t = PriceTable.parse("Date,Close\n2024-01-02,\n2024-01-03,null\n2024-01-04,NaN\n", "f.csv", "Date,Close");
        for (int r = 0; r < 3; r++) {
            assertTrue(Double.isNaN(t.numberOrMissing(r, 1)));
            int row = r;
            assertThrows(PriceFileException.class, () -> t.number(row, 1));
        }
        assertFalse(t.isNumeric(1));
    }
}
