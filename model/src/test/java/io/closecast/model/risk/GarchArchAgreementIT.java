package io.closecast.model.risk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.closecast.model.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Java Student-t GARCH(1,1) ({@link StudentTGarch}) against Python's {@code arch} 8.0.0 on the bundled price files:
 * the same returns (100 x the first 2500 daily log returns of Close), the same model, the same likelihood and
 * backcast. {@code model/arch-peer.sh} makes the virtual environment with the pinned {@code arch} from PyPI on first
 * use.
 *
 * <p>Tolerances, and why: both are maximum-likelihood estimates of the same function, stopped by different
 * optimisers (BFGS on the analytic gradient until no coordinate exceeds 1e-9 per return here, SLSQP to ftol 1e-12
 * there), so they may stop at slightly different points of the flat top of the likelihood; seen: log-likelihood gaps
 * below 2e-10 (the Java maximum the higher on two files of three), parameter gaps below 4e-6 relative but for PETR4's
 * {@code mu} (6e-5 relative of a mean of 0.0024 % a day: 1.4e-7 absolute), variance gaps below 3e-6 relative. The
 * tolerances leave at least 15 times that (PETR4's {@code mu}), 30 times and more elsewhere, room for other
 * platforms' floating point, and are still far below what any modelling difference moves: the log-likelihoods
 * within 1e-5, {@code alpha} and {@code beta} within 1e-4 absolute, {@code omega}, {@code mu} and {@code nu} within
 * 1e-3 relative, every one-step conditional variance and the next day's forecast within 1e-4 relative (a different
 * start of the recursion, a normal instead of a Student-t likelihood or a variance without the mean removed each move
 * some of these by 1e-3 or more).
 */
class GarchArchAgreementIT {
    private static final int N = 2500;

    @ParameterizedTest
    @ValueSource(strings = {"MSFT.csv", "AAPL.csv", "PETR4.SA.csv"})
    void parametersAndOneStepVariancesAgreeWithArch(String file) throws Exception {
        JsonNode arch = runArch(TestData.file(file));
        assertEquals(0, arch.get("convergence_flag").asInt(), "arch did not converge: " + arch);
        double[] r = StudentTGarchTest.returns(file, N);
        long started = System.nanoTime();
        GarchFit fit = StudentTGarch.fit(r);
        double seconds = (System.nanoTime() - started) / 1e9;
        if (!(fit instanceof GarchFit.Fitted f)) {
            fail("the Java fit failed: " + fit);
            return;
        }
        GarchParameters p = f.parameters();
        double s = StudentTGarch.SCALE;
        // arch's log-likelihood is of the percent returns: the density of r is 100 times that of 100 r
        double javaLl = f.logLikelihood() - r.length * Math.log(s);
        String both = file + ": java " + p + " ll " + javaLl + " (" + seconds + " s), arch " + fields(arch);
        System.out.println(both);
        assertEquals(arch.get("log_likelihood").asDouble(), javaLl, 1e-5, both);
        assertEquals(arch.get("alpha").asDouble(), p.alpha(), 1e-4, "alpha; " + both);
        assertEquals(arch.get("beta").asDouble(), p.beta(), 1e-4, "beta; " + both);
        assertRelative(arch.get("omega").asDouble(), p.omega() * s * s, 1e-3, "omega; " + both);
        assertRelative(arch.get("mu").asDouble(), p.mu() * s, 1e-3, "mu; " + both);
        assertRelative(arch.get("nu").asDouble(), p.nu(), 1e-3, "nu; " + both);
        double[] variances = p.variances(r, f.backcast());
        JsonNode archVariances = arch.get("variances");
        assertEquals(r.length, archVariances.size());
        double worst = 0;
        for (int t = 0; t < r.length; t++) {
            double a = archVariances.get(t).asDouble();
            worst = Math.max(worst, Math.abs(variances[t] * s * s - a) / a);
        }
        assertTrue(worst < 1e-4, "worst relative gap of the one-step variances " + worst + "; " + both);
        assertRelative(arch.get("next_variance").asDouble(), variances[r.length] * s * s, 1e-4, "next; " + both);
        System.out.printf("%s: worst one-step variance gap %.2e; fit %.3f s in Java, %.3f s in arch%n", file, worst,
                seconds, arch.get("seconds").asDouble());
    }

    private static String fields(JsonNode arch) {
        StringBuilder b = new StringBuilder();
        for (String k : List.of("mu", "omega", "alpha", "beta", "nu", "log_likelihood", "seconds")) {
            b.append(k).append('=').append(arch.get(k).asDouble()).append(' ');
        }
        return b.toString();
    }

    private static void assertRelative(double expected, double actual, double tolerance, String message) {
        assertTrue(Math.abs(actual - expected) <= tolerance * Math.abs(expected),
                "expected " + expected + " within " + tolerance * 100 + " %, found " + actual + "; " + message);
    }

    static JsonNode runArch(Path data) throws Exception {
        Path root = data.getParent().getParent();
        Process process = new ProcessBuilder("bash", root.resolve("model/arch-peer.sh").toString(), "python",
                root.resolve("model/src/test/python/garch_peer.py").toString(), data.toString(), Integer.toString(N))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("arch did not finish in 15 minutes");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "arch-peer.sh failed: " + text);
        return new ObjectMapper().readTree(text);
    }
}
