/*
 * test_sign.c - unit tests of the network room's signatures: RFC 8785
 * canonicalisation (the RFC's examples and number vectors), Ed25519
 * sign/verify, tampering (which field changed), key rotation (old
 * signatures still verify within their key's validity), the publishing
 * workflow by role and organisation, embargo, and the fidelity diff.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "core/str.h"
#include "network/network.h"
#include "network/reach.h"
#include "network/sign.h"
#include "testutil.h"

#include "core/banned.h"

static char dir[256], dbpath[300], keypath[300];

static int setup(void **state)
{
	const char *t = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/loa-net-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/t.db", dir);
	snprintf(keypath, sizeof keypath, "%s/t.db.keys", dir);
	return 0;
}

static int teardown(void **state)
{
	char p[400];
	loa_test_unlink_db(dbpath);
	snprintf(p, sizeof p, "%s.keys", dbpath);
	unlink(p);
	rmdir(dir);
	return 0;
}

static void jcs_is(const char *in, const char *want)
{
	loa_buf b;
	loa_buf_init(&b, 1 << 20);
	loa_err err;
	int rc = loa_jcs_text(in, strlen(in), &b, &err);
	if (rc)
		fail_msg("jcs(%s): %s", in, loa_err_msg(&err));
	assert_string_equal(b.data, want);
	loa_buf_release(&b);
}

static void test_jcs_rfc_examples(void **state)
{
	/* RFC 8785 section 3.2.2 */
	jcs_is("{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
	       "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
	       "  \"literals\": [null, true, false]\n}",
	       "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
	       "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
	/* section 3.2.3: sorting by UTF-16 code units */
	jcs_is("{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\", \"\\ufb33\": \"Hebrew Letter Dalet With "
	       "Dagesh\", \"1\": \"One\", \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\", "
	       "\"\\u00f6\": \"Latin Small Letter O With Diaeresis\"}",
	       "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\",\"ö\":\"Latin Small Letter O With "
	       "Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
	/* a prefix sorts first; nesting; no insignificant whitespace */
	jcs_is("{ \"org_name\" : 1, \"org\" : [ {\"b\":2, \"a\":1} ] }", "{\"org\":[{\"a\":1,\"b\":2}],\"org_name\":1}");
	jcs_is("\"tiếng Việt\"", "\"tiếng Việt\"");
	/* empty objects (found by fuzz/fuzz_sign.c: qsort on NULL) */
	jcs_is("{}", "{}");
	jcs_is("{\"o\": {}, \"a\": [{}, { }]}", "{\"a\":[{},{}],\"o\":{}}");
	/* duplicates and malformed JSON are refused */
	loa_buf b;
	loa_buf_init(&b, 1024);
	assert_int_equal(loa_jcs_text("{\"a\":1,\"a\":2}", 13, &b, NULL), LOA_EPARSE);
	assert_int_equal(loa_jcs_text("{\"a\":", 5, &b, NULL), LOA_EPARSE);
	loa_buf_release(&b);
}

static double from_hex(const char *h)
{
	uint64_t u = strtoull(h, NULL, 16);
	double d;
	memcpy(&d, &u, sizeof d);
	return d;
}

static void test_jcs_numbers(void **state)
{
	/* RFC 8785 appendix B (checked against ECMAScript in node) */
	static const char *const v[][2] = {
		{"0000000000000000", "0"},
		{"8000000000000000", "0"},
		{"0000000000000001", "5e-324"},
		{"8000000000000001", "-5e-324"},
		{"7fefffffffffffff", "1.7976931348623157e+308"},
		{"ffefffffffffffff", "-1.7976931348623157e+308"},
		{"4340000000000000", "9007199254740992"},
		{"c340000000000000", "-9007199254740992"},
		{"4430000000000000", "295147905179352830000"},
		{"44b52d02c7e14af5", "9.999999999999997e+22"},
		{"44b52d02c7e14af6", "1e+23"},
		{"44b52d02c7e14af7", "1.0000000000000001e+23"},
		{"444b1ae4d6e2ef4e", "999999999999999700000"},
		{"444b1ae4d6e2ef4f", "999999999999999900000"},
		{"444b1ae4d6e2ef50", "1e+21"},
		{"3eb0c6f7a0b5ed8c", "9.999999999999997e-7"},
		{"3eb0c6f7a0b5ed8d", "0.000001"},
		{"41b3de4355555553", "333333333.3333332"},
		{"41b3de4355555554", "333333333.33333325"},
		{"41b3de4355555555", "333333333.3333333"},
		{"41b3de4355555556", "333333333.3333334"},
		{"41b3de4355555557", "333333333.33333343"},
		{"becbf647612f3696", "-0.0000033333333333333333"},
		{"43143ff3c1cb0959", "1424953923781206.2"},
	};
	char out[64];
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		assert_int_equal(loa_jcs_number(from_hex(v[i][0]), out, sizeof out), LOA_OK);
		if (strcmp(out, v[i][1]) != 0)
			fail_msg("%s: got %s, want %s", v[i][0], out, v[i][1]);
	}
	assert_int_equal(loa_jcs_number(from_hex("7fffffffffffffff"), out, sizeof out), LOA_EINVAL); /* NaN */
	assert_int_equal(loa_jcs_number(from_hex("7ff0000000000000"), out, sizeof out), LOA_EINVAL); /* Infinity */
	/* integers as written, and beyond 2^53 through double */
	jcs_is("[0, -1, 42, 9007199254740993, 1e2]", "[0,-1,42,9007199254740992,100]");
}

