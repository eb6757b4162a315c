package io.closecast.pipeline.sweep;

import io.closecast.pipeline.config.ConfigException;
import io.closecast.pipeline.config.ProjectRoot;
import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.config.YamlConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sweep file with {@code data.symbols} is a fleet: one sweep per symbol, each with its file and its own model. */
class FleetConfigTest {
    @TempDir
    Path dir;

    private Path write(String data, String mlflow) throws IOException {
        Path file = dir.resolve("fleet.yaml");
        Files.writeString(file, "data:\n" + data + "  window: 10\n"
                + (mlflow.isEmpty() ? "" : "mlflow:\n" + mlflow)
                + "sweep:\n  method: grid\n  space:\n    training.learning-rate: [0.001, 0.003]\n");
        return file;
    }

    @Test
    void eachSymbolIsOneSweepWithItsFileAndModel() throws IOException {
        Path file = write("  symbols: [MSFT, PETR4.SA]\n", "");
        List<SweepFile> fleet = SweepFile.readAll(file, dir);
        assertEquals(List.of("MSFT", "PETR4.SA"), fleet.stream().map(SweepFile::symbol).toList());
        assertEquals(dir.resolve("data/MSFT.csv"), fleet.get(0).base().data().file());
        assertEquals(dir.resolve("data/PETR4.SA.csv"), fleet.get(1).base().data().file());
        assertEquals("closecast-msft", fleet.get(0).base().tracking().registeredModel());
        assertEquals("closecast-petr4-sa", fleet.get(1).base().tracking().registeredModel());
        assertEquals("closecast-petr4-sa", fleet.get(1).base().tracking().experiment());
        assertEquals("PETR4.SA", fleet.get(1).base().resolved().get("data.symbol"));
        assertEquals("data/PETR4.SA.csv", fleet.get(1).base().resolved().get("data.file"));
        assertNotEquals(SweepIds.sweepId(fleet.get(0)), SweepIds.sweepId(fleet.get(1)), "one sweep per symbol");
    }

    @Test
    void anExecutorParsesItsTrialsSymbolAsReadAllDoes() throws IOException {
        Path file = write("  symbols: [MSFT, PETR4.SA]\n", "");
        String text = Files.readString(file);
        SweepFile petr = SweepFile.parse(file, text, dir, "PETR4.SA");
        assertEquals(SweepFile.readAll(file, dir).get(1).base().resolved(), petr.base().resolved());
        ConfigException none = assertThrows(ConfigException.class,
                () -> SweepFile.parse(file, text, dir, "AAPL"));
        assertEquals("sweep file " + file + " has no symbol AAPL; its symbols: [MSFT, PETR4.SA]", none.getMessage());
    }

    @Test
    void aSweepOfOneSymbolKeepsItsIdWhenWrittenAsAFleetOfOne() throws IOException {
        Path single = write("  symbol: MSFT\n", "");
        String id = SweepIds.sweepId(SweepFile.read(single, dir));
        Path fleet = write("  symbols: [MSFT]\n", "");
        assertEquals(id, SweepIds.sweepId(SweepFile.read(fleet, dir)), "resumes the same parent run");
    }

    @Test
    void patternsNameFilesExperimentAndModels() throws IOException {
        Path file = write("  symbols: [MSFT, AAPL]\n  file: prices/{symbol}-daily.csv\n",
                "  experiment: desk\n  registered-model: desk-{symbol}\n");
        List<SweepFile> fleet = SweepFile.readAll(file, dir);
        assertEquals(dir.resolve("prices/AAPL-daily.csv"), fleet.get(1).base().data().file());
        assertEquals("desk", fleet.get(1).base().tracking().experiment());
        assertEquals("desk-aapl", fleet.get(1).base().tracking().registeredModel());
        assertEquals("desk-aapl", fleet.get(1).base().resolved().get("mlflow.registered-model"));
    }

