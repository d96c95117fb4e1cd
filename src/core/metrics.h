/*
 * metrics.h - process-wide counters, gauges and histograms, written out in
 * the Prometheus text exposition format (served at /metrics).
 *
 * A series is a metric name plus an optional label set written as the
 * Prometheus text does: loa_metric_add("loa_items_in_total",
 * "source=\"bao-tin-moi\"", 1). Metrics are declared on first use with
 * loa_metric_help() (type and help text). Thread-safe (one mutex); meant
 * for events, not inner loops. Label values must be escaped by the caller
 * with loa_metric_label_escape() when they come from outside.
 */
#ifndef LOA_CORE_METRICS_H
#define LOA_CORE_METRICS_H

#include <stddef.h>

#include "core/buf.h"

enum { LOA_METRIC_COUNTER = 0, LOA_METRIC_GAUGE, LOA_METRIC_HISTOGRAM };

/* Declares a metric's type and help (idempotent). */
void loa_metric_help(const char *name, int type, const char *help);
/* Counter/gauge: adds delta to name{labels} (labels may be NULL). */
void loa_metric_add(const char *name, const char *labels, double delta);
/* Gauge: sets name{labels}. */
void loa_metric_set(const char *name, const char *labels, double value);
/* Histogram of seconds with fixed buckets (5ms … 10s). */
void loa_metric_observe(const char *name, const char *labels, double seconds);
/* Value of a counter or gauge series (0 when absent); for tests. */
double loa_metric_get(const char *name, const char *labels);
/* Appends the exposition text. */
int loa_metrics_write(loa_buf *out);
/* Copies s into out (cap bytes) escaping \ " and newlines for a label value. */
void loa_metric_label_escape(const char *s, char *out, size_t cap);
/* Forgets everything (tests). */
void loa_metrics_reset(void);

#endif
