package io.closecast.mlflow.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.closecast.mlflow.MlflowException;
import io.closecast.mlflow.registry.ModelUri.Form;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every form {@link ModelUri} reads and every refusal, with the messages the CLI prints. */
class ModelUriTest {

    private static String refusal(Runnable parse) {
        return assertThrows(MlflowException.class, parse::run).getMessage();
    }

    // ------------------------------------------------------------------ parse: a URI as a user gives it

    @Test
    void parsesAnAlias() {
        ModelUri uri = ModelUri.parse("models:/closecast-petr4@production");
        assertEquals(new ModelUri(Form.ALIAS, "closecast-petr4", "production", 0, "", ""), uri);
        assertTrue(uri.registered());
        assertEquals("models:/closecast-petr4@production", uri.toString());
    }

    @Test
    void anAliasSplitsAtTheFirstAt() {
        assertEquals(ModelUri.ofAlias("m", "a@b"), ModelUri.parse("models:/m@a@b"));
        assertEquals(ModelUri.ofAlias("m", "b/3"), ModelUri.parse("models:/m@b/3"));
    }

    @Test
    void parsesAVersionAfterTheLastSlash() {
        ModelUri uri = ModelUri.parse("models:/closecast-petr4/12");
        assertEquals(new ModelUri(Form.VERSION, "closecast-petr4", "", 12, "", ""), uri);
        assertEquals("models:/closecast-petr4/12", uri.toString());
        assertEquals(ModelUri.ofVersion("team/m", 3), ModelUri.parse("models:/team/m/3"));
    }

    @Test
    void parsesARunPath() {
        ModelUri uri = ModelUri.parse("runs:/abc123/model");
        assertEquals(new ModelUri(Form.RUN, "", "", 0, "abc123", "model"), uri);
        assertFalse(uri.registered());
        assertEquals("runs:/abc123/model", uri.toString());
        assertEquals(ModelUri.ofRun("abc123", "model/inner"), ModelUri.parse("runs:///abc123//model/inner/"));
    }

    @Test
    void refusesAVersionThatIsNoNumber() {
        assertEquals("the version in models:/NAME/VERSION must be a number, found 'latest'",
                refusal(() -> ModelUri.parse("models:/m/latest")));
    }

    @Test
    void refusesAVersionBelowOne() {
        assertEquals("model version must be > 0, found 0", refusal(() -> ModelUri.parse("models:/m/0")));
        assertEquals("model version must be > 0, found -3", refusal(() -> ModelUri.parse("models:/m/-3")));
    }

    @Test
    void refusesAModelsUriWithoutAliasOrVersion() {
        for (String uri : new String[] {"models:/m", "models:/", "models:/@production", "models:/m@", "models:/m/",
                "models:/ /3x", "models://3"}) {
            String message = refusal(() -> ModelUri.parse(uri));
            if (uri.equals("models:/ /3x")) {
                assertEquals("the version in models:/NAME/VERSION must be a number, found '3x'", message);
                continue;
            }
            assertEquals("MODEL must be models:/NAME@ALIAS or models:/NAME/VERSION, found '" + uri + "'", message, uri);
        }
    }

    @Test
    void refusesABlankName() {
        assertEquals("registered model name must be a non-blank string, found ' '",
                refusal(() -> ModelUri.parse("models:/ @production")));
        assertEquals("registered model name must be a non-blank string, found ' '",
                refusal(() -> ModelUri.parse("models:/ /3")));
    }

    @Test
    void refusesARunUriWithoutRunOrPath() {
        for (String uri : new String[] {"runs:/", "runs:/abc", "runs:/abc/", "runs:///abc"}) {
            assertEquals("MODEL runs:/RUN_ID/PATH needs a run id and an artifact path, found '" + uri + "'",
                    refusal(() -> ModelUri.parse(uri)), uri);
        }
    }

    @Test
    void refusesARunPathThatClimbs() {
        assertEquals("artifact path must not contain '.' or '..' segments, found '../other/model'",
                refusal(() -> ModelUri.parse("runs:/abc/../other/model")));
    }

    @Test
    void refusesOtherSchemes() {
        for (String uri : new String[] {"closecast-petr4@production", "s3://bucket/model", "models:", "runs:abc/model",
                ""}) {
            assertEquals("MODEL must be models:/NAME@ALIAS, models:/NAME/VERSION or runs:/RUN_ID/PATH, found '" + uri + "'",
                    refusal(() -> ModelUri.parse(uri)), uri);
        }
    }