static loa_config *test_cfg(void)
{
	loa_config *c = loa_config_new();
	loa_config_set(c, "db", dbpath, LOA_CFG_FLAG, NULL);
	loa_config_set(c, "network.base_url", "http://127.0.0.1:9", LOA_CFG_FLAG, NULL);
	return c;
}

static loa_store *open_db(void)
{
	loa_store *s;
	loa_err err;
	if (loa_store_open(dbpath, 0, &s, &err) != LOA_OK)
		fail_msg("open: %s", loa_err_msg(&err));
	return s;
}

static void add_org(loa_store *s, const char *slug, const char *name)
{
	loa_org o = {0};
	o.slug = slug;
	o.name = name;
	o.kind = "ministry";
	o.valid_from = o.valid_to = LOA_TIME_NONE;
	loa_err err;
	if (loa_store_org_add(s, &o, NULL, &err) != LOA_OK)
		fail_msg("org add: %s", loa_err_msg(&err));
}

static void test_sign_tamper_rotate(void **state)
{
	loa_store *s = open_db();
	loa_config *cfg = test_cfg();
	add_org(s, "bo-y-te", "Bộ Y tế");
	loa_err err;
	json_t *fields = json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", "http://x/p/bo-y-te/1", "title", "Tiêu đề", "text",
				   "Nội dung có 1.500 trạm y tế.", "signed_at", "2030-01-01T00:00:00Z", "updated",
				   "2030-01-01T00:00:00Z");
	/* signed_at must lie in the key's validity: use the present */
	char now[LOA_TIME_STR_MAX];
	json_object_set_new(fields, "signed_at", json_string(loa_time_format_rfc3339(loa_now_ms(), now)));
	json_t *sig = NULL;
	assert_int_equal(loa_sign_fields(s, cfg, "bo-y-te", "http://x/.well-known/loa-keys.json", fields, &sig, &err),
			 LOA_OK);
	char *sig_json = json_dumps(sig, JSON_COMPACT);
	/* the master key file is private */
	assert_int_equal(access(keypath, R_OK), 0);

	loa_keyring *kr = loa_keyring_new();
	assert_int_equal(loa_keyring_add_store(kr, s, &err), LOA_OK);
	assert_int_equal(loa_keyring_size(kr), 1);
	loa_shown_entry sh = {0};
	sh.id = "http://x/p/bo-y-te/1";
	sh.title = "Tiêu  đề";                         /* whitespace does not matter */
	sh.text = "Nội dung có\n1.500 trạm y tế.";
	sh.published = sh.updated = LOA_TIME_NONE;
	loa_verify_result r;
	assert_int_equal(loa_verify_entry(kr, sig_json, strlen(sig_json), &sh, &r, &err), LOA_OK);
	assert_int_equal(r.status, LOA_VERIFY_OK);

	/* the shown text changed: the signature is fine, the field is named */
	sh.text = "Nội dung có 15.000 trạm y tế.";
	assert_int_equal(loa_verify_entry(kr, sig_json, strlen(sig_json), &sh, &r, &err), LOA_OK);
	assert_int_equal(r.status, LOA_VERIFY_ALTERED);
	assert_string_equal(r.fields, "text");
	sh.text = "Nội dung có 1.500 trạm y tế.";
	sh.title = "Tiêu đề khác";
	assert_int_equal(loa_verify_entry(kr, sig_json, strlen(sig_json), &sh, &r, &err), LOA_OK);
	assert_int_equal(r.status, LOA_VERIFY_ALTERED);
	assert_string_equal(r.fields, "title");
	sh.title = "Tiêu đề";

	/* the signed fields themselves altered: the signature fails */
	json_t *forged = json_deep_copy(sig);
	json_object_set_new(json_object_get(forged, "signed"), "text", json_string("Nội dung giả."));
	char *forged_json = json_dumps(forged, JSON_COMPACT);
	assert_int_equal(loa_verify_entry(kr, forged_json, strlen(forged_json), &sh, &r, &err), LOA_OK);
	assert_int_equal(r.status, LOA_VERIFY_BAD_SIG);
	assert_non_null(strstr(r.fields, "text")); /* which field differs from what is shown */

	/* an unknown key, a malformed signature, no signature */
	loa_keyring *empty = loa_keyring_new();
	assert_int_equal(loa_verify_entry(empty, sig_json, strlen(sig_json), &sh, &r, &err), LOA_OK);
	assert_int_equal(r.status, LOA_VERIFY_UNKNOWN_KEY);
	assert_int_equal(loa_verify_entry(kr, "{\"alg\":\"RSA\"}", 13, &sh, &r, &err), LOA_OK);
	assert_int_equal(r.status, LOA_VERIFY_MALFORMED);
	assert_int_equal(loa_verify_entry(kr, NULL, 0, &sh, &r, &err), LOA_OK);
	assert_int_equal(r.status, LOA_VERIFY_UNSIGNED);

	/* rotation: the old key ends, its signatures still verify; a new
	 * signature names the new key */
	usleep(5000);
	loa_key_info k2;
	assert_int_equal(loa_keys_rotate(s, cfg, "bo-y-te", "test", &k2, &err), LOA_OK);
	loa_keyring *kr2 = loa_keyring_new();
	assert_int_equal(loa_keyring_add_store(kr2, s, &err), LOA_OK);
	assert_int_equal(loa_keyring_size(kr2), 2);
	assert_int_equal(loa_verify_entry(kr2, sig_json, strlen(sig_json), &sh, &r, &err), LOA_OK);
	assert_int_equal(r.status, LOA_VERIFY_OK);
	const char *old_kid = json_string_value(json_object_get(sig, "key_id"));
	const loa_key_info *old = loa_keyring_find(kr2, old_kid);
	assert_non_null(old);
	assert_true(old->valid_to != LOA_TIME_NONE);
	json_t *f2 = json_pack("{s:s,s:s}", "id", "http://x/p/bo-y-te/2", "title", "Hai");
	json_object_set_new(f2, "signed_at", json_string(loa_time_format_rfc3339(loa_now_ms(), now)));
	json_t *sig2 = NULL;
	assert_int_equal(loa_sign_fields(s, cfg, "bo-y-te", "http://x/k", f2, &sig2, &err), LOA_OK);
	assert_string_equal(json_string_value(json_object_get(sig2, "key_id")), k2.key_id);
	assert_string_not_equal(k2.key_id, old_kid);
	/* a signature dated after its key ended does not verify: re-sign
	 * with the old key is impossible, so forge the date instead */
	json_t *late = json_deep_copy(sig);
	json_object_set_new(json_object_get(late, "signed"), "signed_at", json_string("2099-01-01T00:00:00Z"));
	char *late_json = json_dumps(late, JSON_COMPACT);
	assert_int_equal(loa_verify_entry(kr2, late_json, strlen(late_json), NULL, &r, &err), LOA_OK);
	assert_int_equal(r.status, LOA_VERIFY_BAD_SIG);

	/* the keys document round-trips into a keyring */
	json_t *doc = NULL;
	assert_int_equal(loa_keys_document(s, &doc, &err), LOA_OK);
	char *doc_json = json_dumps(doc, 0);
	loa_keyring *kr3 = loa_keyring_new();
	assert_int_equal(loa_keyring_add_document(kr3, doc_json, strlen(doc_json), &err), LOA_OK);
	assert_int_equal(loa_keyring_size(kr3), 2);
	assert_int_equal(loa_verify_entry(kr3, sig_json, strlen(sig_json), &sh, &r, &err), LOA_OK);
	assert_int_equal(r.status, LOA_VERIFY_OK);

	free(doc_json);
	json_decref(doc);
	free(late_json);
	json_decref(late);
	json_decref(sig2);
	json_decref(f2);
	free(forged_json);
	json_decref(forged);
	free(sig_json);
	json_decref(sig);
	json_decref(fields);
	loa_keyring_free(kr);
	loa_keyring_free(kr2);
	loa_keyring_free(kr3);
	loa_keyring_free(empty);
	loa_config_free(cfg);
	loa_store_close(s);
}

