package io.closecast.model.prices.checks;

import io.closecast.model.ModelException;
import io.closecast.model.TestData;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckPolicyTest {

    @Test
    void defaultPolicyDropsPetr4ZeroVolumeRowsAndTheGlitchAndWarnsTheRest() {
        PriceSeries petr = TestData.read("PETR4.SA.csv");
        CheckPolicy.Result result = CheckPolicy.defaults().apply(PriceChecks.run(petr, CheckConfig.defaults()));
        assertFalse(result.failed());
        assertEquals(55, result.dropped().size());
        assertEquals(petr.size() - 55, result.cleaned().size());
        assertTrue(result.cleaned().isStrictlyAscending());
        DroppedRow glitch = result.dropped().stream().filter(r -> r.date().equals(LocalDate.of(2014, 4, 2))).findFirst().orElseThrow();
        assertEquals(List.of(FindingKind.CLOSE_OUTSIDE_RANGE), glitch.kinds());
        assertTrue(glitch.toString().startsWith("2014-04-02 (line "), glitch.toString());
        assertTrue(result.cleaned().bars().stream().noneMatch(b -> b.volume() == 0));
        assertEquals(List.of(FindingKind.REPEATED_PRICES, FindingKind.REPEATED_PRICES, FindingKind.REPEATED_PRICES,
                FindingKind.CALENDAR_GAP, FindingKind.LARGE_MOVE), result.warnings().stream().map(Finding::kind).toList());
        assertEquals(petr.symbol(), result.requireNoFailures().symbol());
    }

    @Test
    void duplicatesFailByDefaultAndCanBeDropped() {
        PriceSeries dup = PriceCsv.parse(PriceCsv.HEADER + "\n2024-01-02,1,2,0.5,1,1,10\n2024-01-02,1,2,0.5,1.5,1.5,10\n"
                + "2024-01-03,1,2,0.5,1,1,10\n", "X");
        CheckReport report = PriceChecks.run(dup, CheckConfig.defaults());
        CheckPolicy.Result failing = CheckPolicy.defaults().apply(report);
        assertTrue(failing.failed());
        ModelException e = assertThrows(ModelException.class, failing::requireNoFailures);
        assertTrue(e.getMessage().startsWith("price data <text> fails its checks (1 finding(s) whose policy is FAIL): DUPLICATE_DATE 2024-01-02"),
                e.getMessage());

        CheckPolicy.Result dropping = CheckPolicy.defaults().with(FindingKind.DUPLICATE_DATE, CheckAction.DROP).apply(report);
        assertFalse(dropping.failed());
        assertEquals(2, dropping.cleaned().size());
        assertEquals(1.0, dropping.cleaned().bar(0).close());
        assertEquals(1, dropping.dropped().getFirst().row());
    }

    @Test
    void warnOnUnsortedSortsTheCleanedSeries() {
        PriceSeries s = PriceCsv.parse(PriceCsv.HEADER + "\n2024-01-03,1,2,0.5,1,1,10\n2024-01-02,1,2,0.5,1,1,10\n", "X");
        CheckReport report = PriceChecks.run(s, CheckConfig.defaults());
        assertTrue(CheckPolicy.defaults().apply(report).failed());
        CheckPolicy.Result r = CheckPolicy.defaults().with(FindingKind.UNSORTED, CheckAction.WARN).apply(report);
        assertEquals(List.of(LocalDate.of(2024, 1, 2), LocalDate.of(2024, 1, 3)),
                r.cleaned().bars().stream().map(PriceBar::date).toList());
    }

    @Test
    void aPolicyRejectsActionsThatCannotWork() {
        ModelException e = assertThrows(ModelException.class,
                () -> CheckPolicy.defaults().with(FindingKind.CALENDAR_GAP, CheckAction.DROP));
        assertEquals("checks.policy.CALENDAR_GAP must be one of " + FindingKind.CALENDAR_GAP.allowedActions() + ", found DROP",
                e.getMessage());
        assertThrows(ModelException.class, () -> CheckPolicy.defaults().with(FindingKind.MISSING_VALUE, CheckAction.WARN));
    }
}
