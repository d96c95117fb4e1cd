/*
 * fuzz_workflow.c - libFuzzer harness for what the workflow room does with
 * outside text without a database: the type check of uploads
 * (loa_wf_attach_type), the word diff of two draft versions and its HTML,
 * the similarity that groups questions, folding, and iCalendar TEXT values
 * (summaries and descriptions come from users). The first byte splits the
 * rest into two texts a and b (a's first line is also the upload's name).
 * Asserts:
 *   - the diff rebuilds both texts (EQ+DEL ranges give a, EQ+INS give b);
 *   - its HTML has no tags but <del>, </del>, <ins>, </ins>;
 *   - similarity in [0, 1], symmetric;
 *   - iCalendar lines at most 75 octets, CRLF only at line ends, folding
 *     never splits a UTF-8 sequence, and unfolding gives the value back.
 *
 * Build with -DLOA_FUZZ=ON (clang); the normal build replays the seed
 * corpus in fuzz/corpus/workflow through replay_main.c.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "workflow/diff.h"
#include "workflow/engine.h"
#include "workflow/ics.h"
#include "workflow/workflow.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                              \
	do {                                                                                  \
		if (!(c)) {                                                                   \
			fprintf(stderr, "fuzz_workflow: check failed: %s (line %d)\n", #c, __LINE__); \
			abort();                                                              \
		}                                                                             \
	} while (0)

static void diff(const char *a, size_t an, const char *b, size_t bn)
{
	loa_wf_diff d = {0};
	loa_err err;
	int rc = loa_wf_diff_texts(a, an, b, bn, &d, &err);
	if (rc != LOA_OK) {
		CHECK(rc == LOA_ETOOBIG || rc == LOA_ENOMEM);
		loa_wf_diff_release(&d);
		return;
	}
	loa_buf ra, rb;
	loa_buf_init(&ra, an + 1);
	loa_buf_init(&rb, bn + 1);
	for (size_t i = 0; i < d.n; i++) {
		const loa_wf_op *o = &d.ops[i];
		CHECK(o->start <= o->end);
		if (i)
			CHECK(o->op != d.ops[i - 1].op); /* merged */
		if (o->op == LOA_WF_EQ || o->op == LOA_WF_DEL) {
			CHECK(o->end <= an);
			CHECK(loa_buf_append(&ra, a + o->start, o->end - o->start) == LOA_OK);
		}
		if (o->op == LOA_WF_EQ)
			CHECK(loa_buf_append(&rb, a + o->start, o->end - o->start) == LOA_OK);
		if (o->op == LOA_WF_INS) {
			CHECK(o->end <= bn);
			CHECK(loa_buf_append(&rb, b + o->start, o->end - o->start) == LOA_OK);
		}
	}
	if (ra.len != an || (an && memcmp(ra.data, a, an) != 0) || rb.len != bn ||
	    (bn && memcmp(rb.data, b, bn) != 0)) {
		fprintf(stderr, "diff does not rebuild the texts:\n  a '%.*s' -> '%.*s'\n  b '%.*s' -> "
				"'%.*s'\n",
			(int)an, a, (int)ra.len, ra.data ? ra.data : "", (int)bn, b, (int)rb.len,
			rb.data ? rb.data : "");
		abort();
	}
	loa_buf_release(&ra);
	loa_buf_release(&rb);

	loa_buf h;
	loa_buf_init(&h, (size_t)64 << 20);
	CHECK(loa_wf_diff_html(&d, a, b, &h) == LOA_OK);
	static const char *const tags[] = {"<del>", "</del>", "<ins>", "</ins>"};
	for (size_t i = 0; i < h.len; i++) {
		if (h.data[i] != '<')
			continue;
		bool known = false;
		for (size_t t = 0; t < 4; t++)
			if (strncmp(h.data + i, tags[t], strlen(tags[t])) == 0)
				known = true;
		if (!known) {
			fprintf(stderr, "diff HTML has markup from the text: %.*s\n", (int)h.len, h.data);
			abort();
		}
	}
	loa_buf_release(&h);
	loa_wf_diff_release(&d);
}

