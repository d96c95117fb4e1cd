/* Parser units: every construct, error positions, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "search/query.h"

#define NOW ((loa_ms)1700000000000) /* 2023-11-14T22:13:20Z */

static void dump_eq(const char *q, const char *want)
{
	loa_query *Q;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_query_parse(q, strlen(q), NOW, &Q, NULL, &err);
	if (rc)
		fail_msg("'%s': %s", q, err.msg);
	loa_buf b;
	loa_buf_init(&b, 1 << 16);
	assert_int_equal(loa_query_dump(Q, &b), LOA_OK);
	if (strcmp(b.data, want) != 0)
		fail_msg("'%s' -> '%s', want '%s'", q, b.data, want);
	loa_buf_release(&b);
	loa_query_free(Q);
}

static void err_is(const char *q, int code, size_t pos, const char *needle)
{
	loa_query *Q;
	loa_err err;
	size_t p = 99;
	loa_err_clear(&err);
	int rc = loa_query_parse(q, strlen(q), NOW, &Q, &p, &err);
	if (rc == LOA_OK)
		fail_msg("'%s' parsed, expected an error", q);
	assert_null(Q);
	if (rc != code)
		fail_msg("'%s': code %d want %d (%s)", q, rc, code, err.msg);
	if (pos != (size_t)-1 && p != pos)
		fail_msg("'%s': position %zu want %zu (%s)", q, p, pos, err.msg);
	if (needle && !strstr(err.msg, needle))
		fail_msg("'%s': message '%s' lacks '%s'", q, err.msg, needle);
}

static void constructs(void **state)
{
	dump_eq("xây", "xây");
	dump_eq("giay phep xay dung", "(AND giay phep xay dung)");
	dump_eq("a AND b", "(AND a b)");
	dump_eq("a OR b c", "(OR a (AND b c))");
	dump_eq("(a OR b) c", "(AND (OR a b) c)");
	dump_eq("a NOT b", "(AND a (NOT b))");
	dump_eq("a -b", "(AND a (NOT b))");
	dump_eq("a AND NOT NOT b", "(AND a b)");
	dump_eq("\"giấy phép\" xây*", "(AND \"giấy phép\" xây*)");
	dump_eq("a NEAR/5 \"b c\"", "(NEAR/5 a \"b c\")");
	dump_eq("a ONEAR/2 b ONEAR/2 c", "(ONEAR/2 a b c)");
	dump_eq("title:xây", "title:xây");
	dump_eq("title:(a OR \"b c\")", "(OR title:a title:\"b c\")");
	dump_eq("TITLE:a source:VnExpress", "(AND title:a source=vnexpress)");
	dump_eq("a org:bo-xay-dung kind:article platform:facebook tone:negative lang:vi",
		"(AND a org=bo-xay-dung kind=article platform=facebook tone=negative lang=vi)");
	dump_eq("a author:\"Nguyễn Văn A\"", "(AND a author=nguyen van a)");
	dump_eq("a url:https://x.vn/a?b=1", "(AND a url=https://x.vn/a?b=1)");
	dump_eq("a since:2024-01-31", "(AND a since=2024-01-30T17:00:00Z)");
	dump_eq("a since:31/01/2024 until:1/2/2024",
		"(AND a since=2024-01-30T17:00:00Z until=2024-02-01T17:00:00Z)");
	dump_eq("a since:7d", "(AND a since=2023-11-07T22:13:20Z)");
	dump_eq("a since:24h", "(AND a since=2023-11-13T22:13:20Z)");
	dump_eq("a since:2024-01-31T09:00:00+07:00", "(AND a since=2024-01-31T02:00:00Z)");
	dump_eq("giay_phep", "giay phep");
	dump_eq("https://x.vn/a", "https://x.vn/a");
	dump_eq("covid-19 -tin", "(AND covid-19 (NOT tin))");
	dump_eq("source:a OR source:b", "(OR source=a source=b)");
	dump_eq("source:a NOT b", "(AND source=a (NOT b))");
}

static void flags(void **state)
{
	loa_query *Q;
	assert_int_equal(loa_query_parse("xây dung*", 10, NOW, &Q, NULL, NULL), LOA_OK);
	assert_true(Q->root->kids[0]->diacritics);
	assert_false(Q->root->kids[1]->diacritics);
	assert_true(Q->root->kids[1]->prefix);
	assert_int_equal(Q->nterms, 2);
	assert_false(Q->has_onear);
	loa_query_free(Q);
	assert_int_equal(loa_query_parse("a ONEAR/1 b", 11, NOW, &Q, NULL, NULL), LOA_OK);
	assert_true(Q->has_onear);
	loa_query_free(Q);
}

