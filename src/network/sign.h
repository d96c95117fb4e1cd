/*
 * sign.h - signatures of official items (SPEC N4): the canonical form
 * (RFC 8785 JSON Canonicalization Scheme over jansson values), Ed25519 keys
 * per organisation with validity periods and rotation (libsodium), the
 * public key document (/.well-known/loa-keys.json) and keyrings for
 * verification. docs/formats/signature.md is the format.
 *
 * Secret keys live in their own table (net_key_secrets), sealed with
 * crypto_secretbox under a 32-byte master key kept in a file outside the
 * database (config network.key_file, default "<db>.keys", created with
 * mode 0600). A copy of the database alone cannot sign.
 *
 * Ownership: loa_keyring is a heap object (loa_keyring_new / _free) used by
 * one thread at a time; it copies what it is given. Output buffers are the
 * caller's (appended to).
 */
#ifndef LOA_NETWORK_SIGN_H
#define LOA_NETWORK_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/ltime.h"
#include "store/store.h"

typedef struct json_t json_t;

/* ---- RFC 8785 ---------------------------------------------------------- */

/* Appends the canonical form of v to out: object members sorted by the
 * UTF-16 code units of their names, numbers as ECMAScript's
 * Number.prototype.toString (integers beyond 2^53 through double), strings
 * with the minimal escaping. LOA_EINVAL for NaN or infinities, invalid
 * UTF-8 in a string, or nesting deeper than 64. */
int loa_jcs(const json_t *v, loa_buf *out, loa_err *err);
/* Parses JSON text (duplicate names refused; numbers as doubles when they
 * do not fit an integer) and canonicalises it. LOA_EPARSE when malformed. */
int loa_jcs_text(const char *json, size_t n, loa_buf *out, loa_err *err);
/* ECMAScript Number.prototype.toString of a finite double into out
 * (>= 32 bytes). LOA_EINVAL for NaN and infinities. */
int loa_jcs_number(double d, char *out, size_t cap);

/* ---- keys -------------------------------------------------------------- */

#define LOA_KEY_ID_MAX 127
#define LOA_SIG_ALG "Ed25519"
#define LOA_KEYS_PATH "/.well-known/loa-keys.json"

typedef struct loa_key_info {
	char key_id[LOA_KEY_ID_MAX + 1];
	char org[LOA_SLUG_MAX + 1];
	unsigned char pk[32];
	loa_ms valid_from, valid_to; /* valid_to LOA_TIME_NONE = current */
	loa_ms created_at;
} loa_key_info;

typedef int (*loa_key_cb)(void *arg, const loa_key_info *k);

/* Makes a new key for org, valid from now; the previous current key ends
 * now (it stays published, so what it signed still verifies). The master
 * key file is created when missing. Audited (key.rotate). */
int loa_keys_rotate(loa_store *s, const loa_config *cfg, const char *org, const char *actor,
		    loa_key_info *out, loa_err *err);
/* org NULL = every organisation. Ordered by org, then valid_from. */
int loa_keys_each(loa_store *s, const char *org, loa_key_cb cb, void *arg, loa_err *err);
/* The /.well-known/loa-keys.json document (a new object). */
int loa_keys_document(loa_store *s, json_t **out, loa_err *err);

/* Signs the fields (an object; "key_id", "keys", "alg" and "signed_at" —
 * now — are set in it) with org's current key (made on first use) and
 * returns the signature object {"alg","key_id","keys","signed","sig"}
 * (new reference). */
int loa_sign_fields(loa_store *s, const loa_config *cfg, const char *org, const char *keys_url,
		    json_t *fields, json_t **sigobj, loa_err *err);

/* Signs / verifies raw bytes with a key pair (for tests and the bench). */
int loa_sign_raw(const unsigned char sk[64], const void *msg, size_t n, char *sig_b64, size_t cap);
bool loa_verify_raw(const unsigned char pk[32], const void *msg, size_t n, const char *sig_b64);

/* base64url without padding (libsodium's URLSAFE_NO_PADDING). */
int loa_b64url_encode(const void *p, size_t n, char *out, size_t cap);
int loa_b64url_decode(const char *s, unsigned char *out, size_t cap, size_t *n);

/* ---- keyrings ---------------------------------------------------------- */

typedef struct loa_keyring loa_keyring;

loa_keyring *loa_keyring_new(void);
void loa_keyring_free(loa_keyring *kr);
/* Adds one public key (copied). */
int loa_keyring_add(loa_keyring *kr, const loa_key_info *k);
/* Adds the keys of a loa-keys.json document (JSON text). LOA_EPARSE when it
 * is not one. */
int loa_keyring_add_document(loa_keyring *kr, const char *json, size_t n, loa_err *err);
/* Adds this instance's keys and the remote keys imported into the store. */
int loa_keyring_add_store(loa_keyring *kr, loa_store *s, loa_err *err);
size_t loa_keyring_size(const loa_keyring *kr);
/* The key with that id, or NULL (borrowed from the keyring). */
const loa_key_info *loa_keyring_find(const loa_keyring *kr, const char *key_id);

/* Saves a remote instance's keys (a loa-keys.json document, from `url`)
 * into the store so the network's feeds verify offline. *n (may be NULL)
 * counts the keys. */
int loa_keys_import(loa_store *s, const char *json, size_t len, const char *url, int *n,
		    loa_err *err);

#endif
