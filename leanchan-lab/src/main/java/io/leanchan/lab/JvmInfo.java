package io.leanchan.lab;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The facts about the running JVM that decide object sizes. */
public record JvmInfo(String javaVersion, String vmName, String vmVendor, String compressedOops, String compactHeaders,
                      int objectHeader, int arrayHeader, int referenceSize, int alignment, List<String> flags) {

    /** A class with one byte field: the field's offset is the object header's size. */
    static final class OneByte {
        byte b;
    }

    public static JvmInfo current() {
        int header;
        try {
            header = (int) Jol.vm().fieldOffset(OneByte.class.getDeclaredField("b"));
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
        int arrayHeader = (int) Jol.vm().sizeOf(new byte[0]);
        int ref = (int) ((Jol.vm().sizeOf(new Object[64]) - Jol.vm().sizeOf(new Object[0])) / 64);
        List<String> flags = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-XX:") || a.startsWith("-Xmx") || a.startsWith("-Xms")) {
                flags.add(a);
            }
        }
        return new JvmInfo(System.getProperty("java.runtime.version", System.getProperty("java.version")),
                System.getProperty("java.vm.name"), System.getProperty("java.vm.vendor"),
                option("UseCompressedOops"), option("UseCompactObjectHeaders"),
                header, arrayHeader, ref, Jol.vm().objectAlignment(), flags);
    }

    private static String option(String name) {
        try {
            HotSpotDiagnosticMXBean mx = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            String v = mx.getVMOption(name).getValue();
            return "true".equals(v) ? "on" : "false".equals(v) ? "off" : v;
        } catch (RuntimeException e) {
            return "n/a";
        }
    }

    /** The feature version (21, 25, ...). */
    public int feature() {
        String v = javaVersion;
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
    }

    /** One line for a report header. */
    public String describe() {
        return "JDK " + javaVersion + " (" + vmName + ", " + vmVendor + "); compressed oops " + compressedOops
                + ", compact object headers " + compactHeaders + "; object header " + objectHeader
                + " B, empty array " + arrayHeader + " B, reference " + referenceSize + " B, alignment " + alignment + " B"
                + (flags.isEmpty() ? "" : "; flags " + String.join(" ", flags));
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("java_version", javaVersion);
        m.put("vm_name", vmName);
        m.put("vm_vendor", vmVendor);
        m.put("compressed_oops", compressedOops);
        m.put("compact_object_headers", compactHeaders);
        m.put("object_header_bytes", objectHeader);
        m.put("empty_array_bytes", arrayHeader);
        m.put("reference_bytes", referenceSize);
        m.put("alignment_bytes", alignment);
        m.put("flags", flags);
        return m;
    }

    @SuppressWarnings("unchecked")
    public static JvmInfo fromMap(Map<String, Object> m) {
        return new JvmInfo((String) m.get("java_version"), (String) m.get("vm_name"), (String) m.get("vm_vendor"),
                (String) m.get("compressed_oops"), (String) m.get("compact_object_headers"),
                ((Number) m.get("object_header_bytes")).intValue(), ((Number) m.get("empty_array_bytes")).intValue(),
                ((Number) m.get("reference_bytes")).intValue(), ((Number) m.get("alignment_bytes")).intValue(),
                (List<String>) m.get("flags"));
    }
}
