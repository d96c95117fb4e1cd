/* test_html.c - the sanitiser's allow-list and the text rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/buf.h"
#include "feed/feed.h"

static loa_html *H;

static void render(const char *in, const char *base, const char *html, const char *text)
{
	loa_buf h, t;
	loa_buf_init(&h, 1 << 20);
	loa_buf_init(&t, 1 << 20);
	assert_int_equal(loa_html_render(H, in, strlen(in), base, &h, &t), LOA_OK);
	if (html && strcmp(h.data ? h.data : "", html) != 0)
		fail_msg("html of '%s':\n got  '%s'\n want '%s'", in, h.data ? h.data : "", html);
	if (text && strcmp(t.data ? t.data : "", text) != 0)
		fail_msg("text of '%s':\n got  '%s'\n want '%s'", in, t.data ? t.data : "", text);
	/* idempotent */
	loa_buf h2;
	loa_buf_init(&h2, 1 << 20);
	assert_int_equal(loa_html_render(H, h.data ? h.data : "", h.len, base, &h2, NULL), LOA_OK);
	assert_string_equal(h2.data ? h2.data : "", h.data ? h.data : "");
	loa_buf_release(&h);
	loa_buf_release(&t);
	loa_buf_release(&h2);
}

static void scripts_and_styles(void **state)
{
	render("a<script>alert(1)</script>b", NULL, "ab", "ab");
	render("<style>p{color:red}</style><p>x</p>", NULL, "<p>x</p>", "x");
	render("<SCRIPT SRC=//evil></SCRIPT>ok", NULL, "ok", "ok");
	render("<applet>no</applet>yes", NULL, "yes", "yes");
}

static void event_handlers(void **state)
{
	render("<p onclick=\"evil()\" class=\"x\">t</p>", NULL, "<p class=\"x\">t</p>", "t");
	render("<img src=\"a.png\" onerror=\"evil()\" alt=\"A\">", "http://a.vn/b/",
	       "<img src=\"http://a.vn/b/a.png\" alt=\"A\" />", "");
	render("<div style=\"background:url(javascript:x)\">s</div>", NULL, "<div>s</div>", "s");
}

static void urls(void **state)
{
	render("<a href=\"javascript:alert(1)\">x</a>", NULL, "<a href=\"\">x</a>", "x");
	render("<a href=\" JaVaScRiPt:alert(1)\">x</a>", NULL, "<a href=\"\">x</a>", "x");
	render("<img src=\"data:image/png;base64,AAAA\">", NULL, "<img src=\"\" />", "");
	render("<a href=\"vbscript:x\">x</a>", NULL, "<a href=\"\">x</a>", "x");
	render("<a href=\"/tin/1.html\">t</a>", "https://baochinhphu.vn/a/b.htm",
	       "<a href=\"https://baochinhphu.vn/tin/1.html\">t</a>", "t");
	render("<a href=\"mailto:a@b.vn\">m</a>", NULL, "<a href=\"mailto:a@b.vn\">m</a>", "m");
}

static void structure_and_text(void **state)
{
	render("<h1>Tiêu đề</h1><p>Đoạn <b>một</b>.</p><p>Đoạn&nbsp;hai &amp; ba</p>", NULL,
	       "<h1>Tiêu đề</h1><p>Đoạn <b>một</b>.</p><p>Đoạn\xc2\xa0hai &amp; ba</p>",
	       "Tiêu đề\nĐoạn một.\nĐoạn hai & ba");
	render("dòng 1<br>dòng   2", NULL, "dòng 1<br />dòng   2", "dòng 1\ndòng 2");
	render("<ul><li>a</li><li>b</li></ul>", NULL, "<ul><li>a</li><li>b</li></ul>", "a\nb");
	render("<table><tr><td>a</td><td>b</td></tr></table>", NULL,
	       "<table><tr><td>a</td><td>b</td></tr></table>", "a b");
	render("<unknown>kept</unknown> <p>unclosed", NULL, "kept <p>unclosed</p>", "kept\nunclosed");
	render("plain text, no markup", NULL, "plain text, no markup", "plain text, no markup");
	render("1 > 0", NULL, "1 &gt; 0", "1 > 0");
	render("<!-- comment -->x", NULL, "x", "x");
}

static int setup(void **state)
{
	loa_feed_global_init();
	H = loa_html_new();
	return H ? 0 : -1;
}

static int teardown(void **state)
{
	loa_html_free(H);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scripts_and_styles),
		cmocka_unit_test(event_handlers),
		cmocka_unit_test(urls),
		cmocka_unit_test(structure_and_text),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
