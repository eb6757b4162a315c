package io.closecast.mlflow.http;

import io.closecast.mlflow.MlflowException;
import io.closecast.mlflow.MlflowNotFoundException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ErrorsTest {
    private static final String PATH = "/api/2.0/mlflow/registered-models/get?name=x";

    @Test
    void mlflowErrorJsonGivesCodeMessageMethodAndPath() {
        MlflowException e = Errors.fromResponse("GET", PATH, 404,
                "{\"error_code\": \"RESOURCE_DOES_NOT_EXIST\", \"message\": \"Registered Model with name=x not found\"}");
        assertInstanceOf(MlflowNotFoundException.class, e);
        assertEquals("RESOURCE_DOES_NOT_EXIST: Registered Model with name=x not found (HTTP 404 on GET " + PATH + ")",
                e.getMessage());
        assertEquals(Optional.of("RESOURCE_DOES_NOT_EXIST"), e.errorCode());
        assertEquals(404, e.status());
    }

    @Test
    void otherCodesAreThePlainException() {
        MlflowException e = Errors.fromResponse("POST", "/api/2.0/mlflow/runs/log-batch", 400,
                "{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"bad key\"}");
        assertFalse(e instanceof MlflowNotFoundException);
        assertEquals("INVALID_PARAMETER_VALUE: bad key (HTTP 400 on POST /api/2.0/mlflow/runs/log-batch)", e.getMessage());
        assertEquals(Optional.of("INVALID_PARAMETER_VALUE"), e.errorCode());
    }

    @Test
    void htmlBodyGivesStatusAndSnippet() {
        String html = "<html>\n<body><h1>502 Bad Gateway</h1>" + "x".repeat(500) + "</body></html>";
        MlflowException e = Errors.fromResponse("GET", "/api/2.0/mlflow/runs/get", 502, html);
        assertTrue(e.getMessage().startsWith("HTTP 502 on GET /api/2.0/mlflow/runs/get, expected an MLflow error JSON"
                + " body, found '<html> <body><h1>502 Bad Gateway</h1>"), e.getMessage());
        assertTrue(e.getMessage().endsWith("...'"), e.getMessage());
        assertTrue(e.getMessage().length() < 320, "snippet not cut: " + e.getMessage().length());
        assertEquals(Optional.empty(), e.errorCode());
        assertEquals(502, e.status());
    }

    @Test
    void emptyBodySaysSo() {
        MlflowException e = Errors.fromResponse("DELETE", "/x", 500, "");
        assertEquals("HTTP 500 on DELETE /x, expected an MLflow error JSON body, found an empty body", e.getMessage());
    }

    @Test
    void bare404IsNotFound() {
        assertInstanceOf(MlflowNotFoundException.class, Errors.fromResponse("GET", "/x", 404, "Not Found"));
    }
}
