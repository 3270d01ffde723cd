package io.leanchan.lab;

import java.util.List;

/**
 * The numbers of the study "Tokio mpsc channels and memory" (the memory investigation of agentgateway, a Rust
 * reverse proxy), QUOTED (not measured by the lab): tokio::sync::mpsc::channel::&lt;[u8; msg_size]&gt;(capacity),
 * bytes allocated after create and after sending capacity messages. tokio stores messages inline in 32-slot
 * blocks, so these figures include the messages. The study's two real cases are agentgateway's thousands of
 * per-service channels and hyper's per-connection dispatch channel (hyper issue #4057); the lab's scenarios
 * rebuild both.
 */
public final class TokioStudy {

    public record Cell(int msgSize, int capacity, long heapAfterCreate, long heapAfterFill) {
    }

    /** The study's name as every report prints it. */
    public static final String NAME = "\"Tokio mpsc channels and memory\"";

    public static final String SOURCE = "the study " + NAME + " (agentgateway's memory investigation, Rust): its tokio"
            + " mpsc table, measured by its author, quoted verbatim";

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

    /** The study: agentgateway's tokio channel per Kubernetes service, 24-byte messages, costs 1,312 B (24 x 32 + 544). */
    public static final long TOKIO_PER_SERVICE_CHANNEL_24B = 1312;
    /** The study: hyper allocates about 16 KB per connection, an 8 KB read buffer plus about 8 KB of dispatch channel (250 B x 32); hyper #4057. */
    public static final long HYPER_PER_CONNECTION = 16 * 1024;
    public static final long HYPER_READ_BUFFER = 8192;

    private TokioStudy() {
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
