package io.leanchan.lab;

/** Output formats. */
public enum Format {
    text, csv, json, markdown
}