    @Test
    void badFleetsNameTheKeyValueAndLine() throws IOException {
        ConfigException repeated = assertThrows(ConfigException.class,
                () -> SweepFile.readAll(write("  symbols: [MSFT, AAPL, MSFT]\n", ""), dir));
        assertEquals("data.symbols must not repeat a symbol, found MSFT twice in [MSFT, AAPL, MSFT] ("
                + dir.resolve("fleet.yaml") + " line 2)", repeated.getMessage());
        ConfigException slug = assertThrows(ConfigException.class,
                () -> SweepFile.readAll(write("  symbols: [BRK.B, BRK-B]\n", ""), dir));
        assertTrue(slug.getMessage().contains("BRK.B and BRK-B (one model name, brk-b)"), slug.getMessage());
        ConfigException both = assertThrows(ConfigException.class,
                () -> SweepFile.readAll(write("  symbol: MSFT\n  symbols: [MSFT, AAPL]\n", ""), dir));
        assertTrue(both.getMessage().startsWith("data.symbol cannot be given beside data.symbols"), both.getMessage());
        ConfigException oneFile = assertThrows(ConfigException.class,
                () -> SweepFile.readAll(write("  symbols: [MSFT, AAPL]\n  file: data/MSFT.csv\n", ""), dir));
        assertTrue(oneFile.getMessage().startsWith("data.file must contain {symbol} with several data.symbols"),
                oneFile.getMessage());
        ConfigException oneModel = assertThrows(ConfigException.class,
                () -> SweepFile.readAll(write("  symbols: [MSFT, AAPL]\n", "  registered-model: desk\n"), dir));
        assertTrue(oneModel.getMessage().startsWith("mlflow.registered-model must contain {symbol} with several"
                + " data.symbols"), oneModel.getMessage());
        assertTrue(oneModel.getMessage().endsWith("found desk (" + dir.resolve("fleet.yaml") + " line 5)"),
                oneModel.getMessage());
        ConfigException empty = assertThrows(ConfigException.class,
                () -> SweepFile.readAll(write("  symbols: []\n", ""), dir));
        assertTrue(empty.getMessage().startsWith("data.symbols must list at least one symbol"), empty.getMessage());
        ConfigException several = assertThrows(ConfigException.class,
                () -> SweepFile.read(write("  symbols: [MSFT, AAPL]\n", ""), dir));
        assertTrue(several.getMessage().contains("names a fleet of 2 symbols [MSFT, AAPL]"), several.getMessage());
    }

    @Test
    void theShippedFleetNamesTheBundledFiles() {
        Path fleet = Path.of(System.getProperty("closecast.root", "..")).resolve("configs/fleet.yaml");
        List<SweepFile> files = SweepFile.readAll(fleet, ProjectRoot.of(fleet));
        assertEquals(List.of("MSFT", "AAPL", "PETR4.SA"), files.stream().map(SweepFile::symbol).toList());
        for (SweepFile file : files) {
            assertTrue(Files.isRegularFile(file.base().data().file()), file.base().data().file().toString());
        }
        assertEquals("closecast-fleet-petr4-sa", files.get(2).base().tracking().registeredModel());
    }

    @Test
    void trainTakesOneSymbol() {
        ConfigException e = assertThrows(ConfigException.class, () -> TrainConfig.read(YamlConfig.parse(
                "data:\n  symbols: [MSFT, AAPL]\n", "t.yaml"), dir));
        assertTrue(e.getMessage().startsWith("data.symbols names a fleet, which only a sweep runs"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(t.yaml line 2)"), e.getMessage());
    }

    @Test
    void aSweepFileMayHaveAnIntervalsSection() throws IOException {
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, """
                data: {symbol: MSFT}
                intervals: {levels: [0.5]}
                sweep: {space: {training.learning-rate: [0.001]}}
                """);
        assertEquals(List.of(0.5), SweepFile.read(file, dir).base().intervals().levels());
    }
}
