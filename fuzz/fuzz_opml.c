/*
 * fuzz_opml.c - libFuzzer harness for OPML import (feed/ingest.h,
 * loa_opml_parse). Round trip: the outlines read are written with
 * loa_opml_write() and read again: the same outlines, field by field (the
 * category is not written: the list is flat).
 * Asserts: no crash, every outline has an xmlUrl, strings valid UTF-8.
 *
 * Build with -DLOA_FUZZ=ON (clang); the normal build replays the seed
 * corpus in fuzz/corpus/opml through replay_main.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "feed/ingest.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                          \
	do {                                                                              \
		if (!(c)) {                                                               \
			fprintf(stderr, "fuzz_opml: check failed: %s (line %d)\n", #c, __LINE__); \
			abort();                                                          \
		}                                                                         \
	} while (0)

#define MAX_KEEP 256

typedef struct list {
	loa_opml_outline o[MAX_KEEP];
	size_t n;
} list;

static char *dup(const char *s)
{
	if (!s)
		return NULL;
	CHECK(loa_utf8_valid(s, strlen(s)));
	char *c = strdup(s);
	CHECK(c);
	return c;
}

static int keep(void *arg, const loa_opml_outline *o)
{
	list *l = arg;
	CHECK(o->xml_url && *o->xml_url);
	if (l->n == MAX_KEEP)
		return 0;
	loa_opml_outline *c = &l->o[l->n++];
	c->text = dup(o->text);
	c->title = dup(o->title);
	c->xml_url = dup(o->xml_url);
	c->html_url = dup(o->html_url);
	c->category = dup(o->category);
	c->slug = dup(o->slug);
	c->org = dup(o->org);
	c->outlet = dup(o->outlet);
	return 0;
}

static void release(list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		loa_opml_outline *c = &l->o[i];
		free((char *)c->text);
		free((char *)c->title);
		free((char *)c->xml_url);
		free((char *)c->html_url);
		free((char *)c->category);
		free((char *)c->slug);
		free((char *)c->org);
		free((char *)c->outlet);
	}
	l->n = 0;
}

static void same(const char *what, size_t i, const char *a, const char *b)
{
	if ((!a || !b) ? a != b : strcmp(a, b) != 0) {
		fprintf(stderr, "OPML round trip changed %s of outline %zu: '%s' -> '%s'\n", what, i,
			a ? a : "(null)", b ? b : "(null)");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static list a, b;
	loa_err err;
	int rc = loa_opml_parse((const char *)data, size, keep, &a, &err);
	if (rc != LOA_OK) {
		CHECK(rc == LOA_EPARSE || rc == LOA_ETOOBIG);
		release(&a);
		return 0;
	}
	loa_buf out;
	loa_buf_init(&out, (size_t)64 << 20);
	CHECK(loa_opml_write(a.o, a.n, "fuzz", 1767225600000, &out, &err) == LOA_OK);
	rc = loa_opml_parse(out.data, out.len, keep, &b, &err);
	if (rc != LOA_OK) {
		fprintf(stderr, "written OPML does not read: %s\n%.*s\n", err.msg, (int)out.len,
			out.data);
		abort();
	}
	CHECK(a.n == b.n);
	for (size_t i = 0; i < a.n; i++) {
		const loa_opml_outline *x = &a.o[i], *y = &b.o[i];
		const char *text = x->text ? x->text : x->title ? x->title
						: x->slug ? x->slug : x->xml_url;
		same("text", i, text, y->text);
		same("title", i, x->title, y->title);
		same("xmlUrl", i, x->xml_url, y->xml_url);
		same("htmlUrl", i, x->html_url, y->html_url);
		same("slug", i, x->slug, y->slug);
		same("org", i, x->org, y->org);
		same("outlet", i, x->outlet, y->outlet);
	}
	loa_buf_release(&out);
	release(&a);
	release(&b);
	return 0;
}