static void errors(void **state)
{
	/* positions are 1-based bytes; the message names the character column */
	err_is("(a OR b", LOA_EPARSE, 8, "expected ')'");
	err_is("(a OR b", LOA_EPARSE, 8, "vị trí 8 (ký tự 8): cần ')'");
	err_is("(xây OR dựng", LOA_EPARSE, 16, "position 16 (character 13): expected ')'");
	err_is("a OR", LOA_EPARSE, 5, "a term after OR");
	err_is("a AND", LOA_EPARSE, 6, "a term after AND");
	err_is("a AND OR b", LOA_EPARSE, 7, "a term after AND");
	err_is("OR a", LOA_EPARSE, 1, "a term before the operator");
	err_is("a b)", LOA_EPARSE, 4, "unbalanced ')'");
	err_is("()", LOA_EPARSE, 2, "inside the parentheses");
	err_is("\"giấy phép", LOA_EPARSE, 14, "closing '\"' for the phrase opened at 1");
	err_is("a NEAR b", LOA_EPARSE, 7, "'/n' after NEAR");
	err_is("a NEAR/x b", LOA_EPARSE, 8, "non-negative number");
	err_is("a NEAR/5000 b", LOA_ETOOBIG, 8, "NEAR distance");
	err_is("a NEAR/2 b NEAR/3 c", LOA_EPARSE, 12, "one distance");
	err_is("a NEAR/2 (b OR c)", LOA_EPARSE, 11, "words or \"phrases\"");
	err_is("NEAR/2 b", LOA_EPARSE, 1, NULL);
	err_is("foo:bar", LOA_EPARSE, 1, "unknown field");
	err_is("a since:yesterday", LOA_EPARSE, 9, "expected a time");
	err_is("a since:31/02/2024", LOA_EPARSE, 9, "expected a time");
	err_is("a source:", LOA_EPARSE, 10, "a value after 'source:'");
	err_is("a kind:blog", LOA_EPARSE, 8, "kind is one of");
	err_is("x*y", LOA_EPARSE, 2, "end of a word");
	err_is("a \"!!\"", LOA_EPARSE, 4, "no letters or digits");
	err_is("a title: b", LOA_EPARSE, 9, "right after 'title:'");
	err_is("title:source:x", LOA_EPARSE, 1, "terms only");
	err_is("", LOA_EINVAL, 0, "empty query");
	err_is("   ", LOA_EINVAL, 0, "empty query");
}

static void refusals(void **state)
{
	err_is("NOT a", LOA_EINVAL, 0, "every item");
	err_is("-a", LOA_EINVAL, 0, "every item");
	err_is("a OR NOT b", LOA_EINVAL, 0, "every item");
	err_is("since:7d", LOA_EINVAL, 0, "only time");
	err_is("since:7d until:1d", LOA_EINVAL, 0, NULL);
	err_is("*", LOA_EINVAL, 1, "wildcard");
	err_is("a*", LOA_EINVAL, 1, "at least 2");
	err_is("a x*", LOA_EINVAL, 3, NULL);
}

static void caps(void **state)
{
	char big[LOA_QUERY_MAX_LEN + 10];
	memset(big, 'a', sizeof big);
	loa_query *Q;
	assert_int_equal(loa_query_parse(big, sizeof big, NOW, &Q, NULL, NULL), LOA_ETOOBIG);
	/* deep nesting */
	char deep[200];
	size_t n = 0;
	for (int i = 0; i < 40; i++)
		deep[n++] = '(';
	deep[n++] = 'a';
	for (int i = 0; i < 40; i++)
		deep[n++] = ')';
	assert_int_equal(loa_query_parse(deep, n, NOW, &Q, NULL, NULL), LOA_ETOOBIG);
	/* many terms */
	char many[4000];
	n = 0;
	for (int i = 0; i < 600 && n + 4 < sizeof many; i++) {
		many[n++] = 'a';
		many[n++] = 'b';
		many[n++] = ' ';
	}
	assert_int_equal(loa_query_parse(many, n, NOW, &Q, NULL, NULL), LOA_ETOOBIG);
	/* invalid UTF-8 and NUL are not a crash */
	assert_int_equal(loa_query_parse("a\xff\0b", 4, NOW, &Q, NULL, NULL), LOA_OK);
	loa_query_free(Q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(constructs), cmocka_unit_test(flags), cmocka_unit_test(errors),
		cmocka_unit_test(refusals), cmocka_unit_test(caps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
