package io.closecast.pipeline.retrain;

import io.closecast.pipeline.config.PromotionObjective;
import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.config.YamlConfig;
import io.closecast.pipeline.registry.Gate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A retrain's gate judges each config on its own {@code promotion.objective} unless {@code --objective} says otherwise. */
class RetrainPolicyTest {

    private static final Gate.Policy THRESHOLDS = new Gate.Policy(0.9, 30, true, 0.05);

    private static TrainConfig config(String promotion) {
        return TrainConfig.read(YamlConfig.parse("data:\n  symbol: MSFT\n" + promotion, "configs/x.yaml"), Path.of("."));
    }

    private static Retrainer.Request request(Optional<PromotionObjective> objective) {
        return new Retrainer.Request(Path.of("configs/x.yaml"), Optional.empty(), false, "manual", THRESHOLDS, objective,
                Duration.ofMinutes(15), Duration.ofSeconds(2), Optional.empty());
    }

    @Test
    void theConfigsObjectiveJudgesItsCandidate() {
        Gate.Policy policy = Retrainer.policy(request(Optional.empty()), config("promotion:\n  objective: interval\n"));
        assertEquals(THRESHOLDS.withObjective(PromotionObjective.INTERVAL), policy);
        assertEquals(PromotionObjective.POINT, Retrainer.policy(request(Optional.empty()), config("")).objective());
    }

    @Test
    void theOptionOverridesTheConfig() {
        assertEquals(PromotionObjective.POINT, Retrainer.policy(request(Optional.of(PromotionObjective.POINT)),
                config("promotion:\n  objective: interval\n")).objective());
    }
}
