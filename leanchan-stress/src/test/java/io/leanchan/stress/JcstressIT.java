package io.leanchan.stress;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every jcstress test in {@code target/jcstress.jar} in a child JVM (after the package phase, hence a failsafe
 * integration test) and fails if any test failed or errored, or if fewer results came back than there are tests.
 *
 * <p>System properties (set by the pom; bin/stress overrides them): {@code jcstress.mode} (sanity in
 * {@code mvn verify}), {@code jcstress.args} (extra jcstress options; the pom's default keeps the quick run short:
 * one JVM configuration, one short iteration), {@code jcstress.results} (report folder).
 *
 * <p>jcstress schedules an actor per CPU and will not run a 3-actor test on fewer than 3 CPUs. On a machine with
 * fewer than 4 CPUs this runner tells jcstress that there are 4 (it then uses its fallback topology, without
 * thread pinning, and the OS time-slices the actors); see docs/stress.md.
 */
class JcstressIT {

    @Test
    void everyJcstressTestPasses() throws Exception {
        Path jar = Paths.get(System.getProperty("jcstress.jar", "target/jcstress.jar"));
        assertThat(jar).as("the shaded jcstress jar (built in the package phase)").exists();
        String mode = System.getProperty("jcstress.mode", "sanity");
        String extra = System.getProperty("jcstress.args", "").trim();
        String filter = null;
        String[] words = extra.isEmpty() ? new String[0] : extra.split("\\s+");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals("-t")) {
                filter = words[i + 1];
            }
        }
        int tests = countTests(jar, filter);
        assertThat(tests).as("jcstress tests in the jar%s", filter == null ? "" : " matching " + filter).isGreaterThan(0);
        Path results = Paths.get(System.getProperty("jcstress.results", "target/jcstress-results"));
        Files.createDirectories(results);

        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.getRuntime().availableProcessors() < 4) {
            cmd.add("-Dos.name=Unknown"); // jcstress's fallback topology: trusts the processor count below
            cmd.add("-XX:ActiveProcessorCount=4");
        }
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.add("-m");
        cmd.add(mode);
        if (!extra.isEmpty()) {
            for (String a : extra.split("\\s+")) {
                cmd.add(a);
            }
        }
        cmd.add("-r");
        cmd.add(results.toString());
        System.out.println("jcstress: " + String.join(" ", cmd));

        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.directory(new File(System.getProperty("user.dir")));
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        Path log = results.resolve("jcstress-output.txt");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             java.io.Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.contains("WARNING:") || line.isBlank()) {
                    continue; // JNA's native-access warnings, once per forked JVM
                }
                lines.add(line);
                out.write(line);
                out.write('\n');
                if (line.startsWith("(Results:")) {
                    out.flush(); // a long run killed half-way still leaves its output
                }
                if (line.startsWith("(Results:") || line.contains("[FAILED]") || line.contains("[ERROR]")
                        || line.contains("RUN RESULTS") || line.contains("Failed tests") || line.contains("Error tests")) {
                    System.out.println("jcstress: " + line);
                }
            }
        }
        boolean exited = p.waitFor(30, TimeUnit.MINUTES);
        assertThat(exited).as("jcstress finished").isTrue();

        String last = null;
        for (String l : lines) {
            if (l.startsWith("(Results:")) {
                last = l;
            }
        }
        assertThat(last).as("jcstress progress line (see %s)", log).isNotNull();
        Matcher m = Pattern.compile("(\\d+) planned; (\\d+) passed, (\\d+) failed, (\\d+) soft errs, (\\d+) hard errs").matcher(last);
        assertThat(m.find()).as("parse: %s", last).isTrue();
        int planned = Integer.parseInt(m.group(1));
        int passed = Integer.parseInt(m.group(2));
        int failed = Integer.parseInt(m.group(3));
        int soft = Integer.parseInt(m.group(4));
        int hard = Integer.parseInt(m.group(5));
        List<String> bad = new ArrayList<>();
        for (String l : lines) {
            if (l.contains("[FAILED]") || l.contains("[ERROR]")) {
                bad.add(l.trim());
            }
        }
        System.out.printf("jcstress: %d tests, %d results planned, %d passed, %d failed, %d soft errors, %d hard errors; report in %s%n",
                tests, planned, passed, failed, soft, hard, results.resolve("index.html"));
        assertThat(bad).as("failed or erroring jcstress tests (details in %s)", log).isEmpty();
        assertThat(failed + soft + hard).as("jcstress failures and errors (details in %s)", log).isZero();
        assertThat(planned).as("results planned: every test at least once").isGreaterThanOrEqualTo(tests);
        assertThat(passed).as("results passed (details in %s)", log).isEqualTo(planned);
        assertThat(lines.stream().map(String::trim).toList()).as("jcstress summary")
                .contains("Failed tests: No matches.", "Error tests: No matches.");
        assertThat(p.exitValue()).as("jcstress exit status").isZero();
    }

    /** The tests jcstress's annotation processor listed in the jar (those matching {@code filter}, if given). */
    static int countTests(Path jar, String filter) throws IOException {
        Pattern p = filter == null ? null : Pattern.compile(filter);
        try (JarFile jf = new JarFile(jar.toFile())) {
            var e = jf.getJarEntry("META-INF/TestList");
            if (e == null) {
                return 0;
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(jf.getInputStream(e), StandardCharsets.UTF_8))) {
                return (int) in.lines().filter(l -> l.startsWith("JCTEST"))
                        .map(JcstressIT::testName)
                        .filter(n -> p == null || p.matcher(n).find())
                        .count();
            }
        }
    }

    /** A TestList line starts "JCTEST", then the test's name as {@code <length>S<name>}. */
    static String testName(String line) {
        int s = line.indexOf('S', 6);
        int len = Integer.parseInt(line.substring(6, s));
        return line.substring(s + 1, s + 1 + len);
    }
}
