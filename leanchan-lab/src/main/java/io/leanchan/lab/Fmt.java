package io.leanchan.lab;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** How the lab prints numbers in its tables and sentences. */
public final class Fmt {

    private Fmt() {
    }

    /** A double as a plain number: at most 4 decimals, no exponent, no trailing zeros; "-" if not a number. */
    public static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "-";
        }
        BigDecimal b = BigDecimal.valueOf(d).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros();
        if (b.scale() < 0) {
            b = b.setScale(0);
        }
        return b.toPlainString();
    }

    /** An integer with thousands separators. */
    public static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
