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
    static final int BANNER = 80;
    static final int LEFT = 620;

    /**
     * Ten colours that stay apart for most readers (Okabe-Ito's eight, without yellow, plus a dark grey, a
     * purple and a brown). A series is told apart by colour, marker and dash together: the subjects that share a
     * colour (10 apart in the list) never share a marker or a dash pattern.
     */
    static final Color[] COLORS = {
            new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73), new Color(0xCC79A7), new Color(0x56B4E9),
            new Color(0xD55E00), new Color(0x444444), new Color(0x7B3294), new Color(0x8C510A), new Color(0x66A61E)};
    static final Marker[] MARKERS = {SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_UP, SeriesMarkers.DIAMOND,
            SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.PLUS, SeriesMarkers.OVAL};
    static final float[][] DASHES = {{7f, 3f}, {2f, 3f}, {10f, 3f, 2f, 3f}};
    /** leanchan's two series: black and red, solid, thicker, round markers. */
    static final Color LEANCHAN_BOUNDED = Color.BLACK;
    static final Color LEANCHAN_UNBOUNDED = new Color(0xE41A1C);

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
        String sub = r.jvm.describe() + "\n" + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs. Lines that coincide are drawn wider underneath;"
                + " the legend says which subject a line equals (\"=\").";
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
        int y = 46;
        for (String line : sub.split("\n")) {
            g.drawString(line, 16, y);
            y += 16;
        }
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
        List<String> labels = new ArrayList<>();
        List<List<Double>> xss = new ArrayList<>();
        List<List<Double>> yss = new ArrayList<>();
        List<GridReport.SubjectInfo> shown = new ArrayList<>();
        for (GridReport.SubjectInfo s : r.subjects) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int cap : r.capacities.stream().sorted().toList()) {
                Row x = r.row(s.name(), msg, cap);
                if (x != null && metric.applyAsLong(x) != Row.MISSING) {
                    xs.add((double) cap);
                    ys.add((double) Math.max(1, metric.applyAsLong(x)));
                }
            }
            if (xs.isEmpty()) {
                continue;
            }
            shown.add(s);
            xss.add(xs);
            yss.add(ys);
            labels.add(s.name() + (s.bounded() ? "" : " (unbounded)"));
        }
        int peer = 0;
        for (int k = 0; k < shown.size(); k++) {
            GridReport.SubjectInfo s = shown.get(k);
            // Series drawn later lie on top: a series that later ones coincide with is drawn wider, so it shows around them.
            int coveredBy = 0;
            String sameAs = null;
            for (int j = 0; j < shown.size(); j++) {
                if (j != k && xss.get(j).equals(xss.get(k)) && yss.get(j).equals(yss.get(k))) {
                    if (j > k) {
                        coveredBy++;
                    } else if (sameAs == null) {
                        sameAs = shown.get(j).name();
                    }
                }
            }
            String label = labels.get(k) + (sameAs == null ? "" : " (= " + sameAs + ")");
            XYSeries series = c.addSeries(label, xss.get(k), yss.get(k));
            Color color;
            Marker marker;
            float width;
            float[] dash;
            if (s.name().equals("leanchan-bounded") || s.name().equals("leanchan-unbounded")) {
                color = s.name().equals("leanchan-bounded") ? LEANCHAN_BOUNDED : LEANCHAN_UNBOUNDED;
                marker = s.name().equals("leanchan-bounded") ? SeriesMarkers.CIRCLE : SeriesMarkers.OVAL;
                width = 3f;
                dash = null;
            } else {
                color = COLORS[peer % COLORS.length];
                marker = MARKERS[peer % MARKERS.length];
                dash = DASHES[(peer / COLORS.length) % DASHES.length];
                width = 1.6f;
                peer++;
            }
            width += 3.5f * coveredBy;
            series.setMarker(marker);
            series.setLineColor(color);
            series.setMarkerColor(color);
            series.setLineStyle(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, dash, 0f));
        }
        return c;
    }
}
