package io.closecast.model;

import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;

import java.nio.file.Files;
import java.nio.file.Path;

/** Test fixture (also used by closecast-training's tests through the test jar). Finds the bundled files under the repository's data/ folder. */
public final class TestData {

    private TestData() {
    }

    public static Path file(String name) {
        String root = System.getProperty("closecast.root");
        if (root != null && Files.isRegularFile(Path.of(root, "data", name))) {
            return Path.of(root, "data", name);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("data").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("bundled data file data/" + name + " not found above " + Path.of("").toAbsolutePath());
    }

    public static PriceSeries read(String name) {
        return PriceCsv.read(file(name));
    }
}
