package io.leanchan.lab;

import java.util.List;

/**
 * The seed study's tokio numbers, QUOTED (not measured by the lab): tokio::sync::mpsc::channel::<[u8; msg_size]>
 * (capacity), bytes allocated after create and after sending capacity messages. Messages are stored inline in
 * 32-slot blocks, so these figures include the messages. Source: the seed study, reproduced in the project's
 * reference notes (anchors.md, "The seed's study (Rust, tokio)").
 */
public final class SeedQuote {

    public record Cell(int msgSize, int capacity, long heapAfterCreate, long heapAfterFill) {
    }

    public static final String SOURCE = "the seed study's tokio mpsc table (Rust, measured by its author, quoted verbatim)";

    public static final List<Cell> TOKIO = List.of(
            new Cell(8, 1, 800, 800),
            new Cell(8, 16, 800, 800),
            new Cell(8, 1024, 800, 9728),
            new Cell(128, 1, 4640, 4640),
            new Cell(128, 16, 4640, 4640),
            new Cell(128, 1024, 4640, 132608),
            new Cell(1024, 1, 33312, 33312),
            new Cell(1024, 16, 33312, 33312),
            new Cell(1024, 1024, 33312, 1050112));

    /** Seed: a tokio channel per Kubernetes service with 24-byte messages costs 1,312 B (24 x 32 + 544). */
    public static final long TOKIO_PER_SERVICE_CHANNEL_24B = 1312;
    /** Seed: hyper allocates about 16 KB per connection: an 8 KB read buffer plus about 8 KB of dispatch channel (250 B x 32). */
    public static final long HYPER_PER_CONNECTION = 16 * 1024;
    public static final long HYPER_READ_BUFFER = 8192;

    private SeedQuote() {
    }

    public static Cell find(int msgSize, int capacity) {
        for (Cell c : TOKIO) {
            if (c.msgSize() == msgSize && c.capacity() == capacity) {
                return c;
            }
        }
        return null;
    }
}