static void ics(const char *v)
{
	loa_buf out;
	loa_buf_init(&out, (size_t)64 << 20);
	CHECK(loa_ics_prop(&out, "DESCRIPTION", v, true) == LOA_OK);
	CHECK(out.len >= 2 && out.data[out.len - 2] == '\r' && out.data[out.len - 1] == '\n');
	/* physical lines */
	bool valid = loa_utf8_valid(v, strlen(v));
	size_t start = 0;
	loa_buf unfolded;
	loa_buf_init(&unfolded, (size_t)64 << 20);
	for (size_t i = 0; i + 1 < out.len; i++) {
		if (out.data[i] != '\r')
			continue;
		CHECK(out.data[i + 1] == '\n'); /* no bare CR */
		size_t n = i - start;
		CHECK(n <= LOA_ICS_LINE_MAX);
		const char *line = out.data + start;
		if (start) {
			CHECK(line[0] == ' ');
			line++;
			n--;
			/* not inside a UTF-8 sequence */
			CHECK(!valid || n == 0 || ((unsigned char)line[0] & 0xc0) != 0x80);
		}
		CHECK(loa_buf_append(&unfolded, line, n) == LOA_OK);
		start = i + 2;
		i++;
	}
	CHECK(start == out.len);
	const char *u = unfolded.data ? unfolded.data : "";
	CHECK(memchr(u, '\n', unfolded.len) == NULL && memchr(u, '\r', unfolded.len) == NULL);
	/* unescape and compare with the value (CR dropped, controls as spaces) */
	CHECK(strncmp(u, "DESCRIPTION:", 12) == 0);
	loa_buf want;
	loa_buf_init(&want, (size_t)64 << 20);
	CHECK(loa_buf_puts(&want, "DESCRIPTION:") == LOA_OK);
	CHECK(loa_ics_escape(&want, v) == LOA_OK);
	CHECK(want.len == unfolded.len && memcmp(want.data, u, want.len) == 0);
	if (valid)
		CHECK(loa_utf8_valid(u, unfolded.len));
	loa_buf_release(&want);
	loa_buf_release(&unfolded);
	loa_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	size_t cut = n * data[0] / 256;
	const char *a = s, *b = s + cut;
	size_t an = cut, bn = n - cut;

	/* the upload: a's first line is the name, b the content */
	const char *nl = memchr(a, '\n', an);
	char *name = strndup(a, nl ? (size_t)(nl - a) : an);
	CHECK(name);
	const char *type = loa_wf_attach_type(name, b, bn);
	if (type) {
		static const char *const ok[] = {
			"application/pdf", "image/png", "image/jpeg",
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			"application/vnd.oasis.opendocument.text", "text/plain; charset=utf-8"};
		bool known = false;
		for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
			known |= strcmp(type, ok[i]) == 0;
		CHECK(known);
		if (strncmp(type, "text/", 5) == 0)
			CHECK(loa_utf8_valid(b, bn) && !memchr(b, 0, bn));
	}
	free(name);

	diff(a, an, b, bn);

	char *za = strndup(a, an), *zb = strndup(b, bn);
	CHECK(za && zb);
	double s1 = loa_wf_similarity(za, zb), s2 = loa_wf_similarity(zb, za);
	CHECK(s1 >= 0 && s1 <= 1 && !isnan(s1));
	CHECK(fabs(s1 - s2) < 1e-9);
	loa_buf f;
	loa_buf_init(&f, (size_t)64 << 20);
	if (loa_wf_fold(za, &f) == LOA_OK)
		CHECK(loa_utf8_valid(f.data ? f.data : "", f.len));
	loa_buf_release(&f);
	ics(za);
	free(za);
	free(zb);
	return 0;
}
