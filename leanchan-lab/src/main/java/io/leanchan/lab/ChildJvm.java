package io.leanchan.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the lab again in a child JVM (same java, same class path, same flags) with extra JVM flags. */
public final class ChildJvm {

    public static final String COMPACT_HEADERS = "-XX:+UseCompactObjectHeaders";

    private ChildJvm() {
    }

    /** The child's command line. */
    static List<String> command(List<String> extraFlags, List<String> labArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> inherited = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String a : inherited) {
            if (a.startsWith("-agentlib:jdwp") || a.startsWith("-javaagent:") && a.contains("jacoco")) {
                continue;
            }
            cmd.add(a);
        }
        String joined = String.join(" ", inherited);
        if (!joined.contains("jdk.internal.misc")) {
            cmd.add("--add-exports");
            cmd.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        }
        if (!joined.contains("allowAttachSelf")) {
            cmd.add("-Djdk.attach.allowAttachSelf");
        }
        if (!joined.contains("EnableDynamicAgentLoading")) {
            cmd.add("-XX:+EnableDynamicAgentLoading");
        }
        if (!joined.contains("java.awt.headless")) {
            cmd.add("-Djava.awt.headless=true");
        }
        for (String f : extraFlags) {
            if (f.equals(COMPACT_HEADERS) && Runtime.version().feature() == 24) {
                cmd.add("-XX:+UnlockExperimentalVMOptions");
            }
            cmd.add(f);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(LabMain.class.getName());
        cmd.addAll(labArgs);
        return cmd;
    }

    /** Checks that this JDK can run with compact object headers (JDK 24 experimental, 25+ product). */
    static void checkCompactHeadersSupported() {
        if (Runtime.version().feature() < 24) {
            throw new LabMain.UsageError("--compact-headers needs JDK 24 or newer (JDK 25 has -XX:+UseCompactObjectHeaders as a"
                    + " product flag); this is JDK " + Runtime.version().feature() + " (set LEANCHAN_JAVA_HOME)");
        }
    }

    /** Runs the child with inherited stdin/stdout/stderr; returns its exit code. */
    static int passthrough(List<String> extraFlags, List<String> labArgs) {
        ProcessBuilder pb = new ProcessBuilder(command(extraFlags, labArgs)).inheritIO();
        try {
            return pb.start().waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a child JVM: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the child JVM", e);
        }
    }

    /** Runs the child and returns its stdout; its stderr (progress) goes to ours. */
    static String capture(List<String> extraFlags, List<String> labArgs) {
        ProcessBuilder pb = new ProcessBuilder(command(extraFlags, labArgs))
                .redirectError(ProcessBuilder.Redirect.INHERIT).redirectInput(ProcessBuilder.Redirect.INHERIT);
        try {
            Process p = pb.start();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (InputStream in = p.getInputStream()) {
                in.transferTo(buf);
            }
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException("the child JVM with " + String.join(" ", extraFlags) + " failed (exit " + rc + ")");
            }
            return buf.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a child JVM: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the child JVM", e);
        }
    }
}
