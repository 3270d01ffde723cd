package io.leanchan.lab;

import org.openjdk.jol.vm.VM;
import org.openjdk.jol.vm.VirtualMachine;

/** JOL's view of the VM, set up once: no Serviceability Agent attach (it adds seconds and changes no size). */
public final class Jol {
    static {
        if (System.getProperty("jol.skipHotspotSAAttach") == null) {
            System.setProperty("jol.skipHotspotSAAttach", "true");
        }
    }

    private Jol() {
    }

    private static final VirtualMachine VM_INSTANCE = init();

    /** JOL prints its notes on System.out; keep stdout clean, pass them to stderr, drop the expected SA line. */
    private static VirtualMachine init() {
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
        VirtualMachine vm;
        try {
            vm = VM.current();
        } finally {
            System.setOut(old);
        }
        for (String line : buf.toString(java.nio.charset.StandardCharsets.UTF_8).split("\\R")) {
            if (!line.isBlank() && !line.contains("Serviceability Agent")) {
                System.err.println(line);
            }
        }
        return vm;
    }

    public static VirtualMachine vm() {
        return VM_INSTANCE;
    }
}
