package io.leanchan.lab;

import org.jfree.svg.SVGGraphics2D;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Draws heap_after_create and heap_after_fill against capacity, one line per subject, log scales, side by side,
 * with xchart; SVG through JFreeSVG, PNG through ImageIO.
 */
public final class Chart {

    static final int WIDTH = 1600;
    static final int HEIGHT = 720;
    static final int BANNER = 64;
    static final int LEFT = 620;

    private static final Color[] COLORS = {
            new Color(0xd62728), new Color(0xff7f0e), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
            new Color(0x393b79), new Color(0x637939), new Color(0x8c6d31), new Color(0x843c39), new Color(0x7b4173),
            new Color(0x3182bd), new Color(0x31a354), new Color(0x756bb1)};
    private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.DIAMOND, SeriesMarkers.SQUARE,
            SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.PLUS,
            SeriesMarkers.OVAL, SeriesMarkers.TRAPEZOID, SeriesMarkers.RECTANGLE};

    private Chart() {
    }

    /** Writes the chart; the file name decides the format (.svg or .png). */
    public static void write(GridReport r, Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int msg = Collections.min(r.msgSizes);
        XYChart create = chart(r, msg, "Retained heap after create", Row::heapAfterCreate, false);
        XYChart fill = chart(r, msg, "Retained heap after filling to capacity", Row::heapAfterFill, true);
        // One y range for both panels, whole decades, so that heights compare across them.
        long lo = Long.MAX_VALUE;
        long hi = 1;
        for (Row x : r.rows) {
            if (x.msgSize() == msg) {
                lo = Math.min(lo, Math.max(1, x.heapAfterCreate()));
                hi = Math.max(hi, x.heapAfterFill());
            }
        }
        double min = Math.pow(10, Math.floor(Math.log10(Math.max(1, lo))));
        double max = Math.pow(10, Math.ceil(Math.log10(Math.max(10, hi))));
        for (XYChart c : List.of(create, fill)) {
            c.getStyler().setYAxisMin(min);
            c.getStyler().setYAxisMax(max);
        }
        String banner = "leanchan footprint lab: bytes retained by each queue/channel (messages of " + msg
                + " B excluded; log scales; lower is better)";
        String sub = r.jvm.describe();
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        if (name.endsWith(".svg")) {
            SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
            g.setGeomDoubleConverter(Chart::oneDecimal);
            g.setTransformDoubleConverter(Chart::twoDecimals);
            paint(g, create, fill, banner, sub);
            Files.writeString(file, g.getSVGDocument(), StandardCharsets.UTF_8);
        } else if (name.endsWith(".png")) {
            BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            paint(g, create, fill, banner, sub);
            g.dispose();
            ImageIO.write(img, "png", file.toFile());
        } else {
            throw new IllegalArgumentException("chart file must end in .svg or .png: " + file);
        }
    }

    private static String oneDecimal(double v) {
        return trim(String.format(Locale.ROOT, "%.1f", v));
    }

    private static String twoDecimals(double v) {
        return trim(String.format(Locale.ROOT, "%.2f", v));
    }

    private static String trim(String s) {
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s.equals("-0") ? "0" : s;
    }

    private static void paint(Graphics2D g, XYChart left, XYChart right, String banner, String sub) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(banner, 16, 26);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(sub, 16, 48);
        Graphics2D a = (Graphics2D) g.create(0, BANNER, LEFT, HEIGHT - BANNER);
        left.paint(a, LEFT, HEIGHT - BANNER);
        a.dispose();
        Graphics2D b = (Graphics2D) g.create(LEFT, BANNER, WIDTH - LEFT, HEIGHT - BANNER);
        right.paint(b, WIDTH - LEFT, HEIGHT - BANNER);
        b.dispose();
    }

    static XYChart chart(GridReport r, int msg, String title, ToLongFunction<Row> metric, boolean legend) {
        XYChart c = new XYChartBuilder().width(legend ? WIDTH - LEFT : LEFT).height(HEIGHT - BANNER).title(title)
                .xAxisTitle("capacity (messages; for unbounded subjects, messages put in)")
                .yAxisTitle("bytes").build();
        c.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true)
                .setLegendVisible(legend).setLegendPosition(Styler.LegendPosition.OutsideE)
                .setChartBackgroundColor(Color.WHITE).setPlotBackgroundColor(Color.WHITE)
                .setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15))
                .setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12))
                .setLegendBorderColor(Color.WHITE);
        c.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        c.getStyler().setMarkerSize(9);
        c.getStyler().setYAxisDecimalPattern("#,##0");
        c.getStyler().setXAxisDecimalPattern("#,##0");
        int i = 0;
        for (GridReport.SubjectInfo s : r.subjects) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int cap : r.capacities.stream().sorted().toList()) {
                Row x = r.row(s.name(), msg, cap);
                if (x != null) {
                    xs.add((double) cap);
                    ys.add((double) Math.max(1, metric.applyAsLong(x)));
                }
            }
            if (xs.isEmpty()) {
                continue;
            }
            String label = s.name() + (s.bounded() ? "" : " (unbounded)");
            XYSeries series = c.addSeries(label, xs, ys);
            boolean lean = s.name().startsWith("leanchan");
            Color color = COLORS[i % COLORS.length];
            series.setMarker(MARKERS[i % MARKERS.length]);
            series.setLineColor(color);
            series.setMarkerColor(color);
            series.setLineStyle(new BasicStroke(lean ? 3.5f : 1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f,
                    lean ? null : new float[]{6f, 3f}, 0f));
            i++;
        }
        return c;
    }
}
