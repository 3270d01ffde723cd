import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The checks of bin/release-check, run as a single-file program (java bin/ReleaseCheck.java ...) so that the check
 * needs nothing but the JDK that builds leanchan.
 *
 * <pre>
 *   verify DIR [--signed]   DIR is a Maven repository that a deploy wrote (altDeploymentRepository). Every published
 *                           module must be there with its jar, sources jar, javadoc jar (a BOM: its POM only), a POM
 *                           with what Maven Central requires, an md5 and a sha1 for each file that match it (and an
 *                           .asc signature with --signed), and a JPMS module name; nothing else may be there.
 *   compare DIR_A DIR_B     the jars of two deploys of one commit must be byte-identical (reproducible builds).
 * </pre>
 *
 * Prints one line per finding and exits 1 if any check failed.
 */
public class ReleaseCheck {

    /** The modules that are published, and their packaging. */
    static final Map<String, String> PUBLISHED = new TreeMap<>(Map.of(
            "leanchan-core", "jar",
            "leanchan-pekko", "jar",
            "leanchan-reactor", "jar",
            "leanchan-netty", "jar",
            "leanchan-bom", "pom"));

    static final String GROUP_PATH = "io/leanchan";
    static final List<String> failures = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("verify")) {
            boolean signed = List.of(args).contains("--signed");
            verify(Path.of(args[1]), signed);
        } else if (args.length == 3 && args[0].equals("compare")) {
            compare(Path.of(args[1]), Path.of(args[2]));
        } else {
            System.err.println("usage: java bin/ReleaseCheck.java verify DIR [--signed] | compare DIR_A DIR_B");
            System.exit(2);
        }
        if (!failures.isEmpty()) {
            System.out.println("release-check: FAILED (" + failures.size() + "):");
            failures.forEach(f -> System.out.println("  - " + f));
            System.exit(1);
        }
    }

    static void fail(String what) {
        failures.add(what);
        System.out.println("FAIL " + what);
    }

    static void ok(String what) {
        System.out.println("ok   " + what);
    }

    // ---------------------------------------------------------------------------------------------------- verify

    static void verify(Path repo, boolean signed) throws Exception {
        if (!Files.isDirectory(repo)) {
            fail(repo + " is not a directory");
            return;
        }
        // Nothing but the published modules, under io.leanchan only.
        List<Path> artifactDirs = new ArrayList<>();
        try (Stream<Path> all = Files.walk(repo)) {
            all.filter(p -> p.getFileName().toString().equals("maven-metadata.xml"))
                    .map(Path::getParent)
                    .filter(p -> !isVersionDir(p))
                    .forEach(artifactDirs::add);
        }
        try (Stream<Path> all = Files.walk(repo)) {
            // A release deploy writes no artifact-level metadata in some layouts: count POMs too.
            all.filter(p -> p.toString().endsWith(".pom"))
                    .map(p -> p.getParent().getParent())
                    .filter(p -> !artifactDirs.contains(p))
                    .forEach(artifactDirs::add);
        }
        TreeSet<String> found = new TreeSet<>();
        for (Path dir : artifactDirs) {
            String rel = repo.relativize(dir).toString().replace('\\', '/');
            int slash = rel.lastIndexOf('/');
            String group = slash < 0 ? "" : rel.substring(0, slash);
            String artifact = rel.substring(slash + 1);
            if (!group.equals(GROUP_PATH) || !PUBLISHED.containsKey(artifact)) {
                fail("not a published module, must not be deployed: " + rel.replace('/', ':'));
            } else {
                found.add(artifact);
            }
        }
        for (String artifact : PUBLISHED.keySet()) {
            if (!found.contains(artifact)) {
                fail(artifact + ": not deployed");
            } else {
                verifyModule(repo.resolve(GROUP_PATH).resolve(artifact), artifact, PUBLISHED.get(artifact), signed);
            }
        }
        if (failures.isEmpty()) {
            ok("only the published modules are there: " + String.join(", ", PUBLISHED.keySet()));
        }
    }

    static boolean isVersionDir(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> p.toString().endsWith(".pom"));
        } catch (IOException e) {
            return false;
        }
    }

    static void verifyModule(Path artifactDir, String artifact, String packaging, boolean signed) throws Exception {
        List<Path> versions;
        try (Stream<Path> s = Files.list(artifactDir)) {
            versions = s.filter(Files::isDirectory).toList();
        }
        if (versions.size() != 1) {
            fail(artifact + ": expected one version, found " + versions.size());
            return;
        }
        Path vdir = versions.get(0);
        Map<String, Path> files = filesByKind(vdir, artifact);
        List<String> kinds = packaging.equals("pom") ? List.of("pom") : List.of("jar", "sources", "javadoc", "pom");
        List<String> good = new ArrayList<>();
        for (String kind : kinds) {
            Path f = files.get(kind);
            if (f == null) {
                fail(artifact + ": no " + (kind.equals("jar") || kind.equals("pom") ? kind : kind + " jar"));
                continue;
            }
            if (checksums(artifact, f) && (!signed || signature(artifact, f))) {
                good.add(kind);
            }
        }
        Path pom = files.get("pom");
        String pomSummary = pom == null ? null : verifyPom(artifact, pom, packaging);
        String jpms = null;
        if (files.get("jar") != null) {
            jpms = verifyJar(artifact, files.get("jar"));
        }
        if (files.get("sources") != null) {
            requireEntry(artifact, files.get("sources"), ".java", "sources jar");
        }
        if (files.get("javadoc") != null) {
            requireEntry(artifact, files.get("javadoc"), "index.html", "javadoc jar");
        }
        if (failures.stream().noneMatch(f -> f.startsWith(artifact + ":"))) {
            ok(artifact + ": " + String.join(", ", kinds) + " with md5+sha1" + (signed ? "+asc" : "")
                    + (pomSummary == null ? "" : "; POM " + pomSummary) + (jpms == null ? "" : "; JPMS " + jpms));
        }
    }

    /** The deployed files of one version, by kind (jar, sources, javadoc, pom); a SNAPSHOT's names carry a timestamp. */
    static Map<String, Path> filesByKind(Path vdir, String artifact) throws IOException {
        Map<String, Path> byKind = new TreeMap<>();
        try (Stream<Path> s = Files.list(vdir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (!n.startsWith(artifact + "-")) {
                    continue;
                }
                String kind;
                if (n.endsWith("-sources.jar")) kind = "sources";
                else if (n.endsWith("-javadoc.jar")) kind = "javadoc";
                else if (n.endsWith(".jar")) kind = "jar";
                else if (n.endsWith(".pom")) kind = "pom";
                else continue;
                Path before = byKind.put(kind, p);
                if (before != null) {
                    fail(artifact + ": two " + kind + " files (" + before.getFileName() + ", " + n
                            + "): deploy into an empty directory");
                }
            }
        }
        return byKind;
    }

    static boolean checksums(String artifact, Path f) throws Exception {
        boolean good = true;
        for (String[] alg : new String[][] {{"MD5", ".md5"}, {"SHA-1", ".sha1"}}) {
            Path sum = f.resolveSibling(f.getFileName() + alg[1]);
            if (!Files.exists(sum)) {
                fail(artifact + ": no " + alg[1] + " for " + f.getFileName());
                good = false;
                continue;
            }
            String want = Files.readString(sum).trim().split("\\s+")[0];
            String got = digest(alg[0], f);
            if (!want.equalsIgnoreCase(got)) {
                fail(artifact + ": " + sum.getFileName() + " does not match the file");
                good = false;
            }
        }
        return good;
    }

    static boolean signature(String artifact, Path f) {
        Path asc = f.resolveSibling(f.getFileName() + ".asc");
        if (!Files.exists(asc)) {
            fail(artifact + ": no signature " + asc.getFileName());
            return false;
        }
        return true;
    }

    static String digest(String alg, Path f) throws Exception {
        MessageDigest md = MessageDigest.getInstance(alg);
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Maven Central's required POM fields; returns a summary, or null after a failure. */
    static String verifyPom(String artifact, Path pom, String packaging) throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(false);
        Document doc = dbf.newDocumentBuilder().parse(pom.toFile());
        Element project = doc.getDocumentElement();
        int before = failures.size();
        for (String field : List.of("groupId", "artifactId", "version", "name", "description", "url")) {
            if (text(child(project, field)).isEmpty()) {
                fail(artifact + ": POM has no <" + field + ">");
            }
        }
        if (!text(child(project, "artifactId")).equals(artifact)) {
            fail(artifact + ": POM's artifactId is " + text(child(project, "artifactId")));
        }
        if (!packaging.equals(text(child(project, "packaging")).isEmpty() ? "jar" : text(child(project, "packaging")))) {
            fail(artifact + ": POM's packaging is not " + packaging);
        }
        if (child(project, "parent") != null) {
            fail(artifact + ": POM names a parent (" + text(child(child(project, "parent"), "artifactId"))
                    + "), which is not published: the POM must be flattened");
        }
        Element licenses = child(project, "licenses");
        Element license = licenses == null ? null : child(licenses, "license");
        if (license == null || text(child(license, "name")).isEmpty() || text(child(license, "url")).isEmpty()) {
            fail(artifact + ": POM has no <licenses><license> with a name and a url");
        }
        Element developers = child(project, "developers");
        Element developer = developers == null ? null : child(developers, "developer");
        if (developer == null || text(child(developer, "name")).isEmpty()) {
            fail(artifact + ": POM has no <developers><developer> with a name");
        }
        if (developers != null) {
            for (Node n = developers.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element d && text(child(d, "email")).matches("(?i).*\\.(example|invalid|test)$")) {
                    fail(artifact + ": POM has a placeholder developer email: " + text(child(d, "email")));
                }
            }
        }
        Element scm = child(project, "scm");
        if (scm == null || text(child(scm, "url")).isEmpty() || text(child(scm, "connection")).isEmpty()) {
            fail(artifact + ": POM has no <scm> with a url and a connection");
        }
        if (failures.size() > before) {
            return null;
        }
        return "name, description, url, licenses, developers, scm, no parent";
    }

    static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    static String text(Element e) {
        return e == null ? "" : e.getTextContent().trim();
    }

    /** The main jar has classes and a JPMS module name (module-info or Automatic-Module-Name); returns the name. */
    static String verifyJar(String artifact, Path jar) {
        try (JarFile jf = new JarFile(jar.toFile())) {
            if (jf.stream().noneMatch(e -> e.getName().endsWith(".class"))) {
                fail(artifact + ": the jar has no classes");
            }
            if (jf.getEntry("module-info.class") != null) {
                try (InputStream in = jf.getInputStream(jf.getEntry("module-info.class"))) {
                    return java.lang.module.ModuleDescriptor.read(in).name() + " (module-info)";
                }
            }
            String name = jf.getManifest() == null ? null
                    : jf.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
            if (name == null || name.isBlank()) {
                fail(artifact + ": the jar has neither a module-info nor an Automatic-Module-Name");
                return null;
            }
            return name + " (Automatic-Module-Name)";
        } catch (IOException e) {
            fail(artifact + ": cannot read " + jar.getFileName() + ": " + e);
            return null;
        }
    }

    static void requireEntry(String artifact, Path jar, String suffix, String what) {
        try (JarFile jf = new JarFile(jar.toFile())) {
            if (jf.stream().noneMatch(e -> e.getName().endsWith(suffix))) {
                fail(artifact + ": the " + what + " has no " + suffix);
            }
        } catch (IOException e) {
            fail(artifact + ": cannot read " + jar.getFileName() + ": " + e);
        }
    }

    // --------------------------------------------------------------------------------------------------- compare

    static void compare(Path a, Path b) throws Exception {
        int compared = 0;
        for (Map.Entry<String, String> m : PUBLISHED.entrySet()) {
            if (m.getValue().equals("pom")) {
                continue;
            }
            Map<String, Path> fa = kinds(a, m.getKey());
            Map<String, Path> fb = kinds(b, m.getKey());
            for (String kind : List.of("jar", "sources", "javadoc")) {
                Path x = fa.get(kind);
                Path y = fb.get(kind);
                if (x == null || y == null) {
                    fail(m.getKey() + ": " + kind + " jar missing from " + (x == null ? a : b));
                    continue;
                }
                String hx = digest("SHA-256", x);
                String hy = digest("SHA-256", y);
                if (!hx.equals(hy)) {
                    String what = kind.equals("jar") ? "main" : kind;
                    fail(m.getKey() + ": the " + what + " jars of the two builds differ (" + hx.substring(0, 12)
                            + " vs " + hy.substring(0, 12) + "): the build is not reproducible");
                } else {
                    compared++;
                }
            }
        }
        if (failures.isEmpty()) {
            ok("two builds of one commit: all " + compared + " jars (jar, sources, javadoc of "
                    + (PUBLISHED.size() - 1) + " modules) are byte-identical");
        }
    }

    static Map<String, Path> kinds(Path repo, String artifact) throws IOException {
        Path dir = repo.resolve(GROUP_PATH).resolve(artifact);
        if (!Files.isDirectory(dir)) {
            return Map.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> versions = s.filter(Files::isDirectory).toList();
            return versions.size() == 1 ? filesByKind(versions.get(0), artifact) : Map.of();
        }
    }
}
