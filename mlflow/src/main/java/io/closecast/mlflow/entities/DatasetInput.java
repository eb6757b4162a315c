package io.closecast.mlflow.entities;

import io.closecast.mlflow.Checks;

import java.util.Map;

/** A dataset used by a run, with input tags such as {@code mlflow.data.context=training}. */
public record DatasetInput(Dataset dataset, Map<String, String> tags) {
    /** MLflow's input tag telling what the run used the dataset for (training, validation, test). */
    public static final String CONTEXT_TAG = "mlflow.data.context";

    /**
     * Checks and copies the input.
     *
     * @param dataset the dataset
     * @param tags    input tags
     * @throws io.closecast.mlflow.MlflowException when the dataset is missing
     */
    public DatasetInput {
        Checks.notNull(dataset, "dataset");
        tags = Map.copyOf(tags);
    }

    /**
     * The dataset in a context such as {@code training}.
     *
     * @param dataset the dataset
     * @param context what the run used it for, e.g. {@code training}
     * @return the input, tagged {@value #CONTEXT_TAG}
     * @throws io.closecast.mlflow.MlflowException when the context is blank
     */
    public static DatasetInput create(Dataset dataset, String context) {
        return new DatasetInput(dataset, Map.of(CONTEXT_TAG, Checks.notBlank(context, "dataset context")));
    }
}
