/*
 * keys.c - Ed25519 keys per organisation (libsodium), their sealed secret
 * halves, rotation, the public key document, signing and keyrings.
 */
#include "network/net_int.h"
#include "network/sign.h"
#include "core/log.h"
#include "store/sql.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/banned.h"

#define MASTER_LEN 32
#define MAX_KEYRING 100000

/* ---- base64url ---- */

int loa_b64url_encode(const void *p, size_t n, char *out, size_t cap)
{
	if (cap < sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return LOA_ETOOBIG;
	sodium_bin2base64(out, cap, p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return LOA_OK;
}

int loa_b64url_decode(const char *s, unsigned char *out, size_t cap, size_t *n)
{
	size_t len;
	if (!s || sodium_base642bin(out, cap, s, strlen(s), NULL, &len, NULL,
				    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return LOA_EPARSE;
	if (n)
		*n = len;
	return LOA_OK;
}

int loa_sign_raw(const unsigned char sk[64], const void *msg, size_t n, char *sig_b64, size_t cap)
{
	unsigned char sig[crypto_sign_BYTES];
	if (crypto_sign_detached(sig, NULL, msg, n, sk) != 0)
		return LOA_EIO;
	return loa_b64url_encode(sig, sizeof sig, sig_b64, cap);
}

bool loa_verify_raw(const unsigned char pk[32], const void *msg, size_t n, const char *sig_b64)
{
	unsigned char sig[crypto_sign_BYTES + 2];
	size_t len;
	if (loa_b64url_decode(sig_b64, sig, sizeof sig, &len) || len != crypto_sign_BYTES)
		return false;
	return crypto_sign_verify_detached(sig, msg, n, pk) == 0;
}

/* ---- the master key file ---- */

static int master_path(const loa_config *cfg, loa_buf *out)
{
	const char *f = cfg ? loa_config_get(cfg, "network.key_file") : NULL;
	if (f && *f)
		return loa_buf_puts(out, f);
	const char *db = cfg ? loa_config_get(cfg, "db") : NULL;
	return loa_buf_printf(out, "%s.keys", db && *db ? db : "loa.db");
}

static int master_key(const loa_config *cfg, bool create, unsigned char key[MASTER_LEN], loa_err *err)
{
	loa_buf p;
	loa_buf_init(&p, 8192);
	if (master_path(cfg, &p) != LOA_OK) {
		loa_buf_release(&p);
		return loa_err_set(err, LOA_ETOOBIG, "đường dẫn tệp khoá quá dài / key file path too long");
	}
	int fd = open(p.data, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		fd = open(p.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			randombytes_buf(key, MASTER_LEN);
			ssize_t w = write(fd, key, MASTER_LEN);
			int ok = w == MASTER_LEN && fsync(fd) == 0;
			close(fd);
			if (!ok) {
				unlink(p.data);
				int rc = loa_err_set(err, LOA_EIO, "không ghi được tệp khoá / cannot write key file %s",
						     p.data);
				loa_buf_release(&p);
				return rc;
			}
			loa_info("keys.master", "created=%s", p.data);
			loa_buf_release(&p);
			return LOA_OK;
		}
		if (errno == EEXIST)
			fd = open(p.data, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		int rc = loa_err_set(err, LOA_EIO, "không mở được tệp khoá / cannot open key file %s: %s", p.data,
				     strerror(errno));
		loa_buf_release(&p);
		return rc;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && (st.st_mode & 077))
		loa_warn("keys.master", "file=%s msg=tệp khoá đọc được bởi người khác / key file is readable "
			 "by group or others (chmod 600)", p.data);
	ssize_t r = read(fd, key, MASTER_LEN);
	close(fd);
	if (r != MASTER_LEN) {
		int rc = loa_err_set(err, LOA_EIO, "tệp khoá hỏng / key file %s is not 32 bytes", p.data);
		loa_buf_release(&p);
		return rc;
	}
	loa_buf_release(&p);
	return LOA_OK;
}

/* ---- keys in the store ---- */

static void key_from_row(loa_stmt *st, loa_key_info *k)
{
	memset(k, 0, sizeof *k);
	loa_strlcpy(k->key_id, loa_sql_col_text(st, 0), sizeof k->key_id);
	loa_strlcpy(k->org, loa_sql_col_text(st, 1) ? loa_sql_col_text(st, 1) : "", sizeof k->org);
	size_t n = 0;
	const void *pk = loa_sql_col_blob(st, 2, &n);
	if (pk && n == 32)
		memcpy(k->pk, pk, 32);
	k->valid_from = loa_sql_col_null(st, 3) ? LOA_TIME_NONE : loa_sql_col_i64(st, 3);
	k->valid_to = loa_sql_col_null(st, 4) ? LOA_TIME_NONE : loa_sql_col_i64(st, 4);
	k->created_at = loa_sql_col_i64(st, 5);
}

static int current_key(loa_store *s, const char *org, loa_key_info *k, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(s, "SELECT key_id, org, public_key, valid_from, valid_to, created_at "
				   "FROM net_keys WHERE org = ?1 AND valid_to IS NULL "
				   "ORDER BY valid_from DESC LIMIT 1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_text(st, 1, org);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW) {
		key_from_row(st, k);
		rc = LOA_OK;
	} else if (rc == LOA_SQL_DONE) {
		rc = LOA_ENOTFOUND;
	}
	loa_sql_reset(st);
	return rc;
}

int loa_keys_rotate(loa_store *s, const loa_config *cfg, const char *org, const char *actor,
		    loa_key_info *out, loa_err *err)
{
	if (sodium_init() < 0)
		return loa_err_set(err, LOA_EIO, "libsodium không khởi động được / libsodium init failed");
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	loa_org_rec o;
	if ((rc = loa_store_org_get(s, org, &o, err)) != LOA_OK)
		return rc == LOA_ENOTFOUND ? loa_err_set(err, rc, "không có cơ quan / no such organisation: %s", org)
					   : rc;
	unsigned char master[MASTER_LEN];
	if ((rc = master_key(cfg, true, master, err)) != LOA_OK)
		return rc;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	crypto_sign_keypair(pk, sk);
	loa_key_info k;
	memset(&k, 0, sizeof k);
	loa_ms now = loa_now_ms();
	/* valid_from strictly after the previous key's start */
	loa_key_info prev;
	bool had_prev = current_key(s, org, &prev, NULL) == LOA_OK;
	if (had_prev && now <= prev.valid_from)
		now = prev.valid_from + 1;
	char date[LOA_TIME_STR_MAX], hex[17];
	unsigned char h[8];
	crypto_generichash(h, sizeof h, pk, sizeof pk, NULL, 0);
	net_hex(h, sizeof h, hex);
	loa_time_format_rfc3339(now, date);
	snprintf(k.key_id, sizeof k.key_id, "%s.%.4s%.2s%.2s.%s", org, date, date + 5, date + 8, hex);
	loa_strlcpy(k.org, org, sizeof k.org);
	memcpy(k.pk, pk, sizeof pk);
	k.valid_from = now;
	k.valid_to = LOA_TIME_NONE;
	k.created_at = now;

	unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	unsigned char sealed[sizeof sk + crypto_aead_xchacha20poly1305_ietf_ABYTES];
	unsigned long long slen;
	randombytes_buf(nonce, sizeof nonce);
	crypto_aead_xchacha20poly1305_ietf_encrypt(sealed, &slen, sk, sizeof sk,
						   (const unsigned char *)k.key_id, strlen(k.key_id), NULL,
						   nonce, master);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(master, sizeof master);

	rc = loa_store_begin(s, err);
	bool own_tx = rc == LOA_OK;
	if (rc == LOA_EINVAL) { /* inside the caller's transaction */
		loa_err_clear(err);
		rc = LOA_OK;
	}
	if (rc)
		return rc;
	loa_stmt *st;
	rc = loa_sql_cached(s, "UPDATE net_keys SET valid_to = ?2 WHERE org = ?1 AND valid_to IS NULL", &st, err);
	if (rc == LOA_OK) {
		loa_sql_bind_text(st, 1, org);
		loa_sql_bind_i64(st, 2, now);
		rc = loa_sql_run(st, err);
	}
	if (rc == LOA_OK && (rc = loa_sql_cached(s, "INSERT INTO net_keys(key_id, org, public_key, valid_from, "
						    "valid_to, created_at) VALUES (?1, ?2, ?3, ?4, NULL, ?4)",
						&st, err)) == LOA_OK) {
		loa_sql_bind_text(st, 1, k.key_id);
		loa_sql_bind_text(st, 2, org);
		loa_sql_bind_blob(st, 3, pk, sizeof pk);
		loa_sql_bind_i64(st, 4, now);
		rc = loa_sql_run(st, err);
	}
	if (rc == LOA_OK && (rc = loa_sql_cached(s, "INSERT INTO net_key_secrets(key_id, nonce, sealed) "
						    "VALUES (?1, ?2, ?3)", &st, err)) == LOA_OK) {
		loa_sql_bind_text(st, 1, k.key_id);
		loa_sql_bind_blob(st, 2, nonce, sizeof nonce);
		loa_sql_bind_blob(st, 3, sealed, (size_t)slen);
		rc = loa_sql_run(st, err);
	}
	if (rc == LOA_OK) {
		char detail[512];
		snprintf(detail, sizeof detail, "{\"key_id\":\"%s\",\"previous\":%s%s%s}", k.key_id,
			 had_prev ? "\"" : "", had_prev ? prev.key_id : "null", had_prev ? "\"" : "");
		rc = net_audit(s, actor, "key.rotate", org, detail, err);
	}
	if (own_tx) {
		if (rc == LOA_OK)
			rc = loa_store_commit(s, err);
		else
			loa_store_rollback(s);
	}
	if (rc == LOA_OK && out)
		*out = k;
	return rc;
}

int loa_keys_each(loa_store *s, const char *org, loa_key_cb cb, void *arg, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	loa_stmt *st;
	rc = loa_sql_prepare(s, "SELECT key_id, org, public_key, valid_from, valid_to, created_at FROM net_keys "
			       "WHERE ?1 IS NULL OR org = ?1 ORDER BY org, valid_from", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_text(st, 1, org);
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		loa_key_info k;
		key_from_row(st, &k);
		if ((rc = cb(arg, &k)) != 0)
			break;
	}
	loa_sql_finalize(st);
	return rc == LOA_SQL_DONE ? LOA_OK : rc;
}

static json_t *key_json(const loa_key_info *k)
{
	char pk[64], a[LOA_TIME_STR_MAX], b[LOA_TIME_STR_MAX];
	loa_b64url_encode(k->pk, 32, pk, sizeof pk);
	json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s}", "key_id", k->key_id, "org", k->org, "alg", LOA_SIG_ALG,
			      "public_key", pk, "valid_from", loa_time_format_rfc3339(k->valid_from, a));
	json_object_set_new(j, "valid_to", k->valid_to == LOA_TIME_NONE ? json_null()
						: json_string(loa_time_format_rfc3339(k->valid_to, b)));
	return j;
}

static int doc_add(void *arg, const loa_key_info *k)
{
	return json_array_append_new(arg, key_json(k)) ? LOA_ENOMEM : 0;
}

int loa_keys_document(loa_store *s, json_t **out, loa_err *err)
{
	json_t *arr = json_array();
	int rc = loa_keys_each(s, NULL, doc_add, arr, err);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*out = json_pack("{s:s,s:o}", "format", "loa-keys/1", "keys", arr);
	return *out ? LOA_OK : LOA_ENOMEM;
}

static int load_secret(loa_store *s, const loa_config *cfg, const char *key_id,
		       unsigned char sk[crypto_sign_SECRETKEYBYTES], loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(s, "SELECT nonce, sealed FROM net_key_secrets WHERE key_id = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_text(st, 1, key_id);
	rc = loa_sql_step(st, err);
	if (rc != LOA_SQL_ROW) {
		loa_sql_reset(st);
		return rc < 0 ? rc : loa_err_set(err, LOA_ENOTFOUND, "không có khoá bí mật / no secret key %s", key_id);
	}
	size_t nn = 0, sn = 0;
	const unsigned char *nonce = loa_sql_col_blob(st, 0, &nn);
	const unsigned char *sealed = loa_sql_col_blob(st, 1, &sn);
	unsigned char master[MASTER_LEN];
	rc = master_key(cfg, false, master, err);
	if (rc == LOA_OK) {
		unsigned long long mlen = 0;
		if (nn != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
		    sn != crypto_sign_SECRETKEYBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES ||
		    crypto_aead_xchacha20poly1305_ietf_decrypt(sk, &mlen, NULL, sealed, sn,
							       (const unsigned char *)key_id, strlen(key_id),
							       nonce, master) != 0 ||
		    mlen != crypto_sign_SECRETKEYBYTES)
			rc = loa_err_set(err, LOA_EPERM, "không mở được khoá bí mật (sai tệp khoá?) / cannot "
					 "unseal secret key %s (wrong key file?)", key_id);
	}
	sodium_memzero(master, sizeof master);
	loa_sql_reset(st);
	return rc;
}

int loa_sign_fields(loa_store *s, const loa_config *cfg, const char *org, const char *keys_url,
		    json_t *fields, json_t **sigobj, loa_err *err)
{
	if (sodium_init() < 0)
		return loa_err_set(err, LOA_EIO, "libsodium init failed");
	loa_key_info k;
	int rc = loa_network_migrate(s, err);
	if (rc == LOA_OK)
		rc = current_key(s, org, &k, err);
	if (rc == LOA_ENOTFOUND)
		rc = loa_keys_rotate(s, cfg, org, "system", &k, err);
	if (rc)
		return rc;
	/* the signing time is the signer's: it must fall in the key's validity */
	char sat[LOA_TIME_STR_MAX];
	loa_ms now = loa_now_ms();
	if (now < k.valid_from)
		now = k.valid_from;
	json_object_set_new(fields, "signed_at", json_string(loa_time_format_rfc3339(now, sat)));
	json_object_set_new(fields, "alg", json_string(LOA_SIG_ALG));
	json_object_set_new(fields, "key_id", json_string(k.key_id));
	json_object_set_new(fields, "keys", json_string(keys_url));
	loa_buf canon;
	loa_buf_init(&canon, LOA_OFFICIAL_BODY_MAX * 7 + 65536);
	if ((rc = loa_jcs(fields, &canon, err)) != LOA_OK) {
		loa_buf_release(&canon);
		return rc;
	}
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	if ((rc = load_secret(s, cfg, k.key_id, sk, err)) != LOA_OK) {
		loa_buf_release(&canon);
		return rc;
	}
	char sig[128];
	rc = loa_sign_raw(sk, canon.data, canon.len, sig, sizeof sig);
	sodium_memzero(sk, sizeof sk);
	loa_buf_release(&canon);
	if (rc)
		return loa_err_set(err, rc, "không ký được / signing failed");
	*sigobj = json_pack("{s:s,s:s,s:s,s:O,s:s}", "alg", LOA_SIG_ALG, "key_id", k.key_id, "keys", keys_url,
			    "signed", fields, "sig", sig);
	return *sigobj ? LOA_OK : LOA_ENOMEM;
}

/* ---- keyrings ---- */

struct loa_keyring {
	loa_key_info *k;
	size_t n, cap;
};

loa_keyring *loa_keyring_new(void)
{
	if (sodium_init() < 0)
		return NULL;
	return calloc(1, sizeof(loa_keyring));
}

void loa_keyring_free(loa_keyring *kr)
{
	if (!kr)
		return;
	free(kr->k);
	free(kr);
}

size_t loa_keyring_size(const loa_keyring *kr) { return kr->n; }

const loa_key_info *loa_keyring_find(const loa_keyring *kr, const char *key_id)
{
	for (size_t i = 0; key_id && i < kr->n; i++)
		if (strcmp(kr->k[i].key_id, key_id) == 0)
			return &kr->k[i];
	return NULL;
}

int loa_keyring_add(loa_keyring *kr, const loa_key_info *k)
{
	loa_key_info *have = (loa_key_info *)loa_keyring_find(kr, k->key_id);
	if (have) {
		*have = *k;
		return LOA_OK;
	}
	if (kr->n == MAX_KEYRING)
		return LOA_ETOOBIG;
	if (kr->n == kr->cap) {
		size_t nc = kr->cap ? kr->cap * 2 : 16;
		loa_key_info *nk = realloc(kr->k, nc * sizeof *nk);
		if (!nk)
			return LOA_ENOMEM;
		kr->k = nk;
		kr->cap = nc;
	}
	kr->k[kr->n++] = *k;
	return LOA_OK;
}

static int key_from_json(json_t *j, loa_key_info *k)
{
	memset(k, 0, sizeof *k);
	const char *id = json_string_value(json_object_get(j, "key_id"));
	const char *pk = json_string_value(json_object_get(j, "public_key"));
	const char *alg = json_string_value(json_object_get(j, "alg"));
	const char *org = json_string_value(json_object_get(j, "org"));
	const char *vf = json_string_value(json_object_get(j, "valid_from"));
	const char *vt = json_string_value(json_object_get(j, "valid_to"));
	size_t n;
	if (!id || !pk || strlen(id) > LOA_KEY_ID_MAX || (alg && strcmp(alg, LOA_SIG_ALG) != 0) ||
	    loa_b64url_decode(pk, k->pk, sizeof k->pk, &n) || n != 32)
		return LOA_EPARSE;
	loa_strlcpy(k->key_id, id, sizeof k->key_id);
	loa_strlcpy(k->org, org ? org : "", sizeof k->org);
	k->valid_from = k->valid_to = LOA_TIME_NONE;
	if (vf && loa_time_parse_rfc3339(vf, strlen(vf), &k->valid_from))
		return LOA_EPARSE;
	if (vt && loa_time_parse_rfc3339(vt, strlen(vt), &k->valid_to))
		return LOA_EPARSE;
	return LOA_OK;
}

int loa_keyring_add_document(loa_keyring *kr, const char *json, size_t n, loa_err *err)
{
	json_error_t je;
	json_t *doc = json_loadb(json, n, 0, &je);
	json_t *keys = doc ? json_object_get(doc, "keys") : NULL;
	if (!json_is_array(keys)) {
		json_decref(doc);
		return loa_err_set(err, LOA_EPARSE, "không phải tài liệu khoá loa / not a loa keys document");
	}
	size_t i;
	json_t *v;
	int rc = LOA_OK;
	json_array_foreach(keys, i, v) {
		loa_key_info k;
		if (key_from_json(v, &k) != LOA_OK) {
			rc = loa_err_set(err, LOA_EPARSE, "khoá thứ %zu hỏng / key %zu is malformed", i, i);
			break;
		}
		if ((rc = loa_keyring_add(kr, &k)) != LOA_OK)
			break;
	}
	json_decref(doc);
	return rc;
}

static int ring_add_cb(void *arg, const loa_key_info *k) { return loa_keyring_add(arg, k); }

int loa_keyring_add_store(loa_keyring *kr, loa_store *s, loa_err *err)
{
	int rc = loa_keys_each(s, NULL, ring_add_cb, kr, err);
	if (rc)
		return rc;
	loa_stmt *st;
	rc = loa_sql_prepare(s, "SELECT key_id, org, public_key, valid_from, valid_to, fetched_at "
			       "FROM net_remote_keys", &st, err);
	if (rc)
		return rc;
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		loa_key_info k;
		key_from_row(st, &k);
		if (!loa_keyring_find(kr, k.key_id) && (rc = loa_keyring_add(kr, &k)) != LOA_OK)
			break;
	}
	loa_sql_finalize(st);
	return rc == LOA_SQL_DONE ? LOA_OK : rc;
}

int loa_keys_import(loa_store *s, const char *json, size_t len, const char *url, int *n, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	loa_keyring *kr = loa_keyring_new();
	if (!kr)
		return LOA_ENOMEM;
	if ((rc = loa_keyring_add_document(kr, json, len, err)) != LOA_OK) {
		loa_keyring_free(kr);
		return rc;
	}
	loa_stmt *st;
	rc = loa_sql_cached(s, "INSERT INTO net_remote_keys(key_id, org, public_key, valid_from, valid_to, origin, "
			       "fetched_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(key_id) DO UPDATE SET "
			       "valid_to = excluded.valid_to, fetched_at = excluded.fetched_at "
			       "WHERE net_remote_keys.public_key = excluded.public_key", &st, err);
	int count = 0;
	for (size_t i = 0; rc == LOA_OK && i < kr->n; i++) {
		const loa_key_info *k = &kr->k[i];
		loa_sql_bind_text(st, 1, k->key_id);
		loa_sql_bind_text(st, 2, k->org);
		loa_sql_bind_blob(st, 3, k->pk, 32);
		if (k->valid_from == LOA_TIME_NONE)
			loa_sql_bind_null(st, 4);
		else
			loa_sql_bind_i64(st, 4, k->valid_from);
		if (k->valid_to == LOA_TIME_NONE)
			loa_sql_bind_null(st, 5);
		else
			loa_sql_bind_i64(st, 5, k->valid_to);
		loa_sql_bind_text(st, 6, url);
		loa_sql_bind_i64(st, 7, loa_now_ms());
		if ((rc = loa_sql_run(st, err)) == LOA_OK)
			count++;
	}
	loa_keyring_free(kr);
	if (n)
		*n = count;
	return rc;
}
