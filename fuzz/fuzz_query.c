/*
 * fuzz_query.c - libFuzzer harness for the monitoring query language
 * (search/query.h) and the streaming matcher (search/match.h, no
 * database). Input: query lines, then optionally a blank line and the text
 * of an item.
 *   - Each line goes through loa_query_parse() and loa_query_dump().
 *   - A parsed query is written back in the query language (an unparser
 *     here: infix, with only the parentheses the grammar needs); parsing
 *     that must succeed and give the same dump. (The dump itself is a
 *     debug S-expression, not query syntax, so it is not reparsed.)
 *   - When an item follows, every line that parses is added to one
 *     matcher, which is compiled and run on the item twice (same answer).
 *
 * Build with -DLOA_FUZZ=ON (clang); the normal build replays the seed
 * corpus in fuzz/corpus/query through replay_main.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/ltime.h"
#include "core/utf8.h"
#include "search/match.h"
#include "search/query.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                           \
	do {                                                                               \
		if (!(c)) {                                                                \
			fprintf(stderr, "fuzz_query: check failed: %s (line %d)\n", #c, __LINE__); \
			abort();                                                           \
		}                                                                          \
	} while (0)

#define NOW ((loa_ms)1767225600000) /* 2026-01-01T00:00:00Z */
#define MAX_LINES 16

/* Precedence of a node as an operand: what needs parentheses where. */
enum { P_OR = 1, P_AND = 2, P_UNARY = 3 };

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Writes x in the query language; *ok = false when a form has no exact
 * spelling (then the round trip is not checked). */
static void unparse(const loa_qnode *x, int prec, loa_buf *o, bool *ok)
{
	char ts[LOA_TIME_STR_MAX];
	switch (x->kind) {
	case LOA_QN_TERM:
		if (x->field == LOA_QF_TITLE)
			CHECK(loa_buf_puts(o, "title:") == LOA_OK);
		if (x->phrase) {
			CHECK(loa_buf_printf(o, "\"%s\"", x->text) == LOA_OK);
		} else {
			/* a word: '_' (and control bytes) were read as spaces */
			if (x->text[0] == '-')
				*ok = false; /* "-w" after a space is NOT w */
			for (const char *c = x->text; *c; c++)
				CHECK(loa_buf_putc(o, *c == ' ' ? '_' : *c) == LOA_OK);
			if (x->prefix)
				CHECK(loa_buf_putc(o, '*') == LOA_OK);
		}
		return;
	case LOA_QN_FIELD: {
		CHECK(loa_buf_printf(o, "%s:", loa_qfield_name(x->field)) == LOA_OK);
		bool quote = x->text[0] == '\0' || x->text[0] == '"';
		bool dq = false;
		for (const char *c = x->text; *c; c++) {
			if (is_space(*c) || *c == '(' || *c == ')')
				quote = true;
			if (*c == '"')
				dq = true;
		}
		if (x->text[0] == '\0' || (quote && dq))
			*ok = false;
		CHECK(loa_buf_printf(o, quote ? "\"%s\"" : "%s", x->text) == LOA_OK);
		return;
	}
	case LOA_QN_TIME:
		if (x->since != LOA_TIME_NONE)
			CHECK(loa_buf_printf(o, "since:%s", loa_time_format_rfc3339(x->since, ts)) ==
			      LOA_OK);
		else
			CHECK(loa_buf_printf(o, "until:%s", loa_time_format_rfc3339(x->until, ts)) ==
			      LOA_OK);
		return;
	case LOA_QN_NOT:
		CHECK(loa_buf_puts(o, "NOT ") == LOA_OK);
		unparse(x->kids[0], P_UNARY, o, ok);
		return;
	case LOA_QN_NEAR:
		for (size_t i = 0; i < x->nkids; i++) {
			if (i)
				CHECK(loa_buf_printf(o, " %s/%d ", x->ordered ? "ONEAR" : "NEAR",
						     x->near) == LOA_OK);
			unparse(x->kids[i], P_UNARY, o, ok);
		}
		return;
	case LOA_QN_AND:
	case LOA_QN_OR: {
		int mine = x->kind == LOA_QN_OR ? P_OR : P_AND;
		bool paren = prec > mine;
		if (paren)
			CHECK(loa_buf_putc(o, '(') == LOA_OK);
		for (size_t i = 0; i < x->nkids; i++) {
			if (i)
				CHECK(loa_buf_puts(o, mine == P_OR ? " OR " : " AND ") == LOA_OK);
			/* kids of the same kind were flattened by the parser */
			unparse(x->kids[i], mine + 1, o, ok);
		}
		if (paren)
			CHECK(loa_buf_putc(o, ')') == LOA_OK);
		return;
	}
	}
	CHECK(!"unknown node kind");
}

