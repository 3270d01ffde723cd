package io.leanchan.bench;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The latency chart's whiskers end where the JMH mean plus its error is. XChart 3.8.8 draws an error bar e on a
 * logarithmic axis as log10(e) decades either side of log10(mean) (PlotContent_Category_Bar), so the chart gives
 * it (mean + error) / mean, in nanoseconds, where every mean is above 1.
 */
class LatencyChartTest {

    /** A JMH result of {@code bench} whose round trip has the given mean and error, in ns. */
    static Report.Row result(String bench, String subject, double mean, double error) {
        String json = """
                {"benchmark":"io.leanchan.bench.%s","params":{"subject":"%s"},
                 "primaryMetric":{"score":%s,"scoreError":%s,"scoreUnit":"ns/op"}}
                """.formatted(bench, subject, mean, error);
        return new Report.Row(bench, subject, Json.obj(Json.parse(json)));
    }

    /** A line of LatencyHarness's latency.jsonl. */
    static Map<String, Object> percentiles(String subject, String threads, double p50, double p99) {
        return Json.obj(Json.parse("""
                {"subject":"%s","threads":"%s","p50":%s,"p99":%s,"unit":"ns"}
                """.formatted(subject, threads, p50, p99)));
    }

    /** Where XChart's whisker ends, from its source: 10^(log10(mean) ± log10(e)). */
    static double[] drawnWhisker(double mean, double e) {
        return new double[] {Math.pow(10, Math.log10(mean) - Math.log10(e)),
                Math.pow(10, Math.log10(mean) + Math.log10(e))};
    }

    @Test
    void theValueGivenToXChartEndsTheWhiskerAtMeanPlusError() {
        // leanchan(1024), platform threads, in docs/benchmarks.md at af780a5: 48,020 ± 19,068 ns.
        double e = Report.logErrorBar(48_020, 19_068, 100);
        assertThat(e).isCloseTo(67_088.0 / 48_020.0, within(1e-12)); // 1.397...
        double[] whisker = drawnWhisker(48_020, e);
        assertThat(whisker[1]).isCloseTo(48_020 + 19_068, within(1e-6));
        assertThat(whisker[0]).isCloseTo(48_020.0 * 48_020.0 / 67_088.0, within(1e-6)) // 34,372: ÷ 1.397
                .isCloseTo(Report.logErrorBarLow(48_020, 19_068), within(1e-6));
        // Virtual threads: 396 ± 81.4 ns.
        assertThat(Report.logErrorBar(396, 81.4, 100)).isCloseTo(477.4 / 396, within(1e-12));
        // An error larger than the mean: the whisker reaches mean + error, and below it stops at mean / (1 + e/m).
        assertThat(drawnWhisker(50_608, Report.logErrorBar(50_608, 56_483, 10_000))[1])
                .isCloseTo(107_091, within(1e-6));
        // Capped so that the lower end is not below the axis minimum (100): 150 ± 300 would reach 50.
        assertThat(Report.logErrorBar(150, 300, 100)).isEqualTo(1.5);
        // No whisker (log10(1) = 0) without an error, or for a mean XChart would not centre it on.
        assertThat(Report.logErrorBar(396, Double.NaN, 100)).isEqualTo(1.0);
        assertThat(Report.logErrorBar(396, 0, 100)).isEqualTo(1.0);
        assertThat(Report.logErrorBar(0.4, 0.08, 0.1)).as("below 1, XChart centres it on the axis minimum")
                .isEqualTo(1.0);
        assertThat(Report.logErrorBar(90, 10, 100)).isEqualTo(1.0);
        assertThat(Report.logAxisMin(List.of(328.5, 415.0, 48_020.0))).isEqualTo(100.0);
        assertThat(Report.logAxisMin(List.of(1_000.0))).isEqualTo(1000.0);
        assertThat(Report.logAxisMin(List.of(0.5))).isEqualTo(1.0);
    }

    @Test
    void theChartPlotsNanosecondsWithTheseWhiskersAndItsAxisHoldsThem() {
        List<Report.Row> pp = List.of(result("PingPongBench.roundTrip", "LEANCHAN_1024", 48_020, 19_068),
                result("PingPongBench.roundTrip", "ABQ_1024", 55_843, 52_412));
        List<Report.Row> vpp = List.of(result("VirtualPingPongBench.roundTrip", "LEANCHAN_1024", 396, 81.4),
                result("VirtualPingPongBench.roundTrip", "ABQ_1024", 2_405, 188));
        List<Map<String, Object>> lat = List.of(percentiles("LEANCHAN_1024", "platform", 59_583, 86_847),
                percentiles("LEANCHAN_1024", "virtual", 487, 679),
                percentiles("ABQ_1024", "platform", 62_591, 97_599),
                percentiles("ABQ_1024", "virtual", 2_321, 3_971));
        CategoryChart c = Report.latencyChart(lat, pp, vpp, "caption");
        assertThat(c.getStyler().isYAxisLogarithmic()).isTrue();
        assertThat(c.getYAxisTitle()).isEqualTo("ns");
        CategorySeries platform = c.getSeriesMap().get("platform JMH mean");
        List<Object> xs = new ArrayList<>(platform.getXData());
        List<Number> ys = new ArrayList<>(platform.getYData());
        List<Number> errs = new ArrayList<>(platform.getExtraValues());
        int lean = xs.indexOf("leanchan(1024)");
        assertThat(ys.get(lean).doubleValue()).isEqualTo(48_020.0);
        assertThat(errs.get(lean).doubleValue()).isCloseTo(67_088.0 / 48_020.0, within(1e-12));
        CategorySeries virtual = c.getSeriesMap().get("virtual JMH mean");
        assertThat(new ArrayList<>(virtual.getExtraValues()).get(lean).doubleValue())
                .isCloseTo(477.4 / 396, within(1e-12));
        assertThat(c.getSeriesMap().get("virtual p50").getExtraValues()).isNull();
        // The lowest whisker end is 396 / (477.4 / 396) = 328.5 ns; the highest is ABQ's 55,843 + 52,412.
        assertThat(c.getStyler().getYAxisMin()).isEqualTo(100.0);
        assertThat(c.getStyler().getYAxisMax()).isEqualTo(55_843.0 + 52_412.0);
        assertThat(Report.latencyChart(List.of(), pp, vpp, "caption")).isNull();
    }
}
