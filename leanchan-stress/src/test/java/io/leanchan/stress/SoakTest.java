package io.leanchan.stress;

import io.leanchan.stress.soak.Soak;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The randomized soak ({@link Soak}) for {@code soak.seconds} (12 in {@code mvn verify}; 60 by default when run
 * directly, 600 in bin/stress), with a random seed unless {@code soak.seed} is set. Fails on any ledger violation.
 */
class SoakTest {

    @Test
    void soakLedgerBalances() throws InterruptedException {
        long seconds = Long.getLong("soak.seconds", 12);
        String seedProp = System.getProperty("soak.seed", "");
        long seed = seedProp.isBlank() ? System.nanoTime() : Long.parseLong(seedProp.trim());
        Soak.Report rep = Soak.run(seconds, seed, System.out);
        System.out.print(rep);
        assertThat(rep.rounds).as("rounds").isPositive();
        assertThat(rep.received).as("messages received").isPositive();
        assertThat(rep.handedBack).as("messages handed back (timeouts, interrupts, closes, cancels happened)").isPositive();
        assertThat(rep.ok()).as("soak verdict (seed %d):%n%s", seed, rep).isTrue();
    }
}
