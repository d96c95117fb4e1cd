/*
 * auth.h - the auth room: users, roles, passwords (Argon2id through
 * libsodium), sessions and API tokens, in the "auth" tables of the store
 * (store/sql.h).
 *
 * Roles, from least to most trusted: public (người dân), journalist (nhà
 * báo), spokesperson (người phát ngôn), analyst (chuyên viên phân tích),
 * editor (biên tập viên), admin (quản trị viên). Permissions are sets of
 * roles (LOA_ROLES(...)), not levels: an editor is not a spokesperson.
 * A user belongs to an organisation (slug) or to none (admins, the public).
 *
 * Secrets: passwords are stored only as Argon2id strings; session and API
 * tokens are random 32-byte values shown to their owner once and stored
 * only as BLAKE2b hashes. Comparisons are constant-time.
 *
 * Ownership: every function works on a caller-owned loa_store handle and
 * fills caller-owned structs; nothing is retained.
 */
#ifndef LOA_AUTH_AUTH_H
#define LOA_AUTH_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/ltime.h"
#include "store/store.h"

enum {
	LOA_ROLE_PUBLIC = 0,
	LOA_ROLE_JOURNALIST,
	LOA_ROLE_SPOKESPERSON,
	LOA_ROLE_ANALYST,
	LOA_ROLE_EDITOR,
	LOA_ROLE_ADMIN,
	LOA_ROLE__N
};
#define LOA_ROLE_BIT(r) (1u << (r))
#define LOA_ROLES_ANY 0xffffu              /* anyone, even without logging in */
#define LOA_ROLES_USER 0x8000u             /* any logged-in user */
#define LOA_ROLES_STAFF (LOA_ROLE_BIT(LOA_ROLE_SPOKESPERSON) | LOA_ROLE_BIT(LOA_ROLE_ANALYST) | \
			 LOA_ROLE_BIT(LOA_ROLE_EDITOR) | LOA_ROLE_BIT(LOA_ROLE_ADMIN))

#define LOA_LOGIN_MAX 64
#define LOA_PASSWORD_MIN 10
#define LOA_PASSWORD_MAX 256
#define LOA_TOKEN_HEX 64 /* a token is "loa_" + 64 hex digits */
#define LOA_TOKEN_STR_MAX 72
#define LOA_CSRF_HEX 32

typedef struct loa_user {
	int64_t id;
	char login[LOA_LOGIN_MAX + 1];
	char name[256];
	int role;
	char org[LOA_SLUG_MAX + 1]; /* "" = none */
	bool disabled;
	loa_ms created_at;
} loa_user;

const char *loa_role_name(int role);
/* Vietnamese name of a role ("biên tập viên"). */
const char *loa_role_name_vi(int role);
/* -1 when unknown. */
int loa_role_parse(const char *s);

/* Creates the auth tables when missing (cheap when present). */
int loa_auth_migrate(loa_store *s, loa_err *err);

/* LOA_EEXIST for a taken login; LOA_EINVAL for a bad login (1–64 of
 * [a-z0-9._-]), a weak password (< LOA_PASSWORD_MIN bytes) or an unknown
 * organisation. Audited with `actor`. */
int loa_user_add(loa_store *s, const char *login, const char *name, int role, const char *org,
		 const char *password, const char *actor, int64_t *id, loa_err *err);
int loa_user_passwd(loa_store *s, const char *login, const char *password, const char *actor,
		    loa_err *err);
/* Disabling also ends the user's sessions and revokes its tokens. */
int loa_user_disable(loa_store *s, const char *login, bool disabled, const char *actor,
		     loa_err *err);
int loa_user_get(loa_store *s, const char *login, loa_user *out, loa_err *err);
typedef int (*loa_user_cb)(void *arg, const loa_user *u);
int loa_users_each(loa_store *s, loa_user_cb cb, void *arg, loa_err *err);
/* Number of users (any state). */
int loa_users_count(loa_store *s, int64_t *n, loa_err *err);

/* Checks login and password. LOA_EPERM for a wrong pair, an unknown login
 * or a disabled user (one message for all three). On success creates a
 * session valid for ttl and writes its token and CSRF secret. Audited. */
int loa_auth_login(loa_store *s, const char *login, const char *password, loa_ms ttl,
		   const char *peer, char token[LOA_TOKEN_STR_MAX], char csrf[LOA_CSRF_HEX + 1],
		   loa_user *u, loa_err *err);
/* Resolves a session token: LOA_OK and the user (and its CSRF secret), or
 * LOA_EPERM (unknown, expired, disabled). */
int loa_auth_session(loa_store *s, const char *token, loa_user *u, char csrf[LOA_CSRF_HEX + 1],
		     loa_err *err);
int loa_auth_logout(loa_store *s, const char *token, loa_err *err);
/* A new API token for login (shown once). */
int loa_token_create(loa_store *s, const char *login, const char *label, const char *actor,
		     char token[LOA_TOKEN_STR_MAX], loa_err *err);
/* Resolves an API token ("loa_…"): LOA_OK and the user, or LOA_EPERM. */
int loa_auth_token(loa_store *s, const char *token, loa_user *u, loa_err *err);

/* On a database with no active administrator, creates "admin" (or
 * "quantri" when that login is taken by a non-administrator) with a random
 * one-time password written to password (to be changed: loa users
 * passwd). *created tells whether it did. */
int loa_auth_ensure_admin(loa_store *s, char password[32], bool *created, loa_err *err);

/* True when a user of that role may use something allowed to `roles`. */
bool loa_role_allowed(unsigned roles, const loa_user *u);

#endif
