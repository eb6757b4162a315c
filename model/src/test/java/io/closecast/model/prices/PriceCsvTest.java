package io.closecast.model.prices;

import io.closecast.model.ModelException;
import io.closecast.model.TestData;
import io.closecast.model.dataset.DatasetInfo;
import io.closecast.model.prices.checks.CheckConfig;
import io.closecast.model.prices.checks.CheckPolicy;
import io.closecast.model.prices.checks.CheckReport;
import io.closecast.model.prices.checks.Finding;
import io.closecast.model.prices.checks.FindingKind;
import io.closecast.model.prices.checks.PriceChecks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PriceCsvTest {

    @Test
    void readsTheBundledMsftFile() {
        PriceSeries msft = TestData.read("MSFT.csv");
        assertEquals("MSFT", msft.symbol());
        assertEquals(3773, msft.size());
        assertEquals(LocalDate.of(2010, 1, 4), msft.firstDate());
        assertEquals(LocalDate.of(2024, 12, 30), msft.lastDate());
        PriceBar first = msft.bar(0);
        assertEquals(30.950000762939453, first.close());
        assertEquals(23.027509689331055, first.adjClose());
        assertEquals(38409100, first.volume());
        assertEquals(424.83, msft.bars().getLast().close(), 0.005);
        assertTrue(msft.isStrictlyAscending());
    }

    @Test
    void writeThenReadGivesTheSameBars(@TempDir Path dir) {
        PriceSeries petr = TestData.read("PETR4.SA.csv");
        Path copy = dir.resolve("PETR4.SA.csv");
        PriceCsv.write(petr, copy);
        PriceSeries back = PriceCsv.read(copy);
        assertEquals("PETR4.SA", back.symbol());
        assertEquals(petr.bars(), back.bars());
        assertEquals(DatasetInfo.sha256(petr), DatasetInfo.sha256(back));
    }

    @Test
    void missingCellsReadAsNaN() {
        PriceSeries s = PriceCsv.parse(PriceCsv.HEADER + "\n2024-01-02,1,2,0.5,null,1.5,\n", "X");
        assertTrue(Double.isNaN(s.bar(0).close()));
        assertTrue(Double.isNaN(s.bar(0).volume()));
        assertEquals(1.5, s.bar(0).adjClose());
        assertTrue(s.bar(0).hasMissing());
    }

    @Test
    void badInputNamesTheLineColumnAndValue() {
        ModelException e = assertThrows(ModelException.class,
                () -> PriceCsv.parse(PriceCsv.HEADER + "\n2024-01-02,1,2,0.5,1,1,100\n2024-01-03,1,2,abc,1,1,100\n", "X"));
        assertEquals("price file <text> line 3: Low must be a number (or empty/null when missing), found 'abc'", e.getMessage());
        ModelException header = assertThrows(ModelException.class, () -> PriceCsv.parse("Date,Close\n", "X"));
        assertEquals("price file <text> line 1: missing required columns Open, High, Low, Volume (expected the columns of "
                + PriceCsv.HEADER + " in any order, Adj Close optional), found Date,Close", header.getMessage());
        ModelException date = assertThrows(ModelException.class,
                () -> PriceCsv.parse(PriceCsv.HEADER + "\n02/01/2024,1,2,0.5,1,1,100\n", "X"));
        assertTrue(date.getMessage().contains("line 2: Date must be an ISO date"), date.getMessage());
        ModelException cells = assertThrows(ModelException.class, () -> PriceCsv.parse(PriceCsv.HEADER + "\n2024-01-02,1,2\n", "X"));
        assertTrue(cells.getMessage().contains("line 2: expected 7 cells as in the header, found 3"), cells.getMessage());
    }

    @Test
    void writesVolumeAsAnIntegerAndPricesInPlainNotation(@TempDir Path dir) throws Exception {
        PriceSeries s = PriceSeries.create("X", "t", java.util.List.of(
                new PriceBar(LocalDate.of(2024, 1, 2), 0.0001, 12345678.5, 1e-4, 2.5, 2.25, 4.9e9)));
        Path file = dir.resolve("X.csv");
        PriceCsv.write(s, file);
        assertEquals(PriceCsv.HEADER + "\n2024-01-02,0.0001,12345678.5,0.0001,2.5,2.25,4900000000\n", Files.readString(file));
    }

    @Test
    void readsColumnsByNameInAnyOrderWithAByteOrderMark() {
        String csv = "\uFEFFvolume,Close,Date,Adj Close,Low,High,Open,Dividends\n"
                + "100,2.5,2024-01-02,2.25,2,3,2.75,0\n";
        PriceSeries s = PriceCsv.parse(csv, "X");
        assertEquals(new PriceBar(LocalDate.of(2024, 1, 2), 2.75, 3, 2, 2.5, 2.25, 100), s.bar(0));
        assertEquals(false, s.adjCloseFromClose());
    }

    @Test
    void aFileWithoutAdjCloseTakesCloseAndSaysSo() {
        PriceSeries s = PriceCsv.parse("Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,10\n2024-01-03,1,2,0.5,1.75,10\n", "X");
        assertEquals(1.5, s.bar(0).adjClose());
        assertEquals(1.75, s.bar(1).adjClose());
        assertTrue(s.adjCloseFromClose());
        CheckReport report = PriceChecks.run(s, CheckConfig.defaults());
        Finding f = report.findings(FindingKind.MISSING_ADJ_CLOSE).getFirst();
        assertEquals(LocalDate.of(2024, 1, 2), f.from());
        assertEquals(LocalDate.of(2024, 1, 3), f.to());
        assertTrue(f.detail().startsWith("the file has no Adj Close column: Adj Close is taken equal to Close"), f.detail());
        // The default policy warns and keeps every row; the flag survives cleaning.
        CheckPolicy.Result clean = CheckPolicy.defaults().apply(report);
        assertEquals(2, clean.cleaned().size());
        assertEquals(1, clean.warnings().size());
        assertTrue(clean.cleaned().adjCloseFromClose());
        assertTrue(PriceChecks.run(PriceCsv.parse(PriceCsv.HEADER + "\n2024-01-02,1,2,0.5,1.5,1.5,10\n", "X"),
                CheckConfig.defaults()).findings(FindingKind.MISSING_ADJ_CLOSE).isEmpty());
    }

    @Test
    void aMissingRequiredColumnIsNamed() {
        ModelException e = assertThrows(ModelException.class,
                () -> PriceCsv.parse("Date,Open,High,Low,Adj Close,Volume\n2024-01-02,1,2,0.5,1.5,10\n", "X"));
        assertTrue(e.getMessage().startsWith("price file <text> line 1: missing required column Close ("), e.getMessage());
    }
}
