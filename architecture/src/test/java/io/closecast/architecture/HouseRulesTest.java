package io.closecast.architecture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The house rules a newcomer relies on, checked on the sources of every module: no main source file over
 * {@value #MAX_LINES} lines, no package over {@value #MAX_CLASSES} main classes, a {@code package-info.java} in every
 * main package, and no two classes of the project (main or test) with the same simple name.
 */
class HouseRulesTest {
    static final int MAX_LINES = 400;
    static final int MAX_CLASSES = 25;
    private static final List<String> MODULES = List.of("mlflow", "model", "training", "pipeline", "serving", "spark",
            "architecture");

    private static Path root;

    @BeforeAll
    static void findRoot() {
        root = Path.of(System.getProperty("closecast.root", "..")).toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(root.resolve("model/src/main/java")), "project root found at " + root);
    }

    private static List<Path> javaFiles(String kind) {
        List<Path> out = new ArrayList<>();
        for (String module : MODULES) {
            Path dir = root.resolve(module).resolve("src").resolve(kind).resolve("java");
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.filter(p -> p.toString().endsWith(".java")).forEach(out::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        assertTrue(!out.isEmpty(), kind + " sources found under " + root);
        return out;
    }

    private static boolean isPackageInfo(Path p) {
        return p.getFileName().toString().equals("package-info.java");
    }

    private static long lines(Path p) {
        try (Stream<String> s = Files.lines(p)) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void noMainSourceFileIsLongerThan400Lines() {
        Map<String, Long> tooLong = new TreeMap<>();
        for (Path p : javaFiles("main")) {
            long n = lines(p);
            if (n > MAX_LINES) {
                tooLong.put(root.relativize(p).toString(), n);
            }
        }
        assertEquals(Map.of(), tooLong, "main source files over " + MAX_LINES + " lines: split them by concern");
    }

    @Test
    void noPackageHoldsMoreThan25MainClassesAndEveryOneSaysWhatItHolds() {
        Map<Path, List<Path>> byPackage = javaFiles("main").stream().collect(Collectors.groupingBy(Path::getParent));
        Map<String, Integer> tooBig = new TreeMap<>();
        List<String> undocumented = new ArrayList<>();
        byPackage.forEach((dir, files) -> {
            long classes = files.stream().filter(p -> !isPackageInfo(p)).count();
            if (classes > MAX_CLASSES) {
                tooBig.put(root.relativize(dir).toString(), (int) classes);
            }
            if (classes > 0 && files.stream().noneMatch(HouseRulesTest::isPackageInfo)) {
                undocumented.add(root.relativize(dir).toString());
            }
        });
        assertEquals(Map.of(), tooBig, "packages with more than " + MAX_CLASSES + " main classes mix concerns");
        assertEquals(List.of(), undocumented, "packages without a package-info.java");
    }

    @Test
    void noTwoClassesShareASimpleName() {
        List<Path> all = new ArrayList<>(javaFiles("main"));
        all.addAll(javaFiles("test"));
        Map<String, List<String>> byName = all.stream().filter(p -> !isPackageInfo(p))
                .collect(Collectors.groupingBy(p -> p.getFileName().toString(), TreeMap::new,
                        Collectors.mapping(p -> root.relativize(p).toString(), Collectors.toList())));
        byName.values().removeIf(paths -> paths.size() < 2);
        assertEquals(Map.of(), byName, "classes that share a simple name");
    }
}