typedef struct vcount {
	int n;
	int status;
	char title[256];
} vcount;

static int count_cb(void *arg, const loa_official_version *v)
{
	vcount *c = arg;
	c->n++;
	loa_strlcpy(c->title, v->title, sizeof c->title);
	return 0;
}

static void test_workflow(void **state)
{
	loa_store *s = open_db();
	loa_config *cfg = test_cfg();
	add_org(s, "bo-y-te", "Bộ Y tế");
	add_org(s, "bo-tai-chinh", "Bộ Tài chính");
	loa_err err;
	loa_actor editor = {"bientap", LOA_ROLE_EDITOR, "bo-y-te"};
	loa_actor spokes = {"phatngon", LOA_ROLE_SPOKESPERSON, "bo-y-te"};
	loa_actor other = {"khac", LOA_ROLE_SPOKESPERSON, "bo-tai-chinh"};
	loa_actor analyst = {"phantich", LOA_ROLE_ANALYST, "bo-y-te"};
	loa_official_draft d = {"bo-y-te", "statement", "Thông tin phát ngôn", "Nội dung.", NULL, LOA_TIME_NONE};
	int64_t id;
	/* who may draft */
	assert_int_equal(loa_official_create(s, &spokes, &d, &id, &err), LOA_EPERM);
	assert_int_equal(loa_official_create(s, &analyst, &d, &id, &err), LOA_EPERM);
	loa_official_draft d_other = d;
	d_other.org = "bo-tai-chinh";
	assert_int_equal(loa_official_create(s, &editor, &d_other, &id, &err), LOA_EPERM);
	loa_official_draft bad = d;
	bad.kind = "rumour";
	assert_int_equal(loa_official_create(s, &editor, &bad, &id, &err), LOA_EINVAL);
	assert_int_equal(loa_official_create(s, &editor, &d, &id, &err), LOA_OK);
	/* steps out of order and by the wrong role */
	assert_int_equal(loa_official_approve(s, &spokes, id, &err), LOA_EEXIST);
	assert_int_equal(loa_official_submit(s, &editor, id, &err), LOA_OK);
	assert_int_equal(loa_official_approve(s, &editor, id, &err), LOA_EPERM);
	assert_int_equal(loa_official_approve(s, &other, id, &err), LOA_EPERM); /* another organisation */
	assert_int_equal(loa_official_publish(s, cfg, &spokes, id, &err), LOA_EEXIST);
	assert_int_equal(loa_official_approve(s, &spokes, id, &err), LOA_OK);
	assert_int_equal(loa_official_publish(s, cfg, &other, id, &err), LOA_EPERM);
	assert_int_equal(loa_official_publish(s, cfg, &spokes, id, &err), LOA_OK);
	loa_official o;
	assert_int_equal(loa_official_get(s, id, &o, &err), LOA_OK);
	assert_string_equal(o.state, "published");
	assert_int_equal(o.version, 1);
	loa_official_release(&o);
	/* a correction is a new signed version */
	assert_int_equal(loa_official_correct(s, cfg, &editor, id, NULL, "Sửa.", NULL, &err), LOA_EPERM);
	assert_int_equal(loa_official_correct(s, cfg, &spokes, id, NULL, "Nội dung đã đính chính.", "sai số", &err),
			 LOA_OK);
	vcount c = {0};
	loa_official_query q = {0};
	q.id = id;
	q.now = LOA_TIME_NONE;
	q.all_versions = true;
	assert_int_equal(loa_official_versions_each(s, &q, count_cb, &c, &err), LOA_OK);
	assert_int_equal(c.n, 2);
	/* the store item exists (kind official, source <org>-portal) */
	loa_source_rec src;
	assert_int_equal(loa_store_source_get(s, "bo-y-te-portal", &src, &err), LOA_OK);
	assert_string_equal(src.outlet, "portal");

	/* embargo: invisible until its time, then released */
	loa_official_draft e = d;
	e.title = "Hẹn giờ";
	e.embargo_until = loa_now_ms() + 400;
	int64_t eid;
	assert_int_equal(loa_official_create(s, &editor, &e, &eid, &err), LOA_OK);
	assert_int_equal(loa_official_submit(s, &editor, eid, &err), LOA_OK);
	assert_int_equal(loa_official_approve(s, &spokes, eid, &err), LOA_OK);
	assert_int_equal(loa_official_publish(s, cfg, &spokes, eid, &err), LOA_OK);
	vcount c2 = {0};
	loa_official_query q2 = {0};
	q2.id = eid;
	q2.now = LOA_TIME_NONE;
	assert_int_equal(loa_official_versions_each(s, &q2, count_cb, &c2, &err), LOA_OK);
	assert_int_equal(c2.n, 0);
	int released = -1;
	assert_int_equal(loa_official_release_due(s, cfg, &released, &err), LOA_OK);
	assert_int_equal(released, 0);
	usleep(500 * 1000);
	assert_int_equal(loa_official_release_due(s, cfg, &released, &err), LOA_OK);
	assert_int_equal(released, 1);
	assert_int_equal(loa_official_versions_each(s, &q2, count_cb, &c2, &err), LOA_OK);
	assert_int_equal(c2.n, 1);

	/* withdrawal */
	assert_int_equal(loa_official_withdraw(s, cfg, &spokes, id, "", &err), LOA_EINVAL);
	assert_int_equal(loa_official_withdraw(s, cfg, &spokes, id, "nhầm lẫn", &err), LOA_OK);
	assert_int_equal(loa_official_get(s, id, &o, &err), LOA_OK);
	assert_string_equal(o.state, "withdrawn");
	assert_int_equal(o.version, 3);
	loa_official_release(&o);
	assert_int_equal(loa_official_correct(s, cfg, &spokes, id, NULL, "x", NULL, &err), LOA_EEXIST);
	loa_config_free(cfg);
	loa_store_close(s);
}

