package io.closecast.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.closecast.model.prices.checks.CheckAction;
import io.closecast.model.prices.checks.CheckConfig;
import io.closecast.model.prices.checks.CheckPolicy;
import io.closecast.model.prices.checks.CheckReport;
import io.closecast.model.prices.checks.DroppedRow;
import io.closecast.model.prices.checks.Finding;
import io.closecast.model.prices.checks.FindingKind;
import io.closecast.model.ModelException;
import io.closecast.model.prices.checks.PriceChecks;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code closecast data check FILE}: reports data problems with dates; exit 1 when any would FAIL under the policy. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check a daily price CSV: duplicates, unsorted rows, missing values, non-positive prices,",
                "Close outside [Low, High], zero-volume days, repeated closes, calendar gaps, large moves.",
                "Exit code 0 when nothing FAILs under the policy, 1 otherwise."})
public final class DataCheckCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "Price CSV in Yahoo's layout, e.g. data/PETR4.SA.csv.")
    Path file;

    @Option(names = "--max-gap-days", description = "Longest normal gap between rows in calendar days (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + CheckConfig.DEFAULT_MAX_GAP_DAYS)
    int maxGapDays;

    @Option(names = "--max-move", description = "Largest normal close-to-close move as a fraction (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + CheckConfig.DEFAULT_MAX_MOVE)
    double maxMove;

    @Option(names = "--min-repeated-run", description = "Shortest run of identical closes to report (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + CheckConfig.DEFAULT_MIN_REPEATED_RUN)
    int minRepeatedRun;

    @Option(names = "--policy", paramLabel = "KIND=ACTION",
            description = "Override the action for a finding kind, e.g. --policy ZERO_VOLUME=FAIL. Kinds: ${COMPLETION-CANDIDATES}")
    Map<FindingKind, CheckAction> policyOverrides = new EnumMap<>(FindingKind.class);

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CheckConfig config;
        CheckPolicy policy;
        try {
            config = new CheckConfig(maxGapDays, maxMove, minRepeatedRun);
            policy = new CheckPolicy(policyOverrides);
        } catch (ModelException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PriceSeries series = PriceCsv.read(file);
        CheckReport report = PriceChecks.run(series, config);
        CheckPolicy.Result result = policy.apply(report);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(series, report, policy, result));
        } else {
            printTable(out, series, report, policy, result);
        }
        return result.failed() ? Closecast.EXIT_FAILURE : 0;
    }

    private void printTable(PrintWriter out, PriceSeries series, CheckReport report, CheckPolicy policy, CheckPolicy.Result result) {
        out.printf("%s: %d rows%s%n", file, series.size(),
                series.isEmpty() ? "" : ", " + series.bars().getFirst().date() + ".." + series.bars().getLast().date());
        if (report.isClean()) {
            out.println("clean: no findings");
            return;
        }
        out.printf("%-20s %-23s %-6s %s%n", "KIND", "DATES", "ACTION", "DETAIL");
        for (Finding f : report.findings()) {
            out.printf("%-20s %-23s %-6s %s%n", f.kind(), f.dates(), policy.action(f.kind()), f.detail());
        }
        out.printf("%d finding(s): %d FAIL, %d WARN, %d row(s) would be DROPped -> %d rows left%n", report.findings().size(),
                result.failures().size(), result.warnings().size(), result.dropped().size(), result.cleaned().size());
        out.println(result.failed() ? "FAILED: the policy rejects this file" : "OK under the policy");
    }

    private String toJson(PriceSeries series, CheckReport report, CheckPolicy policy, CheckPolicy.Result result) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("file", file.toString());
        root.put("rows", series.size());
        if (!series.isEmpty()) {
            root.put("first_date", series.bars().getFirst().date().toString());
            root.put("last_date", series.bars().getLast().date().toString());
        }
        root.put("clean", report.isClean());
        root.put("failed", result.failed());
        ObjectNode thresholds = root.putObject("config");
        thresholds.put("max_gap_days", report.config().maxGapDays());
        thresholds.put("max_move", report.config().maxMove());
        thresholds.put("min_repeated_run", report.config().minRepeatedRun());
        ArrayNode findings = root.putArray("findings");
        for (Finding f : report.findings()) {
            ObjectNode n = findings.addObject();
            n.put("kind", f.kind().name());
            n.put("from", f.from().toString());
            n.put("to", f.to().toString());
            n.put("action", policy.action(f.kind()).name());
            n.put("detail", f.detail());
            ArrayNode lines = n.putArray("lines");
            f.rows().forEach(r -> lines.add(r + 2));
        }
        ArrayNode dropped = root.putArray("dropped");
        for (DroppedRow d : result.dropped()) {
            dropped.addObject().put("date", d.date().toString()).put("line", d.row() + 2).put("reason", d.reason());
        }
        root.put("rows_after_policy", result.cleaned().size());
        return mapper.writeValueAsString(root);
    }
}
