package io.closecast.pipeline.config;

import io.closecast.pipeline.sweep.SweepFile;
import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.data.PriceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Relative paths in a config resolve against the config's project root, whatever the current directory. */
class ProjectRootTest {

    @Test
    void theRootIsTheClosestDirectoryAboveTheConfigHoldingDataOrConfigs(@TempDir Path tmp) throws Exception {
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.createDirectories(project.resolve("data"));
        Path configs = Files.createDirectories(project.resolve("configs"));
        Path deep = Files.createDirectories(project.resolve("experiments/2026/dec"));
        assertEquals(project, ProjectRoot.of(configs.resolve("petr4.yaml")));
        assertEquals(project, ProjectRoot.of(deep.resolve("petr4.yaml")));
        assertEquals(project, ProjectRoot.of(project.resolve("petr4.yaml")));
        Path alone = Files.createDirectories(tmp.resolve("alone/here"));
        assertEquals(alone, ProjectRoot.of(alone.resolve("x.yaml")), "no project above: the config's own directory");
        assertEquals(project, ProjectRoot.ofDirectory(deep));
    }

    @Test
    void theCheckoutsConfigsFindTheCheckoutsData() {
        Path quickstart = Path.of(System.getProperty("closecast.root", "..")).resolve("configs/quickstart.yaml");
        TrainConfig config = SweepFile.read(quickstart, ProjectRoot.of(quickstart)).base();
        assertEquals(quickstart.toAbsolutePath().normalize().getParent().getParent().resolve("data/MSFT.csv"),
                config.data().file().normalize());
        assertTrue(Files.isRegularFile(config.data().file()), config.data().file().toString());
    }

    @Test
    void aMissingDataFileIsNamedByItsResolvedPath(@TempDir Path tmp) throws Exception {
        Path project = Files.createDirectories(tmp.resolve("p"));
        Files.createDirectories(project.resolve("configs"));
        Path file = project.resolve("configs/mine.yaml");
        Files.writeString(file, "data:\n  symbol: NOPE\n  file: data/NOPE.csv\n");
        TrainConfig config = TrainConfig.read(YamlConfig.load(file), ProjectRoot.of(file));
        PipelineException e = assertThrows(PipelineException.class, () -> PriceLoader.load(config));
        assertTrue(e.getMessage().startsWith("data.file " + project.resolve("data/NOPE.csv") + " does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("project root"), e.getMessage());
    }
}
