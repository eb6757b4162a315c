package io.closecast.pipeline.cli;

import io.closecast.pipeline.registry.Promotion;
import io.closecast.pipeline.tracking.MlflowConnection;
import io.closecast.pipeline.tracking.RunMetadata;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import io.closecast.mlflow.MlflowClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code closecast rollback NAME}: moves the alias back to the version that held it before. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Move an alias (default production) back to the version that held it before the current one.")
public final class RollbackCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", description = "Registered model name.")
    String name;

    @Option(names = "--alias", defaultValue = Promotion.DEFAULT_ALIAS, description = "Alias (default: ${DEFAULT-VALUE}).")
    String alias;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (MlflowClient client = MlflowConnection.connect()) {
            Promotion.Rollback rollback = new Promotion(client, Clock.systemUTC(), RunMetadata.user()).rollback(name, alias);
            if (json) {
                Map<String, Object> map = new LinkedHashMap<>();
                map.put("name", rollback.name());
                map.put("alias", rollback.alias());
                map.put("from_version", rollback.from());
                map.put("to_version", rollback.to());
                CommandSupport.printJson(out, map);
            } else {
                out.printf("%s@%s: version %d -> version %d (rolled back)%n", rollback.name(), rollback.alias(),
                        rollback.from(), rollback.to());
            }
            return 0;
        }
    }
}
