package io.closecast.model.bundle;

import io.closecast.model.ModelException;
import io.closecast.model.dataset.Feature;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * A model bundle is an MLflow model directory: an {@code MLmodel} file (flavor {@value #FLAVOR}, signature,
 * input example, run id, created time), the files of the model, and a checksum manifest
 * ({@value #MANIFEST}: {@code sha256  relative/path} per line, like {@code sha256sum}) covering every other
 * file. {@link #seal} writes the MLmodel file and the manifest; {@link #verify} checks a directory
 * against its manifest and reads the MLmodel file back, refusing a bundle that does not match.
 */
public final class ModelBundle {
    public static final String FLAVOR = "closecast-dl4j";
    public static final String MLMODEL = "MLmodel";
    public static final String MANIFEST = "MANIFEST.sha256";
    /** MLflow's generic flavor: {@code mlflow.pyfunc.load_model} and {@code mlflow models serve} read it. */
    public static final String PYFUNC_FLAVOR = "python_function";
    /** The NumPy loader's module, shipped in the bundle's {@value #PYFUNC_CODE} directory. */
    public static final String PYFUNC_MODULE = "closecast_pyfunc";
    public static final String PYFUNC_CODE = "code";
    /** The pyfunc model's inference parameters, as MLflow's params schema: how many days to forecast, and whether with intervals. */
    static final String PYFUNC_PARAMS = "[{\"name\": \"horizon\", \"default\": 1, \"shape\": null, \"type\": \"long\"}, "
            + "{\"name\": \"intervals\", \"default\": false, \"shape\": null, \"type\": \"boolean\"}]";
    private static final String PYTHON_REQUIREMENTS = "numpy\npandas\n";
    private static final String PYTHON_ENV = "python: \"3.10\"\nbuild_dependencies:\n- pip\ndependencies:\n- -r requirements.txt\n";
    private static final String CONDA_ENV = "name: closecast\nchannels:\n- conda-forge\ndependencies:\n- python=3.10\n- pip\n"
            + "- pip:\n  - numpy\n  - pandas\n";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private ModelBundle() {
    }

    /**
     * Writes the {@value #PYFUNC_FLAVOR} flavor's files into {@code dir}: the NumPy loader as
     * {@code code/closecast_pyfunc.py} (it reads the bundle's weights and codec) and the Python environment
     * ({@code requirements.txt}, {@code python_env.yaml}, {@code conda.yaml}). {@link #seal} then declares the flavor.
     *
     * @param dir the bundle's directory, created already
     * @throws ModelException when a file cannot be written
     */
    public static void writePythonLoader(Path dir) {
        try (InputStream loader = ModelBundle.class.getResourceAsStream(PYFUNC_MODULE + ".py")) {
            if (loader == null) {
                throw new ModelException("the NumPy loader " + PYFUNC_MODULE + ".py is missing from closecast-model's resources");
            }
            Path code = Files.createDirectories(dir.resolve(PYFUNC_CODE));
            Files.copy(loader, code.resolve(PYFUNC_MODULE + ".py"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve("requirements.txt"), PYTHON_REQUIREMENTS, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("python_env.yaml"), PYTHON_ENV, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("conda.yaml"), CONDA_ENV, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelException("cannot write the Python loader in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code MLmodel} from {@code mlmodel} and a manifest over every file in {@code dir}. When the bundle
     * holds the NumPy loader ({@link #writePythonLoader}), the MLmodel file declares the {@value #PYFUNC_FLAVOR}
     * flavor and the {@code horizon} and {@code intervals} parameters too.
     *
     * @param dir the bundle's directory, holding every file of the bundle already
     * @param mlmodel what the MLmodel file says
     * @throws ModelException when a file cannot be read or written
     */
    public static void seal(Path dir, MlModel mlmodel) {
        try {
            boolean pyfunc = Files.isRegularFile(dir.resolve(PYFUNC_CODE).resolve(PYFUNC_MODULE + ".py"));
            YAML.writeValue(dir.resolve(MLMODEL).toFile(), mlmodel.toYamlTree(YAML, pyfunc));
            Map<String, String> sums = checksums(dir);
            StringBuilder manifest = new StringBuilder();
            sums.forEach((file, sum) -> manifest.append(sum).append("  ").append(file).append('\n'));
            Files.writeString(dir.resolve(MANIFEST), manifest, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelException("cannot write the model bundle in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks every file listed in the manifest (present, same SHA-256) and that no unlisted file was added,
     * then reads the MLmodel file. Throws {@link ModelException} naming the first file that does not match.
     *
     * @param dir the bundle's directory
     * @return the MLmodel file's content
     * @throws ModelException naming the first file that is missing, added or changed
     */
    public static MlModel verify(Path dir) {
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new ModelException("not a closecast model bundle: " + manifestFile + " is missing");
        }
        try {
            Map<String, String> expected = new TreeMap<>();
            for (String line : Files.readAllLines(manifestFile, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                int split = line.indexOf("  ");
                if (split != 64) {
                    throw new ModelException("bundle manifest " + manifestFile + " has a malformed line: '" + line + "'");
                }
                expected.put(line.substring(split + 2), line.substring(0, split));
            }
            Map<String, String> actual = checksums(dir);
            for (Map.Entry<String, String> entry : expected.entrySet()) {
                String found = actual.get(entry.getKey());
                if (found == null) {
                    throw new ModelException("model bundle " + dir + " is missing " + entry.getKey() + " listed in its manifest");
                }
                if (!found.equals(entry.getValue())) {
                    throw new ModelException("model bundle checksum mismatch for " + entry.getKey() + ": manifest says "
                            + entry.getValue() + ", file has " + found);
                }
            }
            for (String file : actual.keySet()) {
                if (!expected.containsKey(file)) {
                    throw new ModelException("model bundle " + dir + " holds " + file + ", which its manifest does not list");
                }
            }
            return MlModel.fromYamlTree(YAML.readTree(dir.resolve(MLMODEL).toFile()), dir);
        } catch (IOException e) {
            throw new ModelException("cannot read the model bundle in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 of every regular file under {@code dir} but the manifest, by relative path with '/'. */
    static Map<String, String> checksums(Path dir) throws IOException {
        Map<String, String> sums = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path file : files) {
            String relative = dir.relativize(file).toString().replace('\\', '/');
            if (!relative.equals(MANIFEST)) {
                sums.put(relative, sha256(file));
            }
        }
        return sums;
    }

    /**
     * Hex SHA-256 of a file.
     *
     * @param file a readable file
     * @return its SHA-256 as 64 lower-case hex digits
     * @throws IOException when the file cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStreamSink.INSTANCE);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }

    /**
     * The MLmodel file's content as closecast writes it. {@code flavor} holds the closecast-dl4j flavor's
     * settings (file names, window, horizon, ...); signature columns are MLflow's JSON column specs.
     *
     * @param runId the MLflow run that logged the bundle
     * @param artifactPath the bundle's path among the run's artifacts
     * @param created when it was written, as MLflow's {@code utc_time_created}
     * @param modelUuid the bundle's own id
     * @param flavor the closecast-dl4j flavor's settings (file names, window, horizon, ranges, ...)
     * @param signatureInputs MLflow's JSON column spec of the inputs
     * @param signatureOutputs MLflow's JSON column spec of the outputs
     * @param inputExampleFile the input example's file name in the bundle
     */
    public record MlModel(String runId, String artifactPath, String created, String modelUuid,
                          Map<String, Object> flavor, String signatureInputs, String signatureOutputs,
                          String inputExampleFile) {
        public MlModel {
            flavor = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(flavor));
        }

        JsonNode toYamlTree(ObjectMapper mapper, boolean pyfunc) {
            ObjectNode root = mapper.createObjectNode();
            root.put("artifact_path", artifactPath);
            ObjectNode flavors = root.putObject("flavors");
            flavors.set(FLAVOR, mapper.valueToTree(flavor));
            if (pyfunc) {
                ObjectNode python = flavors.putObject(PYFUNC_FLAVOR);
                python.put("loader_module", PYFUNC_MODULE);
                python.put("code", PYFUNC_CODE);
                ObjectNode env = python.putObject("env");
                env.put("conda", "conda.yaml");
                env.put("virtualenv", "python_env.yaml");
            }
            root.put("model_uuid", modelUuid);
            root.put("run_id", runId);
            ObjectNode input = root.putObject("saved_input_example_info");
            input.put("artifact_path", inputExampleFile);
            input.put("type", "dataframe");
            input.put("pandas_orient", "split");
            ObjectNode signature = root.putObject("signature");
            signature.put("inputs", signatureInputs);
            signature.put("outputs", signatureOutputs);
            if (pyfunc) {
                signature.put("params", PYFUNC_PARAMS);
            }
            root.put("utc_time_created", created);
            return root;
        }

        @SuppressWarnings("unchecked")
        static MlModel fromYamlTree(JsonNode root, Path dir) {
            JsonNode flavor = root.path("flavors").path(FLAVOR);
            if (flavor.isMissingNode() || !flavor.isObject()) {
                throw new ModelException("the MLmodel file in " + dir + " has no " + FLAVOR + " flavor: this is not a closecast model");
            }
            Map<String, Object> settings = new ObjectMapper().convertValue(flavor, LinkedHashMap.class);
            return new MlModel(root.path("run_id").asText(""), root.path("artifact_path").asText(""),
                    root.path("utc_time_created").asText(""), root.path("model_uuid").asText(""), settings,
                    root.path("signature").path("inputs").asText(""), root.path("signature").path("outputs").asText(""),
                    root.path("saved_input_example_info").path("artifact_path").asText(""));
        }

        /**
         * A flavor setting as text; fails naming the key when absent.
         *
         * @param key a flavor setting's key, e.g. {@code codec}
         * @return its value as text
         * @throws ModelException when the flavor has no such setting
         */
        public String setting(String key) {
            Object value = flavor.get(key);
            if (value == null) {
                throw new ModelException("the " + FLAVOR + " flavor of this MLmodel has no '" + key + "' setting");
            }
            return String.valueOf(value);
        }
    }
}
