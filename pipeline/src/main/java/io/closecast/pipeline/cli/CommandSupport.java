package io.closecast.pipeline.cli;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.registry.Promotion;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Shared by the commands: who is acting, verdicts, JSON output. (The training UI flags are {@link UiOptions}.) */
public final class CommandSupport {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .findAndRegisterModules();

    private CommandSupport() {
    }

    static void printJson(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new PipelineException("cannot write JSON: " + e.getMessage(), e);
        }
        out.flush();
    }

    static void printVerdict(PrintWriter out, Promotion.Verdict verdict, boolean json) {
        if (json) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("name", verdict.name());
            map.put("version", verdict.version());
            map.put("alias", verdict.alias());
            map.put("decision", verdict.decision().name().toLowerCase(Locale.ROOT));
            map.put("reason", verdict.reason());
            map.put("previous_version", verdict.previousVersion().orElse(null));
            verdict.candidate().ifPresent(c -> {
                map.put("window", c.window());
                map.put("days", c.days());
                map.put("candidate", c.step().metrics());
            });
            verdict.comparison().ifPresent(c -> {
                Map<String, Object> cmp = new LinkedHashMap<>();
                cmp.put("range", c.range().toString());
                cmp.put("days", c.days());
                cmp.put("candidate_mase", c.candidateMase());
                cmp.put("production_mase", c.productionMase());
                cmp.put("dm_stat", c.dm().statistic());
                cmp.put("dm_p_worse", c.dm().pWorse());
                map.put("production", cmp);
            });
            printJson(out, map);
            return;
        }
        out.printf(Locale.ROOT, "%s version %d -> @%s: %s%n", verdict.name(), verdict.version(), verdict.alias(),
                verdict.decision());
        verdict.candidate().ifPresent(c -> {
            var s = c.step();
            out.printf(Locale.ROOT, "  window     %s%n", c.window());
            out.printf(Locale.ROOT, "  candidate  MASE %.4f  MAE %.4f  RMSE %.4f  MAPE %.2f%%  DM p vs naive %.4f (abs) %.4f (sq)%n",
                    s.mase(), s.mae(), s.rmse(), s.mape(), s.dmAbsolute().pBetter(), s.dmSquared().pBetter());
            out.printf(Locale.ROOT, "  naive      MAE %.4f  RMSE %.4f  MAPE %.2f%%   drift MASE %.4f%n", s.naiveMae(),
                    s.naiveRmse(), s.naiveMape(), s.driftMase());
            out.printf(Locale.ROOT, "  direction  %.1f%% right; always the training majority sign %.1f%%; up days %.1f%%%n",
                    100 * s.directionalAccuracy(), 100 * s.majoritySignAccuracy(), 100 * s.upShare());
        });
        verdict.comparison().ifPresent(c -> out.printf(Locale.ROOT,
                "  production v%d on %s (%d days): MASE %.4f vs candidate %.4f, DM p(candidate worse) %.4f%n",
                verdict.previousVersion().orElseThrow(), c.range(), c.days(), c.productionMase(), c.candidateMase(),
                c.dm().pWorse()));
        out.printf(Locale.ROOT, "  %s%n", verdict.reason());
        out.flush();
    }
}
