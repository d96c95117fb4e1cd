/* iCalendar writing (folding at 75 octets without cutting UTF-8, TEXT
 * escaping, CRLF, UTC times) and the word-level diff (the two texts are
 * rebuilt from the operations; minimal on known cases; random edits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "workflow/diff.h"
#include "workflow/ics.h"

static loa_ms at(const char *rfc)
{
	loa_ms t;
	assert_int_equal(loa_time_parse_rfc3339(rfc, strlen(rfc), &t), LOA_OK);
	return t;
}

/* Every line ends with CRLF, is at most 75 octets, valid UTF-8 on its own. */
static void check_lines(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		const char *crlf = strstr(s + i, "\r\n");
		assert_non_null(crlf);
		size_t len = (size_t)(crlf - (s + i));
		assert_true(len <= LOA_ICS_LINE_MAX);
		assert_true(loa_utf8_valid(s + i, len));
		assert_null(memchr(s + i, '\n', len));
		assert_null(memchr(s + i, '\r', len));
		i += len + 2;
	}
}

/* Unfolds (RFC 5545 §3.1) into out. */
static void unfold(const char *s, loa_buf *out)
{
	for (const char *p = s; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) {
			p += 2;
			continue;
		}
		loa_buf_putc(out, *p);
	}
}

static void ics_event(void **state)
{
	char desc[2048];
	snprintf(desc, sizeof desc, "Họp báo Chính phủ thường kỳ, tháng 5; nội dung: \\ giá xăng, điện\ndòng hai. %s",
		 "Tiếng Việt có dấu đặt ở nhiều chỗ để chắc chắn rằng dòng bị gập đúng ranh giới ký tự UTF-8 nhiều byte.");
	loa_ics_event e = {"hop-bao-1@loa", 2, at("2025-05-01T00:00:00Z"), at("2025-05-05T15:00:00+07:00"),
			   at("2025-05-05T16:30:00+07:00"), "Họp báo: giá xăng, điện; tháng 5", "Hà Nội, 16 Lê Hồng Phong",
			   desc, "Văn phòng \"Chính phủ\"", "bao-chi@chinhphu.test", "REQUEST", NULL};
	loa_buf b;
	loa_buf_init(&b, 1 << 20);
	assert_int_equal(loa_ics_write(&e, &b), LOA_OK);
	check_lines(b.data, b.len);
	assert_memory_equal(b.data, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30);
	assert_non_null(strstr(b.data, "\r\nEND:VCALENDAR\r\n"));
	assert_non_null(strstr(b.data, "DTSTART:20250505T080000Z\r\n"));
	assert_non_null(strstr(b.data, "DTEND:20250505T093000Z\r\n"));
	assert_non_null(strstr(b.data, "DTSTAMP:20250501T000000Z\r\n"));
	assert_non_null(strstr(b.data, "METHOD:REQUEST\r\n"));
	assert_non_null(strstr(b.data, "SEQUENCE:2\r\n"));
	loa_buf u;
	loa_buf_init(&u, 1 << 20);
	unfold(b.data, &u);
	assert_non_null(strstr(u.data, "SUMMARY:Họp báo: giá xăng\\, điện\\; tháng 5\r\n"));
	assert_non_null(strstr(u.data, "LOCATION:Hà Nội\\, 16 Lê Hồng Phong\r\n"));
	assert_non_null(strstr(u.data, "nội dung: \\\\ giá xăng\\, điện\\ndòng hai."));
	assert_non_null(strstr(u.data, "ORGANIZER;CN=\"Văn phòng Chính phủ\":mailto:bao-chi@chinhphu.test\r\n"));
	assert_non_null(strstr(b.data, "\r\n ")); /* something was folded */
	loa_buf_release(&u);
	loa_buf_release(&b);
	/* end before start, no uid */
	loa_ics_event bad = e;
	bad.end = bad.start - 1;
	loa_buf_init(&b, 1 << 16);
	assert_int_equal(loa_ics_write(&bad, &b), LOA_EINVAL);
	bad = e;
	bad.uid = NULL;
	assert_int_equal(loa_ics_write(&bad, &b), LOA_EINVAL);
	loa_buf_release(&b);
}

static void ics_fold_exact(void **state)
{
	/* 75 octets stay on one line; 76 fold after 75; a 3-byte character
	 * that would cross the limit moves to the next line whole */
	char line[200];
	memset(line, 'a', 75);
	loa_buf b;
	loa_buf_init(&b, 4096);
	assert_int_equal(loa_ics_fold(&b, line, 75), LOA_OK);
	assert_int_equal(b.len, 77);
	loa_buf_reset(&b);
	memset(line, 'a', 76);
	assert_int_equal(loa_ics_fold(&b, line, 76), LOA_OK);
	assert_int_equal(b.len, 75 + 3 + 1 + 2);
	assert_memory_equal(b.data + 75, "\r\n a\r\n", 6);
	loa_buf_reset(&b);
	memset(line, 'a', 74);
	memcpy(line + 74, "ế", 3); /* would end at octet 77 */
	assert_int_equal(loa_ics_fold(&b, line, 77), LOA_OK);
	assert_memory_equal(b.data + 74, "\r\n ế\r\n", 8);
	check_lines(b.data, b.len);
	loa_buf_reset(&b);
	assert_int_equal(loa_ics_escape(&b, "a,b;c\\d\ne\r"), LOA_OK);
	assert_string_equal(b.data, "a\\,b\\;c\\\\d\\ne");
	loa_buf_release(&b);
	char t[20];
	assert_string_equal(loa_ics_time(at("2025-01-01T06:59:59+07:00"), t), "20241231T235959Z");
}

