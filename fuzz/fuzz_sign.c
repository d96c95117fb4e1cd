/*
 * fuzz_sign.c - libFuzzer harness for the network room's handling of
 * outside bytes: the first byte picks a path, the rest is the input.
 *   0: RFC 8785 canonicalisation (loa_jcs_text): the output is valid UTF-8
 *      and canonicalising it again gives it back (a fixed point)
 *   1: a document verified offline with a fixed keyring
 *      (loa_verify_document; the content type is picked by the next byte)
 *   2: one signature object against shown fields (loa_verify_entry)
 *   3: sign and verify: the input (a JSON object) becomes the signed
 *      fields, signed with the fixed key; the signature object written by
 *      jansson must verify "ok" as an entry and as a document
 *   4: a key document (loa_keyring_add_document) and base64url
 *
 * Build with -DLOA_FUZZ=ON (clang); the normal build replays the seed
 * corpus in fuzz/corpus/sign through replay_main.c.
 */
#include <jansson.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "network/network.h"
#include "network/sign.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                          \
	do {                                                                              \
		if (!(c)) {                                                               \
			fprintf(stderr, "fuzz_sign: check failed: %s (line %d)\n", #c, __LINE__); \
			abort();                                                          \
		}                                                                         \
	} while (0)

#define KEY_ID "bo-y-te.20260101.f0f0f0f0f0f0f0f0"
#define SIGNED_AT "2026-01-01T00:00:00Z"

static loa_keyring *kr;
static unsigned char sk[64];

static void drop(void)
{
	loa_keyring_free(kr);
}

static loa_keyring *keyring(void)
{
	if (kr)
		return kr;
	CHECK(sodium_init() >= 0);
	unsigned char seed[32], pk[32];
	memset(seed, 7, sizeof seed);
	CHECK(crypto_sign_seed_keypair(pk, sk, seed) == 0);
	kr = loa_keyring_new();
	CHECK(kr);
	loa_key_info k;
	memset(&k, 0, sizeof k);
	snprintf(k.key_id, sizeof k.key_id, "%s", KEY_ID);
	snprintf(k.org, sizeof k.org, "%s", "bo-y-te");
	memcpy(k.pk, pk, sizeof pk);
	k.valid_from = 1735689600000; /* 2025-01-01 */
	k.valid_to = LOA_TIME_NONE;
	k.created_at = k.valid_from;
	CHECK(loa_keyring_add(kr, &k) == LOA_OK);
	atexit(drop);
	return kr;
}

static void jcs(const char *s, size_t n)
{
	loa_buf a, b;
	loa_buf_init(&a, (size_t)64 << 20);
	loa_buf_init(&b, (size_t)64 << 20);
	loa_err err;
	int rc = loa_jcs_text(s, n, &a, &err);
	if (rc == LOA_OK) {
		const char *as = a.data ? a.data : "";
		CHECK(loa_utf8_valid(as, a.len));
		rc = loa_jcs_text(as, a.len, &b, &err);
		if (rc != LOA_OK || a.len != b.len || memcmp(as, b.data ? b.data : "", a.len) != 0) {
			fprintf(stderr, "JCS not a fixed point (rc %d %s):\n  %.*s\n  %.*s\n", rc,
				rc ? err.msg : "", (int)a.len, as, (int)b.len, b.data ? b.data : "");
			abort();
		}
	} else {
		CHECK(rc == LOA_EPARSE || rc == LOA_EINVAL || rc == LOA_ETOOBIG);
	}
	loa_buf_release(&a);
	loa_buf_release(&b);
}

typedef struct counts {
	int calls, ok;
} counts;

static int on_entry(void *arg, const char *id, const loa_verify_result *r)
{
	counts *c = arg;
	CHECK(id);
	CHECK(r->status >= LOA_VERIFY_OK && r->status <= LOA_VERIFY_MALFORMED);
	CHECK(memchr(r->detail, 0, sizeof r->detail) && memchr(r->fields, 0, sizeof r->fields));
	CHECK(loa_verify_status_name(r->status) != NULL);
	c->calls++;
	c->ok += r->status == LOA_VERIFY_OK;
	return 0;
}

static void document(const char *s, size_t n)
{
	if (n < 1)
		return;
	static const char *const types[] = {NULL, "application/atom+xml", "application/rss+xml",
					    "application/feed+json", "application/json", "text/html",
					    "text/xml; charset=utf-8", "application/octet-stream"};
	const char *ct = types[(unsigned char)s[0] % (sizeof types / sizeof types[0])];
	counts c = {0, 0};
	int ok = -1, total = -1;
	loa_err err;
	int rc = loa_verify_document(keyring(), s + 1, n - 1, ct, on_entry, &c, &ok, &total, &err);
	if (rc == LOA_OK) {
		CHECK(ok >= 0 && ok <= total && total <= c.calls && c.ok == ok);
	} else {
		CHECK(rc == LOA_EPARSE || rc == LOA_ETOOBIG || rc == LOA_EINVAL);
	}
}

static void entry(const char *s, size_t n)
{
	loa_shown_entry sh = {.id = "https://loa.example/p/bo-y-te/1",
			      .link = "https://loa.example/p/bo-y-te/1",
			      .title = "Thông cáo báo chí",
			      .text = "Bộ Y tế thông báo.",
			      .published = 1767225600000,
			      .updated = LOA_TIME_NONE};
	loa_verify_result r;
	loa_err err;
	CHECK(loa_verify_entry(keyring(), s, n, &sh, &r, &err) == LOA_OK);
	CHECK(r.status >= LOA_VERIFY_OK && r.status <= LOA_VERIFY_MALFORMED);
	CHECK(loa_verify_entry(keyring(), s, n, NULL, &r, &err) == LOA_OK);
}

static void sign_verify(const char *s, size_t n)
{
	keyring();
	json_t *fields = json_loadb(s, n, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(fields)) {
		json_decref(fields);
		return;
	}
	CHECK(json_object_set_new(fields, "key_id", json_string(KEY_ID)) == 0);
	CHECK(json_object_set_new(fields, "signed_at", json_string(SIGNED_AT)) == 0);
	loa_buf canon;
	loa_buf_init(&canon, (size_t)64 << 20);
	loa_err err;
	if (loa_jcs(fields, &canon, &err) != LOA_OK) {
		/* NaN cannot come from JSON text; nesting deeper than 64 can */
		json_decref(fields);
		loa_buf_release(&canon);
		return;
	}
	char sig[128];
	CHECK(loa_sign_raw(sk, canon.data, canon.len, sig, sizeof sig) == LOA_OK);
	loa_buf_release(&canon);
	json_t *obj = json_pack("{s:s, s:s, s:s, s:O, s:s}", "alg", LOA_SIG_ALG, "key_id", KEY_ID,
				"keys", "https://loa.example/.well-known/loa-keys.json", "signed",
				fields, "sig", sig);
	CHECK(obj);
	json_decref(fields);
	/* pretty-printed, not canonical: the verifier re-canonicalises */
	char *text = json_dumps(obj, JSON_INDENT(1));
	CHECK(text);
	loa_verify_result r;
	CHECK(loa_verify_entry(kr, text, strlen(text), NULL, &r, &err) == LOA_OK);
	if (r.status != LOA_VERIFY_OK) {
		fprintf(stderr, "signed fields do not verify: %s (%s)\n%s\n",
			loa_verify_status_name(r.status), r.detail, text);
		abort();
	}
	counts c = {0, 0};
	int ok = 0, total = 0;
	CHECK(loa_verify_document(kr, text, strlen(text), "application/json", on_entry, &c, &ok,
				  &total, &err) == LOA_OK);
	CHECK(ok == 1 && total == 1);
	free(text);
	json_decref(obj);
}

static void keys(const char *s, size_t n)
{
	loa_keyring *k = loa_keyring_new();
	CHECK(k);
	loa_err err;
	int rc = loa_keyring_add_document(k, s, n, &err);
	CHECK(rc == LOA_OK || rc == LOA_EPARSE || rc == LOA_EINVAL || rc == LOA_ETOOBIG);
	size_t sz = loa_keyring_size(k);
	(void)sz;
	(void)loa_keyring_find(k, KEY_ID);
	loa_keyring_free(k);

	unsigned char out[256];
	size_t got = 0;
	size_t m = n < 300 ? n : 300;
	char *z = strndup(s, m);
	CHECK(z);
	if (loa_b64url_decode(z, out, sizeof out, &got) == LOA_OK) {
		CHECK(got <= sizeof out);
		char back[400];
		CHECK(loa_b64url_encode(out, got, back, sizeof back) == LOA_OK);
	}
	free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	switch (data[0] % 5) {
	case 0:
		jcs(s, n);
		break;
	case 1:
		document(s, n);
		break;
	case 2:
		entry(s, n);
		break;
	case 3:
		sign_verify(s, n);
		break;
	default:
		keys(s, n);
		break;
	}
	return 0;
}
