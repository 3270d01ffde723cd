/**
 * leanchan: bounded and unbounded multi-producer single-consumer channels whose memory follows their load.
 *
 * <p>Only {@code io.leanchan} is exported; the implementation in {@code io.leanchan.internal} is not API.
 */
module io.leanchan {
    exports io.leanchan;
}