/* Rebuilds a (EQ + DEL) and b (EQ + INS) from the operations. */
static void rebuild(const loa_wf_diff *d, const char *a, const char *b, loa_buf *ra, loa_buf *rb)
{
	for (size_t i = 0; i < d->n; i++) {
		const loa_wf_op *o = &d->ops[i];
		if (o->op != LOA_WF_INS)
			loa_buf_append(ra, a + o->start, o->end - o->start);
		if (o->op == LOA_WF_EQ) {
			loa_buf_append(rb, a + o->start, o->end - o->start);
		} else if (o->op == LOA_WF_INS) {
			loa_buf_append(rb, b + o->start, o->end - o->start);
		}
	}
}

static void diff_check(const char *a, const char *b, size_t want_del, size_t want_ins)
{
	loa_wf_diff d;
	loa_err err;
	assert_int_equal(loa_wf_diff_texts(a, strlen(a), b, strlen(b), &d, &err), LOA_OK);
	loa_buf ra, rb;
	loa_buf_init(&ra, 1 << 22);
	loa_buf_init(&rb, 1 << 22);
	rebuild(&d, a, b, &ra, &rb);
	assert_int_equal(ra.len, strlen(a));
	assert_int_equal(rb.len, strlen(b));
	if (ra.len)
		assert_memory_equal(ra.data, a, ra.len);
	if (rb.len)
		assert_memory_equal(rb.data, b, rb.len);
	if (want_del != (size_t)-1) {
		assert_int_equal(d.words_del, want_del);
		assert_int_equal(d.words_ins, want_ins);
	}
	loa_buf_release(&ra);
	loa_buf_release(&rb);
	loa_wf_diff_release(&d);
}

static void diff_known(void **state)
{
	diff_check("", "", 0, 0);
	diff_check("", "một hai", 0, 2);
	diff_check("một hai", "", 2, 0);
	diff_check("Điều 1. Phạm vi điều chỉnh", "Điều 1. Phạm vi điều chỉnh", 0, 0);
	diff_check("mức phạt từ 5 triệu đồng", "mức phạt từ 10 triệu đồng", 1, 1);
	diff_check("a b c d e f", "a c d x e f", 1, 1);
	diff_check("Cơ sở kinh doanh dược.", "Cơ sở kinh doanh dược, cơ sở khám bệnh.", 0, 4);
	/* HTML: escaped, with del and ins */
	const char *a = "giá <b>cũ</b> là 5", *b = "giá <b>mới</b> là 5";
	loa_wf_diff d;
	loa_err err;
	assert_int_equal(loa_wf_diff_texts(a, strlen(a), b, strlen(b), &d, &err), LOA_OK);
	loa_buf h;
	loa_buf_init(&h, 4096);
	assert_int_equal(loa_wf_diff_html(&d, a, b, &h), LOA_OK);
	assert_string_equal(h.data, "giá &lt;b&gt;<del>cũ</del><ins>mới</ins>&lt;/b&gt; là 5");
	loa_buf_release(&h);
	loa_wf_diff_release(&d);
}

static void diff_random(void **state)
{
	static const char *const words[] = {"Điều", "khoản", "giá", "thuốc", "được", "quy", "định", "tại", "Nghị",
					    "định", "này", ",", ".", "\n", "và", "các", "cơ", "sở"};
	srand(7);
	for (int round = 0; round < 200; round++) {
		loa_buf a, b;
		loa_buf_init(&a, 1 << 20);
		loa_buf_init(&b, 1 << 20);
		int n = rand() % 60;
		for (int i = 0; i < n; i++) {
			const char *w = words[rand() % 18];
			loa_buf_printf(&a, "%s ", w);
			int r = rand() % 10;
			if (r == 0)
				continue;                         /* deleted */
			if (r == 1)
				loa_buf_printf(&b, "%s ", words[rand() % 18]); /* replaced */
			else
				loa_buf_printf(&b, "%s ", w);
			if (r == 2)
				loa_buf_printf(&b, "%s ", words[rand() % 18]); /* inserted */
		}
		diff_check(a.data ? a.data : "", b.data ? b.data : "", (size_t)-1, 0);
		loa_buf_release(&a);
		loa_buf_release(&b);
	}
	/* very different long texts: bounded work, still exact */
	loa_buf a, b;
	loa_buf_init(&a, 1 << 22);
	loa_buf_init(&b, 1 << 22);
	for (int i = 0; i < 5000; i++) {
		loa_buf_printf(&a, "a%d ", i);
		loa_buf_printf(&b, "b%d ", i);
	}
	diff_check(a.data, b.data, 5000, 5000);
	loa_buf_release(&a);
	loa_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ics_event), cmocka_unit_test(ics_fold_exact), cmocka_unit_test(diff_known),
		cmocka_unit_test(diff_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