static void test_fidelity(void **state)
{
	const char *orig = "Bộ Y tế cho biết từ ngày 1/7, 1.500 trạm y tế xã sẽ không thu phí khám bệnh cho người dân "
			   "theo chỉ đạo của Bộ trưởng Đào Hồng Lan tại cuộc họp.";
	loa_fidelity f;
	loa_buf d;
	loa_buf_init(&d, 1 << 16);
	/* a faithful copy with its own lead and a cut end */
	assert_int_equal(loa_fidelity_compare(orig, "Theo Cổng TTĐT, Bộ Y tế cho biết từ ngày 1/7, 1.500 trạm y tế xã "
						    "sẽ không thu phí khám bệnh", &f, &d), LOA_OK);
	assert_false(f.numbers || f.names || f.negations);
	loa_buf_reset(&d);
	/* a changed number */
	assert_int_equal(loa_fidelity_compare(orig, "Bộ Y tế cho biết từ ngày 1/7, 15.000 trạm y tế xã sẽ không thu phí "
						    "khám bệnh cho người dân", &f, &d), LOA_OK);
	assert_true(f.numbers);
	assert_false(f.negations);
	if (!strstr(d.data, "[-1.500-] {+15.000+}"))
		fail_msg("diff: %s", d.data);
	loa_buf_reset(&d);
	/* a dropped negation */
	assert_int_equal(loa_fidelity_compare(orig, "Bộ Y tế cho biết từ ngày 1/7, 1.500 trạm y tế xã sẽ thu phí khám "
						    "bệnh cho người dân", &f, &d), LOA_OK);
	assert_true(f.negations);
	assert_false(f.numbers);
	loa_buf_reset(&d);
	/* a changed name */
	assert_int_equal(loa_fidelity_compare(orig, "theo chỉ đạo của Bộ trưởng Nguyễn Văn An.", &f, &d), LOA_OK);
	assert_false(f.names); /* only the end differs: a cut copy, not a change */
	assert_int_equal(loa_fidelity_compare(orig, "1.500 trạm y tế xã sẽ không thu phí khám bệnh cho người dân theo "
						    "chỉ đạo của Bộ trưởng Nguyễn Văn An tại cuộc họp.", &f, &d), LOA_OK);
	assert_true(f.names);
	loa_buf_release(&d);
}

/* Documents that are mostly white space (found by fuzz/fuzz_sign.c: the
 * HTML sniffing read past the end of a body that is not NUL-terminated;
 * ASan catches the over-read). */
static void test_verify_short_documents(void **state)
{
	static const char *const bodies[] = {"\n\n\n\n\n\n\n\n\n\n\n\n\n\n\r\r\r", "                <h",
					     "\t<html", "   <!doctype html"};
	loa_keyring *kr = loa_keyring_new();
	assert_non_null(kr);
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		size_t n = strlen(bodies[i]);
		char *exact = malloc(n);
		assert_non_null(exact);
		memcpy(exact, bodies[i], n); /* no NUL after it */
		int ok = -1, total = -1;
		loa_err err;
		int rc = loa_verify_document(kr, exact, n, NULL, NULL, NULL, &ok, &total, &err);
		assert_true(rc == LOA_OK || rc == LOA_EPARSE);
		free(exact);
	}
	loa_keyring_free(kr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jcs_rfc_examples),
		cmocka_unit_test(test_jcs_numbers),
		cmocka_unit_test_setup_teardown(test_sign_tamper_rotate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_workflow, setup, teardown),
		cmocka_unit_test(test_fidelity),
		cmocka_unit_test(test_verify_short_documents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
