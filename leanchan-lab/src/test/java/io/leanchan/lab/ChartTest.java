package io.leanchan.lab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

class ChartTest {

    @Test
    void writesSvgAndPng(@TempDir Path dir) throws Exception {
        Path svg = dir.resolve("f.svg");
        Path png = Files.createDirectories(dir.resolve("sub")).resolve("f.png");
        Lab.Result r = Lab.run("--subjects", "leanchan-bounded,ArrayBlockingQueue", "--msg-sizes", "8",
                "--capacities", "1,16,1024", "--ops", "20000", "--aged-messages", "1000", "--chart", svg.toString(), "--format", "csv", "-q");
        assertThat(r.rc()).as(r.err()).isZero();
        String text = Files.readString(svg);
        assertThat(text).startsWith("<?xml").contains("<svg", "leanchan footprint lab", "</svg>");
        assertThat(Lab.run("--subjects", "leanchan-bounded", "--msg-sizes", "8", "--capacities", "1,1024", "--ops", "20000",
                "--aged-messages", "1000", "--chart", png.toString(), "--format", "csv", "-q").rc()).isZero();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(Chart.WIDTH);
        assertThat(img.getHeight()).isEqualTo(Chart.HEIGHT);
    }

    /** Every built-in subject at two capacities; leanchan bounded and unbounded have the same figures, as they often do. */
    static GridReport everySubject() {
        List<Row> rows = new ArrayList<>();
        List<GridReport.SubjectInfo> infos = new ArrayList<>();
        int i = 0;
        for (Subject s : Subjects.builtIn()) {
            for (int cap : new int[]{16, 1024}) {
                long create = s.name().startsWith("leanchan") ? 64 : 100 + 10L * i;
                rows.add(new Row(s.name(), 8, cap, create, create + 4L * cap, create + 20L * cap, create, create, create, 0, 0, null));
            }
            infos.add(new GridReport.SubjectInfo(s.name(), s.bounded(), Map.of(16, "x", 1024, "x"), s.waits()));
            i++;
        }
        return new GridReport(JvmInfo.current(), GridReport.libraryVersions(), 1000, 1000, 1, 0, List.of(8),
                List.of(16, 1024), Map.of(8, 16L), infos, rows, List.of());
    }

    @Test
    void everySeriesCanBeToldApartAndNoneHidesAnother() {
        XYChart c = Chart.chart(everySubject(), 8, "t", Row::heapAfterCreate, true);
        List<XYSeries> series = new ArrayList<>(c.getSeriesMap().values());
        assertThat(series).hasSize(Subjects.builtIn().size());
        for (int a = 0; a < series.size(); a++) {
            for (int b = a + 1; b < series.size(); b++) {
                XYSeries x = series.get(a);
                XYSeries y = series.get(b);
                String pair = x.getName() + " / " + y.getName();
                if (x.getLineColor().equals(y.getLineColor())) {
                    assertThat(x.getMarker().getClass()).as("same colour, so not the same marker: " + pair)
                            .isNotEqualTo(y.getMarker().getClass());
                    assertThat(Arrays.equals(((BasicStroke) x.getLineStyle()).getDashArray(),
                            ((BasicStroke) y.getLineStyle()).getDashArray())).as("nor the same dash: " + pair).isFalse();
                }
            }
        }
        XYSeries bounded = c.getSeriesMap().get("leanchan-bounded");
        XYSeries unbounded = series.stream().filter(x -> x.getName().startsWith("leanchan-unbounded")).findFirst().orElseThrow();
        assertThat(unbounded.getName()).as("the legend says they coincide").contains("(= leanchan-bounded)");
        assertThat(((BasicStroke) bounded.getLineStyle()).getLineWidth())
                .as("the series underneath is wider, so it shows around the one on top")
                .isGreaterThan(((BasicStroke) unbounded.getLineStyle()).getLineWidth() + 2);
        assertThat(bounded.getLineColor()).isNotEqualTo(unbounded.getLineColor());
    }
}
