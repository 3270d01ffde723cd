package io.leanchan.lab;


/**
 * Messages of a given size: one {@code byte[]} per message, its length chosen so that the whole array object
 * (header, length and data, aligned) is exactly {@link #objectSize(int)} bytes.
 */
public final class Messages {

    private Messages() {
    }

    /** The size of one message object for a requested msg_size: rounded up to 8-byte alignment, at least 16. */
    public static long objectSize(int msgSize) {
        long a = Jol.vm().objectAlignment();
        long rounded = (msgSize + a - 1) / a * a;
        return Math.max(16, rounded);
    }

    /** The byte[] length whose array object is exactly {@link #objectSize(int)} bytes (the longest such length). */
    public static int arrayLength(int msgSize) {
        long target = objectSize(msgSize);
        for (long len = target; len >= 0; len--) {
            if (Jol.vm().sizeOf(new byte[(int) len]) == target) {
                return (int) len;
            }
        }
        throw new IllegalStateException("no byte[] totals " + target + " bytes on this JVM");
    }

    /** {@code count} distinct messages of msg_size bytes each. */
    public static Object[] make(int msgSize, int count) {
        int len = arrayLength(msgSize);
        Object[] out = new Object[count];
        for (int i = 0; i < count; i++) {
            out[i] = new byte[len];
        }
        return out;
    }
}
