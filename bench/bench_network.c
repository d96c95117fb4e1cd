/*
 * bench_network.c - signatures and verifications per second for
 * bench/network.sh: Ed25519 over the RFC 8785 form of a typical official
 * item (canonicalise + sign; canonicalise + verify), and the raw libsodium
 * calls on the same bytes for reference.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ltime.h"
#include "network/sign.h"

#include "core/banned.h"

static double secs_since(uint64_t t0) { return (double)(loa_mono_ns() - t0) / 1e9; }

int main(int argc, char **argv)
{
	int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 20000;
	if (n <= 0 || sodium_init() < 0)
		return 2;
	unsigned char pk[32], sk[64];
	crypto_sign_keypair(pk, sk);
	loa_buf body;
	loa_buf_init(&body, 1 << 20);
	for (int i = 0; i < 12; i++)
		loa_buf_puts(&body, "Bộ Y tế thông báo: từ ngày 1/7/2026, 1.500 trạm y tế xã sẽ không thu phí khám bệnh "
				    "cho người dân có thẻ bảo hiểm y tế. ");
	json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "format", "loa-official/1",
			      "id", "https://loa.example/p/bo-y-te/1", "org", "bo-y-te", "org_name", "Bộ Y tế", "kind",
			      "statement", "version", 1, "status", "published", "title", "Miễn phí khám tại trạm y tế xã",
			      "text", body.data, "published", "2026-07-01T00:00:00Z", "updated", "2026-07-01T00:00:00Z",
			      "signed_at", "2026-07-01T00:00:00Z", "alg", "Ed25519", "key_id", "bo-y-te.20260701.00");
	loa_buf canon;
	loa_buf_init(&canon, 1 << 22);
	char sig[128];
	uint64_t t0 = loa_mono_ns();
	for (int i = 0; i < n; i++) {
		loa_buf_reset(&canon);
		loa_jcs(f, &canon, NULL);
		loa_sign_raw(sk, canon.data, canon.len, sig, sizeof sig);
	}
	double sign_s = secs_since(t0);
	int bad = 0;
	t0 = loa_mono_ns();
	for (int i = 0; i < n; i++) {
		loa_buf_reset(&canon);
		loa_jcs(f, &canon, NULL);
		bad += !loa_verify_raw(pk, canon.data, canon.len, sig);
	}
	double verify_s = secs_since(t0);
	unsigned char raw[64];
	t0 = loa_mono_ns();
	for (int i = 0; i < n; i++)
		crypto_sign_detached(raw, NULL, (const unsigned char *)canon.data, canon.len, sk);
	double raw_sign_s = secs_since(t0);
	t0 = loa_mono_ns();
	for (int i = 0; i < n; i++)
		bad += crypto_sign_verify_detached(raw, (const unsigned char *)canon.data, canon.len, pk) != 0;
	double raw_verify_s = secs_since(t0);
	printf("bench: name=signatures n=%d bytes=%zu signs_per_s=%.0f verifies_per_s=%.0f "
	       "ref=libsodium-raw ref_signs_per_s=%.0f ref_verifies_per_s=%.0f failures=%d\n",
	       n, canon.len, n / sign_s, n / verify_s, n / raw_sign_s, n / raw_verify_s, bad);
	json_decref(f);
	loa_buf_release(&body);
	loa_buf_release(&canon);
	return bad ? 1 : 0;
}