static void check_tree(const loa_qnode *x, int depth)
{
	CHECK(depth <= 4 * LOA_QUERY_MAX_DEPTH);
	switch (x->kind) {
	case LOA_QN_TERM:
		CHECK(x->text && x->nkids == 0);
		CHECK(loa_utf8_valid(x->text, strlen(x->text)));
		return;
	case LOA_QN_FIELD:
		CHECK(x->text && x->field >= LOA_QF_SOURCE && x->field <= LOA_QF_URL);
		return;
	case LOA_QN_TIME:
		CHECK((x->since == LOA_TIME_NONE) != (x->until == LOA_TIME_NONE));
		return;
	case LOA_QN_NOT:
		CHECK(x->nkids == 1 && x->kids[0]->kind != LOA_QN_NOT);
		break;
	case LOA_QN_AND:
	case LOA_QN_OR:
		CHECK(x->nkids >= 2);
		for (size_t i = 0; i < x->nkids; i++)
			CHECK(x->kids[i]->kind != x->kind);
		break;
	case LOA_QN_NEAR:
		CHECK(x->nkids >= 2 && x->near >= 0 && x->near <= LOA_QUERY_MAX_NEAR);
		for (size_t i = 0; i < x->nkids; i++)
			CHECK(x->kids[i]->kind == LOA_QN_TERM);
		break;
	}
	for (size_t i = 0; i < x->nkids; i++)
		check_tree(x->kids[i], depth + 1);
}

/* Returns true when the line parsed. */
static bool one_query(const char *s, size_t n)
{
	loa_query *q = NULL;
	size_t pos = 0;
	loa_err err;
	int rc = loa_query_parse(s, n, NOW, &q, &pos, &err);
	if (rc != LOA_OK) {
		CHECK(q == NULL);
		CHECK(rc == LOA_EPARSE || rc == LOA_ETOOBIG || rc == LOA_EINVAL);
		CHECK(pos <= 3 * n + 1);
		CHECK(loa_utf8_valid(err.msg, strlen(err.msg)));
		return false;
	}
	CHECK(q && q->root);
	check_tree(q->root, 0);
	loa_buf d1, text, d2;
	loa_buf_init(&d1, (size_t)16 << 20);
	loa_buf_init(&text, (size_t)16 << 20);
	loa_buf_init(&d2, (size_t)16 << 20);
	CHECK(loa_query_dump(q, &d1) == LOA_OK);
	bool ok = true;
	unparse(q->root, 0, &text, &ok);
	if (ok) {
		loa_query *q2 = NULL;
		rc = loa_query_parse(text.data, text.len, NOW, &q2, &pos, &err);
		if (rc != LOA_OK) {
			fprintf(stderr, "written query does not parse: %s\n  query: %.*s\n  written: %s\n",
				err.msg, (int)n, s, text.data);
			abort();
		}
		CHECK(loa_query_dump(q2, &d2) == LOA_OK);
		if (d1.len != d2.len || memcmp(d1.data, d2.data, d1.len) != 0) {
			fprintf(stderr, "round trip changed the query:\n  query: %.*s\n  written: %s\n"
					"  dump: %s\n  again: %s\n",
				(int)n, s, text.data, d1.data, d2.data);
			abort();
		}
		loa_query_free(q2);
	}
	loa_buf_release(&d1);
	loa_buf_release(&text);
	loa_buf_release(&d2);
	loa_query_free(q);
	return true;
}

static void match(const char *const *lines, const size_t *lens, size_t nlines, const char *item,
		  size_t itemlen)
{
	loa_matcher *m = NULL;
	loa_err err;
	CHECK(loa_matcher_new(&m, &err) == LOA_OK);
	for (size_t i = 0; i < nlines; i++) {
		char *z = strndup(lines[i], lens[i]);
		CHECK(z);
		(void)loa_matcher_add(m, (int64_t)i + 1, z, NOW, &err);
		free(z);
	}
	if (loa_matcher_compile(m, &err) == LOA_OK) {
		char *text = strndup(item, itemlen);
		CHECK(text);
		const char *nl = strchr(text, '\n');
		char *title = strndup(text, nl ? (size_t)(nl - text) : strlen(text));
		CHECK(title);
		loa_search_item it = {.id = 1, .title = title, .text = text, .source = "vnexpress",
				      .org = "bo-y-te", .kind = "article", .platform = "web",
				      .lang = "vi", .author = "nguyen van a", .url = "https://vnexpress.net/a",
				      .tone = "negative", .published_at = NOW - 3600000};
		const int64_t *ids = NULL;
		size_t n1 = 0, n2 = 0;
		CHECK(loa_matcher_match(m, &it, &ids, &n1, &err) == LOA_OK);
		int64_t *first = n1 ? malloc(n1 * sizeof *first) : NULL;
		if (n1) {
			CHECK(first);
			memcpy(first, ids, n1 * sizeof *first);
		}
		CHECK(n1 <= loa_matcher_count(m));
		CHECK(loa_matcher_match(m, &it, &ids, &n2, &err) == LOA_OK);
		CHECK(n1 == n2 && (n1 == 0 || memcmp(first, ids, n1 * sizeof *ids) == 0));
		free(first);
		free(title);
		free(text);
	}
	loa_matcher_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *lines[MAX_LINES];
	size_t lens[MAX_LINES], nlines = 0;
	size_t start = 0, i = 0;
	bool item = false;
	for (; i <= size; i++) {
		if (i < size && s[i] != '\n')
			continue;
		if (i == start && i < size) { /* a blank line: the item follows */
			item = true;
			i++;
			break;
		}
		if (i > start && nlines < MAX_LINES && one_query(s + start, i - start)) {
			lines[nlines] = s + start;
			lens[nlines++] = i - start;
		}
		start = i + 1;
	}
	if (item && nlines > 0)
		match(lines, lens, nlines, s + i, size - i);
	return 0;
}
