package io.leanchan.stress.lincheck;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import kotlin.Unit;
import kotlin.reflect.KFunction;
import kotlin.reflect.jvm.ReflectJvmMapping;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.CustomScenarioDSLKt;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;

/**
 * Finding 4 (see docs/stress.md): {@code Receiver.size()} promises "the number of messages in the channel at some
 * instant during the call", and is not a receive, so a monitoring thread may call it while the receiver receives.
 * It reads the producer index, then the consumer index; a send and a receive between the two reads make it
 * return a count the channel never had. Random lincheck scenarios found this after about 400 s of model checking;
 * this test replays the scenario it found: [trySend(5)] then {tryReceive() | size() | trySend(6)}, where the
 * channel holds 1, 2, 1 messages but size() could return 0. Fixed in core commit fe8ca11; this is its regression test.
 */
class SizeSnapshotTest {

    @Param(name = "v", gen = IntGen.class, conf = "1:9")
    public static class Ops {
        final Channel<Integer> ch = Channel.bounded(3);
        final Receiver<Integer> r = ch.receiver();

        @Operation
        public boolean trySend(@Param(name = "v") int v) {
            return ch.sender().trySend(v);
        }

        @Operation(nonParallelGroup = "consumer")
        public Integer tryReceive() {
            return r.tryReceive();
        }

        /** Called from a thread that is not receiving (a monitor). */
        @Operation
        public int size() {
            return r.size();
        }
    }

    public static class Spec {
        private final ArrayDeque<Integer> q = new ArrayDeque<>();

        public boolean trySend(int v) {
            if (q.size() >= 3) {
                return false;
            }
            q.add(v);
            return true;
        }

        public Integer tryReceive() {
            return q.poll();
        }

        public int size() {
            return q.size();
        }
    }

    static Actor actor(String name, Object... args) throws NoSuchMethodException {
        Class<?>[] types = new Class<?>[args.length];
        for (int i = 0; i < args.length; i++) {
            types[i] = int.class;
        }
        KFunction<?> f = ReflectJvmMapping.getKotlinFunction(Ops.class.getMethod(name, types));
        return CustomScenarioDSLKt.actor(f, args, false);
    }

    @Test
    void sizeFromAMonitorThreadIsACountTheChannelHad() throws Exception {
        Actor send5 = actor("trySend", 5);
        Actor receive = actor("tryReceive");
        Actor size = actor("size");
        Actor send6 = actor("trySend", 6);
        ExecutionScenario scenario = CustomScenarioDSLKt.scenario(b -> {
            b.initial(t -> {
                t.add(send5);
                return Unit.INSTANCE;
            });
            b.parallel(p -> {
                p.thread(t -> {
                    t.add(receive);
                    return Unit.INSTANCE;
                });
                p.thread(t -> {
                    t.add(size);
                    return Unit.INSTANCE;
                });
                p.thread(t -> {
                    t.add(send6);
                    return Unit.INSTANCE;
                });
                return Unit.INSTANCE;
            });
            return Unit.INSTANCE;
        });
        new ModelCheckingOptions()
                .iterations(0)
                .addCustomScenario(scenario)
                .invocationsPerIteration(5000)
                .sequentialSpecification(Spec.class)
                .check(Ops.class);
    }
}