    // ------------------------------------------------------------------ parseReference: the CLI's NAME[@ALIAS|/N]

    @Test
    void aReferenceNamesAnAliasAVersionOrTheDefaultAlias() {
        assertEquals(ModelUri.ofAlias("m", "staging"), ModelUri.parseReference("m@staging", "production"));
        assertEquals(ModelUri.ofVersion("m", 4), ModelUri.parseReference("m/4", "production"));
        assertEquals(ModelUri.ofAlias("m", "production"), ModelUri.parseReference("m", "production"));
        assertEquals(ModelUri.ofAlias("m", "b/3"), ModelUri.parseReference("m@b/3", "production"));
    }

    @Test
    void aReferenceSplitsAVersionAtTheFirstSlash() {
        assertEquals("version must be a number in NAME/VERSION, found 'b/3'",
                refusal(() -> ModelUri.parseReference("a/b/3", "production")));
        assertEquals("version must be a number in NAME/VERSION, found ''",
                refusal(() -> ModelUri.parseReference("m/", "production")));
    }

    @Test
    void aReferenceRefusesBlankParts() {
        assertEquals("registered model name must be a non-blank string, found ''",
                refusal(() -> ModelUri.parseReference("@staging", "production")));
        assertEquals("alias must be a non-blank string, found ''", refusal(() -> ModelUri.parseReference("m@", "production")));
        assertEquals("registered model name must be a non-blank string, found ''",
                refusal(() -> ModelUri.parseReference("/3", "production")));
        assertEquals("model version must be > 0, found 0", refusal(() -> ModelUri.parseReference("m/0", "production")));
        assertEquals("registered model name must be a non-blank string, found ''",
                refusal(() -> ModelUri.parseReference("", "production")));
    }

    // ------------------------------------------------------------------ parseSource: a model version's source

    @Test
    void aSourceIsARunPathOrAnArtifactUriOfTheVersionsRun() {
        assertEquals(ModelUri.ofRun("abc", "model"), ModelUri.parseSource("runs:/abc/model", Optional.empty()));
        assertEquals(ModelUri.ofRun("abc", ""), ModelUri.parseSource("runs:/abc", Optional.empty()));
        assertEquals(ModelUri.ofRun("abc", "model"), ModelUri.parseSource("runs:///abc/model/", Optional.of("xyz")));
        assertEquals(ModelUri.ofRun("abc", "model/inner"),
                ModelUri.parseSource("mlflow-artifacts:/1/abc/artifacts/model/inner", Optional.of("abc")));
        assertEquals(ModelUri.ofRun("abc", ""),
                ModelUri.parseSource("mlflow-artifacts://host:5000/1/abc/artifacts", Optional.of("abc")));
    }

    @Test
    void aSourceIsRefusedWithWhatWasFound() {
        String expected = "model version source must be runs:/<run_id>/<path> or"
                + " mlflow-artifacts:/<experiment>/<run_id>/artifacts/<path> (with the version's run id), found '";
        assertEquals(expected + "models:/m-123' with run id abc",
                refusal(() -> ModelUri.parseSource("models:/m-123", Optional.of("abc"))));
        assertEquals(expected + "mlflow-artifacts:/1/abc/artifacts/model' without run id",
                refusal(() -> ModelUri.parseSource("mlflow-artifacts:/1/abc/artifacts/model", Optional.empty())));
        assertEquals(expected + "mlflow-artifacts:/1/other/artifacts/model' with run id abc",
                refusal(() -> ModelUri.parseSource("mlflow-artifacts:/1/other/artifacts/model", Optional.of("abc"))));
        assertEquals(expected + "runs:/' without run id", refusal(() -> ModelUri.parseSource("runs:/", Optional.empty())));
        assertEquals("artifact path must not contain '.' or '..' segments, found '../x'",
                refusal(() -> ModelUri.parseSource("runs:/abc/../x", Optional.empty())));
    }

    // ------------------------------------------------------------------ the record itself

    @Test
    void aRecordNeedsThePartsOfItsForm() {
        assertEquals("run id must be a non-blank string, found ' '", refusal(() -> ModelUri.ofRun(" ", "model")));
        assertEquals("alias must be a non-blank string, found ''", refusal(() -> ModelUri.ofAlias("m", "")));
        assertEquals("model URI form must be given, found null",
                refusal(() -> new ModelUri(null, "m", "", 1, "", "")));
        assertEquals("runs:/abc", ModelUri.ofRun("abc", "/").toString());
    }
}
