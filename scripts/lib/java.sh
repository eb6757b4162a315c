#!/usr/bin/env bash
# Finds a JDK 21 or newer. Source this file, then call closecast_find_java: it prints the path of a
# `java` executable, or prints an error naming every place it looked and returns 1.
#   1. $JAVA_HOME, if it is 21+
#   2. the newest 21+ under /usr/lib/jvm/* and ~/.jdks/*

closecast_java_major() {
    # Prints the feature version (e.g. 21, 25) of the given java executable, or nothing.
    # Reads the JDK's release file when there is one (no JVM started: fast), else asks the JVM.
    local java="$1" line release
    [ -x "$java" ] || return 1
    release="$(dirname "$java")/../release"
    if [ -f "$release" ] && line=$(grep -m1 '^JAVA_VERSION=' "$release"); then
        line=${line#JAVA_VERSION=}
        line=${line//\"/}
    else
        line=$("$java" -XshowSettings:properties -version 2>&1 | grep -m1 'java.specification.version') || return 1
        line=${line##*= }
    fi
    line=${line// /}
    case "$line" in
        1.*) echo "${line#1.}" | cut -d. -f1 ;;
        *) echo "${line%%.*}" ;;
    esac
}

closecast_find_java() {
    local min=21 looked=() best="" best_major=0 dir major
    if [ -n "${JAVA_HOME:-}" ]; then
        major=$(closecast_java_major "$JAVA_HOME/bin/java")
        looked+=("JAVA_HOME=$JAVA_HOME (${major:-no java})")
        if [ -n "$major" ] && [ "$major" -ge "$min" ]; then
            echo "$JAVA_HOME/bin/java"
            return 0
        fi
    else
        looked+=("JAVA_HOME (unset)")
    fi
    for dir in /usr/lib/jvm/* "$HOME"/.jdks/*; do
        [ -d "$dir" ] || continue
        major=$(closecast_java_major "$dir/bin/java")
        looked+=("$dir (${major:-no java})")
        if [ -n "$major" ] && [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then
            best="$dir/bin/java"
            best_major=$major
        fi
    done
    if [ -n "$best" ]; then
        echo "$best"
        return 0
    fi
    {
        echo "error: closecast needs a JDK $min or newer, found none. Looked at:"
        printf '  %s\n' "${looked[@]}"
        [ -d /usr/lib/jvm ] || echo "  /usr/lib/jvm (missing)"
        [ -d "$HOME/.jdks" ] || echo "  $HOME/.jdks (missing)"
        echo "Install one (e.g. Temurin 21) or set JAVA_HOME to it."
    } >&2
    return 1
}

closecast_jvm_flags() {
    # Prints, one per line, the JVM options every closecast process gets: the heap size $2, the Vector API module
    # (closecast's LSTM kernels), native access for ND4J / JavaCPP, and on JDK 23+ ND4J's off-heap access.
    local java="$1" heap="$2"
    printf '%s\n' "-Xmx$heap" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
    if [ "$(closecast_java_major "$java")" -ge 23 ]; then
        echo --sun-misc-unsafe-memory-access=allow
    fi
}

# closecast_serve_flags: the flags a serving process gets beside closecast_jvm_flags (bin/closecast-serve and the
# serving benchmarks, which run the service as it runs in production). One socket poller instead of the JDK's one per
# core: the JDK polls sockets on virtual threads that queue with the request threads, and with two of them under load
# one fell behind and its connections waited (p99 at 16 connections 9-12 ms -> 1.9-2.2 ms on 2 cores,
# BENCHMARKS.md). pollerMode=2 is the JDK's default on Linux, named so it stays.
closecast_serve_flags() {
    printf '%s\n' -Djdk.pollerMode=2 -Djdk.readPollers=1
}

# closecast_runtime_classpath TARGET: a module's runtime jars, TARGET/lib/NAME.jar joined by ':', exactly as the
# build listed them in TARGET/lib.classpath (copy-dependencies never deletes, so TARGET/lib may also hold jars of
# earlier dependency versions); TARGET/lib/* when the module was built before that file existed.
closecast_runtime_classpath() {
    local target="$1"
    if [ -s "$target/lib.classpath" ]; then
        local list
        list="$(< "$target/lib.classpath")"
        printf '%s\n' "$target/${list//:/:"$target"/}"
    else
        printf '%s\n' "$target/lib/*"
    fi
}
