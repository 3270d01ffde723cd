package io.leanchan.stress.lincheck;

import io.leanchan.Channel;
import kotlin.Unit;
import kotlin.reflect.KFunction;
import kotlin.reflect.jvm.ReflectJvmMapping;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.CustomScenarioDSLKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck: every concurrent history of the channel's non-waiting operations (see {@link ChannelOps}) must be
 * explained by a sequential FIFO queue with a capacity and a closed flag ({@link ChannelSpec}), in model-checking
 * mode (lincheck explores thread switches at every shared access) and stress mode (real threads).
 * Capacities 1, 2, 3 and unbounded. Iterations come from system properties {@code lincheck.iterations} and
 * {@code lincheck.invocations} (small in {@code mvn verify}; {@code bin/stress} raises them).
 */
class ChannelLincheckTest {

    // ---- the four channels under test (lincheck needs a no-argument constructor per configuration)

    public static final class Cap1 extends ChannelOps {
        public Cap1() {
            super(Channel.bounded(1));
        }
    }

    public static final class Cap2 extends ChannelOps {
        public Cap2() {
            super(Channel.bounded(2));
        }
    }

    public static final class Cap3 extends ChannelOps {
        public Cap3() {
            super(Channel.bounded(3));
        }
    }

    public static final class Unbounded extends ChannelOps {
        public Unbounded() {
            super(Channel.unbounded());
        }
    }

    static int iterations() {
        return Integer.getInteger("lincheck.iterations", 5);
    }

    /** Interleavings per scenario in model checking; stress mode runs five times as many (they are cheaper). */
    static int invocations(Options<?, ?> o) {
        int n = Integer.getInteger("lincheck.invocations", 300);
        return o instanceof StressOptions ? n * 5 : n;
    }

    /**
     * Lincheck's model checker calls a loop that repeats more than {@code loopBound} times (50 by default) with no
     * other thread able to run a livelock ("The execution has hung"). A send that finds the channel full polls up
     * to {@code ChannelState.SPINS} = 32 times (64 when this was written) before it parks or gives up: bounded, but over 50. The medium
     * bin/stress run hit exactly that ({@code [sendNoWait(6)] [sendNoWait(4): <hung>]} on bounded(1)), so model
     * checking runs with a bound above the channel's spin count; {@link #boundedSpinIsNotALivelock} pins it down.
     */
    static final int LOOP_BOUND = 256;

    static <O extends Options<O, ?>> O configure(O o, Class<?> spec) {
        if (o instanceof ModelCheckingOptions) {
            ((ModelCheckingOptions) o).loopBound(LOOP_BOUND);
        }
        return o.iterations(iterations())
                .invocationsPerIteration(invocations(o))
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(2)
                .sequentialSpecification(spec);
    }

    @Test
    void modelCheckingCapacity1() {
        configure(new ModelCheckingOptions(), ChannelSpec.Cap1.class).check(Cap1.class);
    }

    @Test
    void modelCheckingCapacity2() {
        configure(new ModelCheckingOptions(), ChannelSpec.Cap2.class).check(Cap2.class);
    }

    @Test
    void modelCheckingCapacity3() {
        configure(new ModelCheckingOptions(), ChannelSpec.Cap3.class).check(Cap3.class);
    }

    @Test
    void modelCheckingUnbounded() {
        configure(new ModelCheckingOptions(), ChannelSpec.Unbounded.class).check(Unbounded.class);
    }

    /** A full bounded(1) and a zero-timeout send, alone: it polls 64 times, then gives up. Not a livelock. */
    @Test
    void boundedSpinIsNotALivelock() throws Exception {
        Actor first = actor("sendNoWait", 6);
        Actor second = actor("sendNoWait", 4);
        Actor other = actor("isClosed");
        ExecutionScenario scenario = CustomScenarioDSLKt.scenario(b -> {
            b.parallel(p -> {
                p.thread(t -> {
                    t.add(first);
                    t.add(second);
                    return Unit.INSTANCE;
                });
                p.thread(t -> {
                    t.add(other);
                    return Unit.INSTANCE;
                });
                return Unit.INSTANCE;
            });
            return Unit.INSTANCE;
        });
        new ModelCheckingOptions()
                .loopBound(LOOP_BOUND)
                .iterations(0)
                .addCustomScenario(scenario)
                .invocationsPerIteration(200)
                .sequentialSpecification(ChannelSpec.Cap1.class)
                .check(Cap1.class);
    }

    static Actor actor(String name, Object... args) throws NoSuchMethodException {
        Class<?>[] types = new Class<?>[args.length];
        java.util.Arrays.fill(types, int.class);
        KFunction<?> f = ReflectJvmMapping.getKotlinFunction(ChannelOps.class.getMethod(name, types));
        return CustomScenarioDSLKt.actor(f, args, false);
    }

    /** Negative control: the same harness must reject a specification that does not match the channel. */
    @Test
    void harnessRejectsAWrongSpecification() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ModelCheckingOptions()
                        .iterations(20)
                        .invocationsPerIteration(100)
                        .threads(2)
                        .actorsPerThread(2)
                        .actorsBefore(3)
                        .actorsAfter(2)
                        .minimizeFailedScenario(false)
                        .sequentialSpecification(ChannelSpec.WrongCapacity1.class)
                        .check(Cap1.class))
                .isInstanceOf(AssertionError.class)
                .satisfies(e -> System.out.println("lincheck negative control, first lines of its report:\n"
                        + e.getMessage().lines().limit(30).collect(java.util.stream.Collectors.joining("\n"))))
                .hasMessageContaining("Invalid execution results");
    }

    @Test
    void stressCapacity1() {
        configure(new StressOptions(), ChannelSpec.Cap1.class).check(Cap1.class);
    }

    @Test
    void stressCapacity2() {
        configure(new StressOptions(), ChannelSpec.Cap2.class).check(Cap2.class);
    }

    @Test
    void stressCapacity3() {
        configure(new StressOptions(), ChannelSpec.Cap3.class).check(Cap3.class);
    }

    @Test
    void stressUnbounded() {
        configure(new StressOptions(), ChannelSpec.Unbounded.class).check(Unbounded.class);
    }
}
