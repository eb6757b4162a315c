package io.closecast.model;

import io.closecast.model.ModelException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one JSON mapper of the data classes. */
public final class ModelJson {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(SerializationFeature.INDENT_OUTPUT, true)
            .findAndRegisterModules();

    private ModelJson() {
    }

    /**
     * Writes {@code value} as indented JSON, as bundle files hold it.
     *
     * @param value a record or map that Jackson can write
     * @return its JSON text
     * @throws ModelException when Jackson cannot write it
     */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new ModelException("cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads JSON written by {@link #write}; an unknown property fails.
     *
     * @param json the JSON text, e.g. a bundle file's content
     * @param type the type to read into
     * @param <T> that type
     * @return the value read
     * @throws ModelException when the text is not valid JSON of {@code type}
     */
    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new ModelException("expected " + type.getSimpleName() + " JSON, found invalid input: "
                    + e.getOriginalMessage(), e);
        }
    }
}
