package io.closecast.pipeline;

/** A failure of a closecast command that the command line reports to the user and exits non-zero on. */
public class PipelineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PipelineException(String message) {
        super(message);
    }

    public PipelineException(String message, Throwable cause) {
        super(message, cause);
    }
}
