package io.closecast.spark;

import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Prints, one a line, the JVM options a Spark driver needs on JDK 17+ (Spark's own {@link JavaModuleOptions}):
 * {@code bin/closecast} starts a sweep's JVM with them when it runs on Spark (spark-submit would add them itself).
 */
public final class SparkJvmOptions {
    private SparkJvmOptions() {
    }

    public static void main(String[] args) {
        for (String option : JavaModuleOptions.defaultModuleOptionArray()) {
            System.out.println(option);
        }
    }
}
