package io.leanchan.lab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

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
}
