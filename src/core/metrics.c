#include "core/metrics.h"
#include "core/err.h"
#include "core/map.h"
#include "core/str.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

static const double buckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NB (sizeof buckets / sizeof buckets[0])

typedef struct series {
	char *name, *labels;
	double value;        /* counter/gauge; histogram: sum */
	unsigned long long count, bucket[NB];
	int hist;
} series;

typedef struct meta {
	int type;
	char *help;
} meta;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static loa_map all;   /* "name{labels}" -> series */
static loa_map metas; /* name -> meta */
static int inited;

static void free_series(void *p)
{
	series *s = p;
	free(s->name);
	free(s->labels);
	free(s);
}

static void free_meta(void *p)
{
	meta *m = p;
	free(m->help);
	free(m);
}

static void init_locked(void)
{
	if (!inited) {
		loa_map_init(&all, free_series);
		loa_map_init(&metas, free_meta);
		inited = 1;
	}
}

static series *get_locked(const char *name, const char *labels, int hist)
{
	char key[512];
	int n = snprintf(key, sizeof key, "%s{%s}", name, labels ? labels : "");
	if (n < 0 || (size_t)n >= sizeof key)
		return NULL;
	series *s = loa_map_get(&all, key, (size_t)n);
	if (s)
		return s;
	s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->name = strdup(name);
	s->labels = strdup(labels ? labels : "");
	s->hist = hist;
	if (!s->name || !s->labels || loa_map_set(&all, key, (size_t)n, s)) {
		free_series(s);
		return NULL;
	}
	return s;
}

void loa_metric_help(const char *name, int type, const char *help)
{
	pthread_mutex_lock(&mu);
	init_locked();
	if (!loa_map_has(&metas, name, strlen(name))) {
		meta *m = calloc(1, sizeof *m);
		if (m) {
			m->type = type;
			m->help = strdup(help ? help : "");
			if (loa_map_set(&metas, name, strlen(name), m))
				free_meta(m);
		}
	}
	pthread_mutex_unlock(&mu);
}

void loa_metric_add(const char *name, const char *labels, double delta)
{
	pthread_mutex_lock(&mu);
	init_locked();
	series *s = get_locked(name, labels, 0);
	if (s)
		s->value += delta;
	pthread_mutex_unlock(&mu);
}

void loa_metric_set(const char *name, const char *labels, double value)
{
	pthread_mutex_lock(&mu);
	init_locked();
	series *s = get_locked(name, labels, 0);
	if (s)
		s->value = value;
	pthread_mutex_unlock(&mu);
}

void loa_metric_observe(const char *name, const char *labels, double seconds)
{
	pthread_mutex_lock(&mu);
	init_locked();
	series *s = get_locked(name, labels, 1);
	if (s) {
		s->value += seconds;
		s->count++;
		for (size_t i = 0; i < NB; i++)
			if (seconds <= buckets[i])
				s->bucket[i]++;
	}
	pthread_mutex_unlock(&mu);
}

double loa_metric_get(const char *name, const char *labels)
{
	double v = 0;
	char key[512];
	int n = snprintf(key, sizeof key, "%s{%s}", name, labels ? labels : "");
	pthread_mutex_lock(&mu);
	init_locked();
	if (n > 0 && (size_t)n < sizeof key) {
		series *s = loa_map_get(&all, key, (size_t)n);
		if (s)
			v = s->value;
	}
	pthread_mutex_unlock(&mu);
	return v;
}

static int cmp_series(const void *a, const void *b)
{
	const series *x = *(series *const *)a, *y = *(series *const *)b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->labels, y->labels);
}

int loa_metrics_write(loa_buf *out)
{
	int rc = LOA_OK;
	pthread_mutex_lock(&mu);
	init_locked();
	series **v = calloc(all.count ? all.count : 1, sizeof *v);
	if (!v) {
		pthread_mutex_unlock(&mu);
		return LOA_ENOMEM;
	}
	size_t n = 0, it = 0;
	loa_map_entry *e;
	while (loa_map_next(&all, &it, &e))
		v[n++] = e->value;
	qsort(v, n, sizeof *v, cmp_series);
	const char *last = "";
	for (size_t i = 0; i < n && rc == LOA_OK; i++) {
		series *s = v[i];
		if (strcmp(s->name, last) != 0) {
			meta *m = loa_map_get(&metas, s->name, strlen(s->name));
			const char *type = s->hist ? "histogram" : (m && m->type == LOA_METRIC_GAUGE ? "gauge" : "counter");
			if (m && m->help[0])
				rc = loa_buf_printf(out, "# HELP %s %s\n", s->name, m->help);
			if (!rc)
				rc = loa_buf_printf(out, "# TYPE %s %s\n", s->name, type);
			last = s->name;
		}
		const char *sep = s->labels[0] ? "," : "";
		if (!s->hist) {
			if (s->labels[0])
				rc = loa_buf_printf(out, "%s{%s} %.17g\n", s->name, s->labels, s->value);
			else
				rc = loa_buf_printf(out, "%s %.17g\n", s->name, s->value);
			continue;
		}
		for (size_t b = 0; b < NB && !rc; b++)
			rc = loa_buf_printf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", s->name, s->labels, sep,
					    buckets[b], s->bucket[b]);
		if (!rc)
			rc = loa_buf_printf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", s->name, s->labels,
					    sep, s->count);
		if (!rc)
			rc = loa_buf_printf(out, "%s_sum{%s} %.9g\n%s_count{%s} %llu\n", s->name, s->labels,
					    s->value, s->name, s->labels, s->count);
	}
	free(v);
	pthread_mutex_unlock(&mu);
	return rc;
}

void loa_metric_label_escape(const char *s, char *out, size_t cap)
{
	size_t o = 0;
	for (; *s && o + 3 < cap; s++) {
		if (*s == '\\' || *s == '"') {
			out[o++] = '\\';
			out[o++] = *s;
		} else if (*s == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
}

void loa_metrics_reset(void)
{
	pthread_mutex_lock(&mu);
	if (inited) {
		loa_map_release(&all);
		loa_map_release(&metas);
		inited = 0;
	}
	pthread_mutex_unlock(&mu);
}
