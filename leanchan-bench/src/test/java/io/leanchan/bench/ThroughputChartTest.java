package io.leanchan.bench;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The throughput chart plots what the tables show: the median where a table has a †, and never below zero. */
class ThroughputChartTest {

    /** A JMH result of {@code bench} whose {@code pollsMade} has the given mean, error and iterations. */
    static Report.Row result(String bench, String subject, double mean, double error, String iterations) {
        return result(bench, subject, mean, error, iterations, "1.0, 1.0, 1.0, 1.0, 1.0");
    }

    /** The same, with the iterations of {@code pollsFailed} (the consumer's other counter) too. */
    static Report.Row result(String bench, String subject, double mean, double error, String iterations,
            String pollsFailed) {
        String json = """
                {"benchmark":"io.leanchan.bench.%s","params":{"subject":"%s"},
                 "primaryMetric":{"score":1.0,"scoreError":0.1},
                 "secondaryMetrics":{"pollsMade":{"score":%s,"scoreError":%s,"rawData":[[%s]]},
                                     "pollsFailed":{"score":1.0,"scoreError":0.1,"rawData":[[%s]]}}}
                """.formatted(bench, subject, mean, error, iterations, pollsFailed);
        return new Report.Row(bench, subject, Json.obj(Json.parse(json)));
    }

    static List<Report.Row> rows(Report.Row... results) {
        return List.of(results);
    }

    @Test
    void oneAbsurdIterationIsPlottedAsTheMedianWithoutAnErrorBar() {
        // One iteration at 2,000 messages/µs: more than ten times the median and above one per nanosecond.
        List<Report.Row> rs = rows(result("BurstBench.b2", "JOX_1024", 400.8, 3400.0, "2000.0, 1.0, 1.1, 0.9, 1.2"),
                result("BurstBench.b2", "LEANCHAN_1024", 3.46, 0.62, "3.37, 3.27, 3.4, 3.64, 3.6"));
        Report.Row jox = Report.find(rs, "BurstBench.b2", "JOX_1024");
        assertThat(Report.outlierMedian(Report.raw(jox, "pollsMade"))).isEqualTo(1.1);
        assertThat(Report.chartBar(jox)).containsExactly(1.1, 0.0);
        assertThat(Report.throughputTable(rs, "BurstBench.b2"))
                .contains("| 1.10 (median) † |").contains("† One iteration");
        assertThat(Report.chartBar(Report.find(rs, "BurstBench.b2", "LEANCHAN_1024"))).containsExactly(3.46, 0.62);
        assertThat(Report.chartMedians(List.of(), rs))
                .isEqualTo("In the chart, Jox (bursts 2P) is the median of the iterations without an error bar, "
                        + "as in its table (†).\n\n");

        CategoryChart c = Report.throughputChart(List.of(), rs, "caption");
        CategorySeries b2 = c.getSeriesMap().get("bursts 2P");
        List<Object> xs = new ArrayList<>(b2.getXData());
        List<Number> ys = new ArrayList<>(b2.getYData());
        List<Number> errs = new ArrayList<>(b2.getExtraValues());
        assertThat(ys.get(xs.indexOf("Jox")).doubleValue()).isEqualTo(1.1);
        assertThat(errs.get(xs.indexOf("Jox")).doubleValue()).isZero();
        assertThat(ys.get(xs.indexOf("leanchan(1024)")).doubleValue()).isEqualTo(3.46);
    }

    /**
     * The run of docs/benchmarks.md at af780a5, Jox in bursts with two producers: the first iteration's 288
     * messages/µs is below one per nanosecond, but in the same iteration the consumer's empty polls ran at 4,754
     * per µs, so the consumer's measured time was tiny and that iteration's messages/µs is no measurement either.
     */
    @Test
    void aRateInflatedInTheIterationOfAnotherAbsurdCounterIsPlottedAsTheMedian() {
        List<Report.Row> rs = rows(
                result("BurstBench.b2", "JOX_1024", 58.23, 494.97, "288.17, 0.60, 0.05, 1.19, 1.12",
                        "4754.1, 0.0088, 0.0024, 0.022, 0.048"),
                result("BurstBench.b2", "MPSC_ARRAY_1024", 3.93, 0.54, "3.93, 3.70, 4.03, 3.99, 4.02"));
        Report.Row jox = Report.find(rs, "BurstBench.b2", "JOX_1024");
        assertThat(Report.outlierMedian(Report.raw(jox, "pollsMade"))).as("alone, 288 is not absurd").isNaN();
        assertThat(Report.absurdIterations(jox)).containsExactly(0);
        assertThat(Report.outlierMedian(jox, "pollsMade")).isEqualTo(1.12);
        assertThat(Report.chartBar(jox)).containsExactly(1.12, 0.0);
        assertThat(Report.throughputTable(rs, "BurstBench.b2"))
                .contains("| Jox Channel(1024) select with a default clause | 1.12 (median) † | 0.28x |");
        List<Double> ys = new ArrayList<>();
        for (Number y : Report.throughputChart(List.of(), rs, "caption").getSeriesMap().get("bursts 2P").getYData()) {
            ys.add(y.doubleValue());
        }
        assertThat(ys).contains(1.12, 3.93).allSatisfy(y -> assertThat(y).isLessThan(5));
        // An iteration absurd in another counter only is not an outlier of this one.
        assertThat(Report.outlierMedian(List.of(1.3, 1.0, 1.1, 0.9, 1.2), new java.util.TreeSet<>(List.of(0)))).isNaN();
    }

    @Test
    void aSpreadWithoutAnAbsurdIterationKeepsTheMeanAndTheAxisStartsAtZero() {
        // 2.23 ± 3.38: the error bar reaches below zero; no iteration is absurd (3.7 is neither 10x nor > 1000).
        List<Report.Row> rs = rows(result("ThroughputBench.p1", "LBQ_1024", 2.23, 3.38, "1.58, 1.68, 1.8, 2.38, 3.7"));
        Report.Row lbq = rs.get(0);
        assertThat(Report.outlierMedian(Report.raw(lbq, "pollsMade"))).isNaN();
        assertThat(Report.chartBar(lbq)).containsExactly(2.23, 3.38);
        assertThat(Report.chartBar(null)).containsExactly(0.0, 0.0);
        assertThat(Report.chartMedians(rs, List.of())).isEmpty();
        assertThat(Report.throughputChart(rs, List.of(), "caption").getStyler().getYAxisMin()).isEqualTo(0.0);
        // Ten times the median but not above one per nanosecond is not the table's † either.
        assertThat(Report.outlierMedian(List.of(200.0, 1.0, 1.1, 0.9, 1.2))).isNaN();
        assertThat(Report.throughputChart(List.of(), List.of(), "caption")).isNull();
    }
}
