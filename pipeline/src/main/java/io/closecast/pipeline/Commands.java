package io.closecast.pipeline;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine;

/** Shared by the commands: who is acting, verdicts, JSON, the training UI flags. */
final class Commands {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .findAndRegisterModules();

    private Commands() {
    }

    /** Who promotes: CLOSECAST_USER, else the OS user. */
    static String user() {
        String user = System.getenv("CLOSECAST_USER");
        return user != null && !user.isBlank() ? user : System.getProperty("user.name", "unknown");
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
                map.put("candidate", c.model().toMap(""));
                map.put("naive", c.naive().toMap(""));
            });
            verdict.current().ifPresent(c -> map.put("production", c.model().toMap("")));
            printJson(out, map);
            return;
        }
        out.printf(Locale.ROOT, "%s version %d -> @%s: %s%n", verdict.name(), verdict.version(), verdict.alias(),
                verdict.decision());
        verdict.candidate().ifPresent(c -> {
            out.printf(Locale.ROOT, "  window     %s%n", c.window());
            out.printf(Locale.ROOT, "  candidate  MASE %.4f  MAE %.4f  RMSE %.4f  MAPE %.2f%%%n", c.model().mase(),
                    c.model().mae(), c.model().rmse(), c.model().mape());
            out.printf(Locale.ROOT, "  naive      MASE %.4f  MAE %.4f  RMSE %.4f  MAPE %.2f%%%n", c.naive().mase(),
                    c.naive().mae(), c.naive().rmse(), c.naive().mape());
        });
        verdict.current().ifPresent(c -> out.printf(Locale.ROOT, "  production v%d  MASE %.4f  MAE %.4f%n",
                verdict.previousVersion().orElseThrow(), c.model().mase(), c.model().mae()));
        out.printf(Locale.ROOT, "  %s%n", verdict.reason());
        out.flush();
    }
}
