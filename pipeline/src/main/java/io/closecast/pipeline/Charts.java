package io.closecast.pipeline;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * Small PNG charts drawn with Java2D (headless): lines over a shared x axis, or points (a scatter).
 * Enough for run artifacts (predicted against actual, loss curves, a metric against a parameter)
 * without a charting dependency.
 */
public final class Charts {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 500;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;
    private static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xd62728), new Color(0x7f7f7f), new Color(0x2ca02c), new Color(0x9467bd)};

    /** One named series; {@code x} and {@code y} have the same length. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length + " y values");
            }
            x = x.clone();
            y = y.clone();
        }

        /** A series over x = 0, 1, 2, ... */
        public static Series of(String name, double[] y) {
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i;
            }
            return new Series(name, x, y);
        }
    }

    private Charts() {
    }

    /**
     * Writes a line chart. {@code xLabels}, when not empty, labels x = 0 .. n-1 (e.g. dates), a few of
     * them shown.
     */
    public static void lines(Path file, String title, String yLabel, List<Series> series, List<String> xLabels) {
        draw(file, title, yLabel, series, xLabels, false);
    }

    /** Writes a scatter chart of points (a metric against a parameter). */
    public static void points(Path file, String title, String xLabel, String yLabel, List<Series> series) {
        draw(file, title + " (x: " + xLabel + ")", yLabel, series, List.of(), true);
    }

    private static void draw(Path file, String title, String yLabel, List<Series> series, List<String> xLabels,
                             boolean scatter) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY;
            double minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
            for (Series s : series) {
                for (int i = 0; i < s.x().length; i++) {
                    if (Double.isFinite(s.y()[i]) && Double.isFinite(s.x()[i])) {
                        minX = Math.min(minX, s.x()[i]);
                        maxX = Math.max(maxX, s.x()[i]);
                        minY = Math.min(minY, s.y()[i]);
                        maxY = Math.max(maxY, s.y()[i]);
                    }
                }
            }
            if (!Double.isFinite(minX)) {
                minX = 0; maxX = 1; minY = 0; maxY = 1;
            }
            if (maxX == minX) {
                maxX = minX + 1;
            }
            if (maxY == minY) {
                maxY = minY + Math.max(1e-9, Math.abs(minY) * 0.01);
            }
            double pad = (maxY - minY) * 0.05;
            minY -= pad;
            maxY += pad;
            Frame frame = new Frame(minX, maxX, minY, maxY);

            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.setColor(Color.BLACK);
            g.drawString(title, LEFT, 25);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            g.setColor(new Color(0xdddddd));
            for (int i = 0; i <= 5; i++) {
                double v = minY + (maxY - minY) * i / 5;
                int y = frame.py(v);
                g.drawLine(LEFT, y, WIDTH - RIGHT, y);
                g.setColor(Color.DARK_GRAY);
                String text = format(v);
                g.drawString(text, LEFT - 6 - fm.stringWidth(text), y + 4);
                g.setColor(new Color(0xdddddd));
            }
            g.setColor(Color.DARK_GRAY);
            int ticks = 6;
            for (int i = 0; i <= ticks; i++) {
                double v = minX + (maxX - minX) * i / ticks;
                String text;
                if (xLabels.isEmpty()) {
                    text = format(v);
                } else {
                    int index = (int) Math.round(v);
                    text = xLabels.get(Math.max(0, Math.min(xLabels.size() - 1, index)));
                }
                int x = frame.px(v);
                g.drawString(text, x - fm.stringWidth(text) / 2, HEIGHT - BOTTOM + 18);
            }
            g.drawString(yLabel, 8, TOP - 8);
            g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);

            int legendX = LEFT;
            for (int k = 0; k < series.size(); k++) {
                Series s = series.get(k);
                Color color = PALETTE[k % PALETTE.length];
                g.setColor(color);
                g.setStroke(new BasicStroke(k == 0 ? 2f : 1.5f));
                if (scatter) {
                    for (int i = 0; i < s.x().length; i++) {
                        if (Double.isFinite(s.y()[i])) {
                            g.fillOval(frame.px(s.x()[i]) - 4, frame.py(s.y()[i]) - 4, 8, 8);
                        }
                    }
                } else {
                    Path2D.Double path = new Path2D.Double();
                    boolean started = false;
                    for (int i = 0; i < s.x().length; i++) {
                        if (!Double.isFinite(s.y()[i])) {
                            started = false;
                            continue;
                        }
                        if (started) {
                            path.lineTo(frame.px(s.x()[i]), frame.py(s.y()[i]));
                        } else {
                            path.moveTo(frame.px(s.x()[i]), frame.py(s.y()[i]));
                            started = true;
                        }
                    }
                    g.draw(path);
                }
                g.fillRect(legendX, HEIGHT - 22, 14, 4);
                g.setColor(Color.BLACK);
                g.drawString(s.name(), legendX + 18, HEIGHT - 16);
                legendX += 30 + fm.stringWidth(s.name());
            }
        } finally {
            g.dispose();
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new PipelineException("cannot write chart " + file + ": " + e.getMessage(), e);
        }
    }

    private static String format(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 0.01 || a >= 1e6)) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        return String.format(Locale.ROOT, a < 10 ? "%.3f" : "%.1f", v);
    }

    private record Frame(double minX, double maxX, double minY, double maxY) {
        int px(double x) {
            return LEFT + (int) Math.round((x - minX) / (maxX - minX) * (WIDTH - LEFT - RIGHT));
        }

        int py(double y) {
            return HEIGHT - BOTTOM - (int) Math.round((y - minY) / (maxY - minY) * (HEIGHT - TOP - BOTTOM));
        }
    }
}
