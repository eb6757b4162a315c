package io.closecast.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * closecast's layering, stated in code over the main classes of every module:
 * <pre>
 *   mlflow  (nothing of ours)         model  (nothing of ours; no MLflow, Helidon, DL4J)
 *      ^   \                            ^  ^
 *      |    \------------ training -----/  |      serving -> model, mlflow (never pipeline or training)
 *   pipeline -> training, model, mlflow    |
 *      ^                                   |
 *   spark -> pipeline's sweep SPI ---------/
 * </pre>
 * Inside serving, Helidon's HTTP types stay in {@code serving.http..} and the process's root ({@code Main},
 * {@code RunningService}); DL4J stays in training (and the DL4J training UI of pipeline's training package). No two
 * modules and no two concern packages of a module depend on each other in a cycle.
 */
class ArchitectureTest {
    private static final String[] OURS = {"io.closecast.mlflow..", "io.closecast.model..", "io.closecast.training..",
            "io.closecast.pipeline..", "io.closecast.serving..", "io.closecast.spark.."};
    private static final String[] HTTP = {"io.helidon.webserver..", "io.helidon.http.."};
    private static final String[] DL4J = {"org.deeplearning4j..", "org.nd4j.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.closecast");
        for (String module : new String[]{"mlflow", "model", "training", "pipeline", "serving", "spark"}) {
            assertTrue(classes.containPackage("io.closecast." + module),
                    "the classes of closecast-" + module + " are on the test class path");
        }
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }

    @Test
    void mlflowClientDependsOnNothingOfOurs() {
        check(noClasses().that().resideInAPackage("io.closecast.mlflow..")
                .should().dependOnClassesThat().resideInAnyPackage(without("io.closecast.mlflow..")));
    }

    @Test
    void modelCoreIsFreeOfMlflowHelidonAndDl4j() {
        check(noClasses().that().resideInAPackage("io.closecast.model..")
                .should().dependOnClassesThat().resideInAnyPackage(concat(without("io.closecast.model.."),
                        new String[]{"io.helidon..", "org.mlflow.."}, DL4J)));
    }

    @Test
    void trainingUsesOnlyTheModelCoreOfOurs() {
        check(noClasses().that().resideInAPackage("io.closecast.training..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.closecast.pipeline..", "io.closecast.serving..", "io.closecast.spark..", "io.helidon.."));
    }

    @Test
    void servingNeverUsesPipelineOrTraining() {
        check(noClasses().that().resideInAPackage("io.closecast.serving..")
                .should().dependOnClassesThat().resideInAnyPackage(concat(
                        new String[]{"io.closecast.pipeline..", "io.closecast.training..", "io.closecast.spark.."}, DL4J)));
    }

    @Test
    void pipelineNeverUsesServingOrSpark() {
        check(noClasses().that().resideInAPackage("io.closecast.pipeline..")
                .should().dependOnClassesThat().resideInAnyPackage("io.closecast.serving..", "io.closecast.spark..",
                        "io.helidon.."));
    }

    @Test
    void theSweepSpiOwnsItsTypesAndSparkUsesOnlyIt() {
        check(noClasses().that().resideInAPackage("io.closecast.pipeline.sweep.spi..")
                .should().dependOnClassesThat().resideInAnyPackage("io.closecast.pipeline.sweep",
                        "io.closecast.pipeline.sweep.search..", "io.closecast.pipeline.sweep.pruning..",
                        "io.closecast.pipeline.cli.."));
        check(noClasses().that().resideInAPackage("io.closecast.spark..")
                .should().dependOnClassesThat().resideInAnyPackage("io.closecast.pipeline.sweep",
                        "io.closecast.pipeline.sweep.search..", "io.closecast.pipeline.sweep.pruning..",
                        "io.closecast.pipeline.cli..", "io.closecast.pipeline.registry.."));
    }

    @Test
    void httpTypesStayInTheHttpPackages() {
        check(noClasses().that().resideInAPackage("io.closecast..")
                .and().resideOutsideOfPackages("io.closecast.serving.http..", "io.closecast.serving")
                .should().dependOnClassesThat().resideInAnyPackage(HTTP));
    }

    @Test
    void dl4jStaysInTraining() {
        check(noClasses().that().resideInAPackage("io.closecast..")
                .and().resideOutsideOfPackages("io.closecast.training..", "io.closecast.pipeline.training..")
                .should().dependOnClassesThat().resideInAnyPackage(DL4J));
    }

    @Test
    void modulesAreFreeOfCycles() {
        check(slices().matching("io.closecast.(*)..").should().beFreeOfCycles());
    }

    @Test
    void concernPackagesAreFreeOfCycles() {
        check(slices().matching("io.closecast.(*).(*)..").should().beFreeOfCycles());
    }

    private static String[] without(String own) {
        return java.util.Arrays.stream(OURS).filter(p -> !p.equals(own)).toArray(String[]::new);
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
