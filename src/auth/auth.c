/*
 * auth.c - users, passwords, sessions and API tokens over store/sql.h.
 */
#include "auth/auth.h"
#include "core/log.h"
#include "core/str.h"
#include "store/sql.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

static const char *const migrations[] = {
	/* 1 */
	"CREATE TABLE auth_users(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  login TEXT NOT NULL UNIQUE,\n"
	"  name TEXT NOT NULL,\n"
	"  role TEXT NOT NULL,\n"
	"  org TEXT,\n"
	"  pwhash TEXT NOT NULL,\n"
	"  disabled INTEGER NOT NULL DEFAULT 0,\n"
	"  created_at INTEGER NOT NULL);\n"
	"CREATE TABLE auth_sessions(\n"
	"  token_hash TEXT PRIMARY KEY,\n"
	"  user_id INTEGER NOT NULL REFERENCES auth_users(id),\n"
	"  csrf TEXT NOT NULL,\n"
	"  created_at INTEGER NOT NULL,\n"
	"  expires_at INTEGER NOT NULL,\n"
	"  peer TEXT);\n"
	"CREATE INDEX auth_sessions_user ON auth_sessions(user_id);\n"
	"CREATE TABLE auth_tokens(\n"
	"  token_hash TEXT PRIMARY KEY,\n"
	"  user_id INTEGER NOT NULL REFERENCES auth_users(id),\n"
	"  label TEXT,\n"
	"  created_at INTEGER NOT NULL,\n"
	"  revoked INTEGER NOT NULL DEFAULT 0);\n",
};

static const char *const role_names[LOA_ROLE__N] = {
	"public", "journalist", "spokesperson", "analyst", "editor", "admin"};
static const char *const role_names_vi[LOA_ROLE__N] = {
	"người dân", "nhà báo", "người phát ngôn", "chuyên viên phân tích", "biên tập viên",
	"quản trị viên"};

const char *loa_role_name(int r) { return r >= 0 && r < LOA_ROLE__N ? role_names[r] : "?"; }
const char *loa_role_name_vi(int r) { return r >= 0 && r < LOA_ROLE__N ? role_names_vi[r] : "?"; }

int loa_role_parse(const char *s)
{
	for (int i = 0; s && i < LOA_ROLE__N; i++)
		if (strcmp(s, role_names[i]) == 0)
			return i;
	return -1;
}

bool loa_role_allowed(unsigned roles, const loa_user *u)
{
	if (roles == LOA_ROLES_ANY)
		return true;
	if (!u || u->disabled)
		return false;
	if (roles & LOA_ROLES_USER)
		return true;
	return u->role >= 0 && u->role < LOA_ROLE__N && (roles & LOA_ROLE_BIT(u->role));
}

int loa_auth_migrate(loa_store *s, loa_err *err)
{
	if (sodium_init() < 0)
		return loa_err_set(err, LOA_EIO, "libsodium init failed");
	return loa_sql_room_migrate(s, "auth", migrations, 1, err);
}

static bool login_ok(const char *l)
{
	size_t n = l ? strlen(l) : 0;
	if (n == 0 || n > LOA_LOGIN_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = l[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static void hex_hash(const char *token, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static void random_hex(char *out, size_t bytes)
{
	unsigned char b[64];
	randombytes_buf(b, bytes);
	sodium_bin2hex(out, bytes * 2 + 1, b, bytes);
}

static int audit(loa_store *s, const char *actor, const char *action, const char *target,
		 loa_err *err)
{
	loa_audit a = {0};
	a.at = LOA_TIME_NONE;
	a.actor = actor ? actor : "system";
	a.action = action;
	a.target = target;
	return loa_store_audit_append(s, &a, err);
}

static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES], loa_err *err)
{
	size_t n = strlen(password);
	if (n < LOA_PASSWORD_MIN)
		return loa_err_set(err, LOA_EINVAL, "mật khẩu quá ngắn (tối thiểu %d ký tự) / password "
				   "too short (at least %d bytes)", LOA_PASSWORD_MIN, LOA_PASSWORD_MIN);
	if (n > LOA_PASSWORD_MAX)
		return loa_err_set(err, LOA_EINVAL, "mật khẩu quá dài / password too long");
	if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return loa_err_set(err, LOA_ENOMEM, "không băm được mật khẩu / cannot hash password");
	return LOA_OK;
}

static void row_user(loa_stmt *st, loa_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = loa_sql_col_i64(st, 0);
	loa_strlcpy(u->login, loa_sql_col_text(st, 1) ? loa_sql_col_text(st, 1) : "", sizeof u->login);
	loa_strlcpy(u->name, loa_sql_col_text(st, 2) ? loa_sql_col_text(st, 2) : "", sizeof u->name);
	u->role = loa_role_parse(loa_sql_col_text(st, 3));
	loa_strlcpy(u->org, loa_sql_col_text(st, 4) ? loa_sql_col_text(st, 4) : "", sizeof u->org);
	u->disabled = loa_sql_col_i64(st, 5) != 0;
	u->created_at = loa_sql_col_i64(st, 6);
}

#define USER_COLS "u.id, u.login, u.name, u.role, u.org, u.disabled, u.created_at"

int loa_user_add(loa_store *s, const char *login, const char *name, int role, const char *org,
		 const char *password, const char *actor, int64_t *id, loa_err *err)
{
	int rc;
	if ((rc = loa_auth_migrate(s, err)))
		return rc;
	if (!login_ok(login))
		return loa_err_set(err, LOA_EINVAL, "tên đăng nhập không hợp lệ / bad login '%s' "
				   "(1–%d of a-z 0-9 . _ -)", login ? login : "", LOA_LOGIN_MAX);
	if (role < 0 || role >= LOA_ROLE__N)
		return loa_err_set(err, LOA_EINVAL, "vai trò không hợp lệ / bad role");
	if (org && *org) {
		loa_org_rec rec;
		if (loa_store_org_get(s, org, &rec, err) != LOA_OK)
			return loa_err_set(err, LOA_EINVAL, "không có cơ quan / no such organisation: %s", org);
	}
	char pw[crypto_pwhash_STRBYTES];
	if ((rc = hash_password(password, pw, err)))
		return rc;
	static const char sql[] = "INSERT INTO auth_users(login, name, role, org, pwhash, created_at) "
				  "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(login) DO NOTHING";
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, sql, &st, err)))
		return rc;
	loa_sql_bind_text(st, 1, login);
	loa_sql_bind_text(st, 2, name && *name ? name : login);
	loa_sql_bind_text(st, 3, loa_role_name(role));
	loa_sql_bind_text(st, 4, org && *org ? org : NULL);
	loa_sql_bind_text(st, 5, pw);
	loa_sql_bind_i64(st, 6, loa_now_ms());
	sodium_memzero(pw, sizeof pw);
	if ((rc = loa_sql_run(st, err)))
		return rc;
	if (loa_sql_changes(s) == 0)
		return loa_err_set(err, LOA_EEXIST, "tên đăng nhập đã có / login already exists: %s", login);
	if (id)
		*id = loa_sql_last_id(s);
	char target[128];
	snprintf(target, sizeof target, "user:%s role:%s", login, loa_role_name(role));
	return audit(s, actor, "user.add", target, err);
}

int loa_user_passwd(loa_store *s, const char *login, const char *password, const char *actor,
		    loa_err *err)
{
	int rc;
	if ((rc = loa_auth_migrate(s, err)))
		return rc;
	char pw[crypto_pwhash_STRBYTES];
	if ((rc = hash_password(password, pw, err)))
		return rc;
	static const char sql[] = "UPDATE auth_users SET pwhash = ?2 WHERE login = ?1";
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, sql, &st, err)))
		return rc;
	loa_sql_bind_text(st, 1, login);
	loa_sql_bind_text(st, 2, pw);
	sodium_memzero(pw, sizeof pw);
	if ((rc = loa_sql_run(st, err)))
		return rc;
	if (loa_sql_changes(s) == 0)
		return loa_err_set(err, LOA_ENOTFOUND, "không có người dùng / no such user: %s", login);
	char target[128];
	snprintf(target, sizeof target, "user:%s", login);
	return audit(s, actor, "user.passwd", target, err);
}

int loa_user_disable(loa_store *s, const char *login, bool disabled, const char *actor,
		     loa_err *err)
{
	int rc;
	if ((rc = loa_auth_migrate(s, err)))
		return rc;
	static const char sql[] = "UPDATE auth_users SET disabled = ?2 WHERE login = ?1";
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, sql, &st, err)))
		return rc;
	loa_sql_bind_text(st, 1, login);
	loa_sql_bind_i64(st, 2, disabled ? 1 : 0);
	if ((rc = loa_sql_run(st, err)))
		return rc;
	if (loa_sql_changes(s) == 0)
		return loa_err_set(err, LOA_ENOTFOUND, "không có người dùng / no such user: %s", login);
	if (disabled) {
		static const char s1[] = "DELETE FROM auth_sessions WHERE user_id = "
					 "(SELECT id FROM auth_users WHERE login = ?1)";
		static const char s2[] = "UPDATE auth_tokens SET revoked = 1 WHERE user_id = "
					 "(SELECT id FROM auth_users WHERE login = ?1)";
		if ((rc = loa_sql_cached(s, s1, &st, err)))
			return rc;
		loa_sql_bind_text(st, 1, login);
		if ((rc = loa_sql_run(st, err)))
			return rc;
		if ((rc = loa_sql_cached(s, s2, &st, err)))
			return rc;
		loa_sql_bind_text(st, 1, login);
		if ((rc = loa_sql_run(st, err)))
			return rc;
	}
	char target[128];
	snprintf(target, sizeof target, "user:%s", login);
	return audit(s, actor, disabled ? "user.disable" : "user.enable", target, err);
}

int loa_user_get(loa_store *s, const char *login, loa_user *out, loa_err *err)
{
	int rc;
	if ((rc = loa_auth_migrate(s, err)))
		return rc;
	static const char sql[] = "SELECT " USER_COLS " FROM auth_users u WHERE u.login = ?1";
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, sql, &st, err)))
		return rc;
	loa_sql_bind_text(st, 1, login);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW)
		row_user(st, out);
	loa_sql_reset(st);
	if (rc < 0)
		return rc;
	if (rc == LOA_SQL_DONE)
		return loa_err_set(err, LOA_ENOTFOUND, "không có người dùng / no such user: %s", login);
	return LOA_OK;
}

int loa_users_each(loa_store *s, loa_user_cb cb, void *arg, loa_err *err)
{
	int rc;
	if ((rc = loa_auth_migrate(s, err)))
		return rc;
	loa_stmt *st;
	if ((rc = loa_sql_prepare(s, "SELECT " USER_COLS " FROM auth_users u ORDER BY u.login", &st, err)))
		return rc;
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		loa_user u;
		row_user(st, &u);
		if ((rc = cb(arg, &u)))
			break;
	}
	loa_sql_finalize(st);
	return rc < 0 || rc > 0 ? rc : LOA_OK;
}

int loa_users_count(loa_store *s, int64_t *n, loa_err *err)
{
	int rc;
	if ((rc = loa_auth_migrate(s, err)))
		return rc;
	static const char sql[] = "SELECT count(*) FROM auth_users";
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, sql, &st, err)))
		return rc;
	rc = loa_sql_step(st, err);
	*n = rc == LOA_SQL_ROW ? loa_sql_col_i64(st, 0) : 0;
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}

int loa_auth_login(loa_store *s, const char *login, const char *password, loa_ms ttl,
		   const char *peer, char token[LOA_TOKEN_STR_MAX], char csrf[LOA_CSRF_HEX + 1],
		   loa_user *u, loa_err *err)
{
	int rc;
	if ((rc = loa_auth_migrate(s, err)))
		return rc;
	static const char sql[] = "SELECT " USER_COLS ", u.pwhash FROM auth_users u WHERE u.login = ?1";
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, sql, &st, err)))
		return rc;
	loa_sql_bind_text(st, 1, login ? login : "");
	rc = loa_sql_step(st, err);
	char pw[crypto_pwhash_STRBYTES] = "";
	if (rc == LOA_SQL_ROW) {
		row_user(st, u);
		loa_strlcpy(pw, loa_sql_col_text(st, 7) ? loa_sql_col_text(st, 7) : "", sizeof pw);
	}
	loa_sql_reset(st);
	if (rc < 0)
		return rc;
	size_t plen = password ? strlen(password) : 0;
	bool good = rc == LOA_SQL_ROW && plen <= LOA_PASSWORD_MAX &&
		    crypto_pwhash_str_verify(pw, password ? password : "", plen) == 0 && !u->disabled;
	if (rc != LOA_SQL_ROW) {
		/* spend the same time as a real check, so timing does not reveal logins */
		char dummy[crypto_pwhash_STRBYTES];
		static const char fake[] = "not-a-password-at-all";
		if (crypto_pwhash_str(dummy, fake, sizeof fake - 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
				      crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 &&
		    crypto_pwhash_str_verify(dummy, "x", 1) == 0)
			loa_warn("auth.impossible", "msg=dummy hash verified");
	}
	char target[160];
	snprintf(target, sizeof target, "user:%.64s peer:%.64s", login ? login : "", peer ? peer : "");
	if (!good) {
		audit(s, login, "login.fail", target, NULL);
		return loa_err_set(err, LOA_EPERM, "sai tên đăng nhập hoặc mật khẩu / wrong login or password");
	}
	char th[65];
	random_hex(token, 32);
	memmove(token + 4, token, LOA_TOKEN_HEX + 1);
	memcpy(token, "ses_", 4);
	random_hex(csrf, LOA_CSRF_HEX / 2);
	hex_hash(token, th);
	static const char ins[] = "INSERT INTO auth_sessions(token_hash, user_id, csrf, created_at, "
				  "expires_at, peer) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
	if ((rc = loa_sql_cached(s, ins, &st, err)))
		return rc;
	loa_ms now = loa_now_ms();
	loa_sql_bind_text(st, 1, th);
	loa_sql_bind_i64(st, 2, u->id);
	loa_sql_bind_text(st, 3, csrf);
	loa_sql_bind_i64(st, 4, now);
	loa_sql_bind_i64(st, 5, now + ttl);
	loa_sql_bind_text(st, 6, peer);
	if ((rc = loa_sql_run(st, err)))
		return rc;
	return audit(s, login, "login", target, err);
}

int loa_auth_session(loa_store *s, const char *token, loa_user *u, char csrf[LOA_CSRF_HEX + 1],
		     loa_err *err)
{
	int rc;
	if (!token || strncmp(token, "ses_", 4) != 0 || strlen(token) != 4 + LOA_TOKEN_HEX)
		return loa_err_set(err, LOA_EPERM, "phiên không hợp lệ / invalid session");
	char th[65];
	hex_hash(token, th);
	static const char sql[] = "SELECT " USER_COLS ", s.csrf, s.expires_at FROM auth_sessions s "
				  "JOIN auth_users u ON u.id = s.user_id WHERE s.token_hash = ?1";
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, sql, &st, err)))
		return rc;
	loa_sql_bind_text(st, 1, th);
	rc = loa_sql_step(st, err);
	bool ok = false;
	if (rc == LOA_SQL_ROW) {
		row_user(st, u);
		if (csrf)
			loa_strlcpy(csrf, loa_sql_col_text(st, 7) ? loa_sql_col_text(st, 7) : "",
				    LOA_CSRF_HEX + 1);
		ok = loa_sql_col_i64(st, 8) > loa_now_ms() && !u->disabled;
	}
	loa_sql_reset(st);
	if (rc < 0)
		return rc;
	return ok ? LOA_OK : loa_err_set(err, LOA_EPERM, "phiên hết hạn / session expired");
}

int loa_auth_logout(loa_store *s, const char *token, loa_err *err)
{
	char th[65];
	hex_hash(token ? token : "", th);
	static const char sql[] = "DELETE FROM auth_sessions WHERE token_hash = ?1";
	loa_stmt *st;
	int rc = loa_sql_cached(s, sql, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_text(st, 1, th);
	return loa_sql_run(st, err);
}

int loa_token_create(loa_store *s, const char *login, const char *label, const char *actor,
		     char token[LOA_TOKEN_STR_MAX], loa_err *err)
{
	loa_user u;
	int rc = loa_user_get(s, login, &u, err);
	if (rc)
		return rc;
	random_hex(token, 32);
	memmove(token + 4, token, LOA_TOKEN_HEX + 1);
	memcpy(token, "loa_", 4);
	char th[65];
	hex_hash(token, th);
	static const char sql[] = "INSERT INTO auth_tokens(token_hash, user_id, label, created_at) "
				  "VALUES(?1, ?2, ?3, ?4)";
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, sql, &st, err)))
		return rc;
	loa_sql_bind_text(st, 1, th);
	loa_sql_bind_i64(st, 2, u.id);
	loa_sql_bind_text(st, 3, label);
	loa_sql_bind_i64(st, 4, loa_now_ms());
	if ((rc = loa_sql_run(st, err)))
		return rc;
	char target[128];
	snprintf(target, sizeof target, "user:%s token:%.40s", login, label ? label : "");
	return audit(s, actor, "token.create", target, err);
}

int loa_auth_token(loa_store *s, const char *token, loa_user *u, loa_err *err)
{
	if (!token || strncmp(token, "loa_", 4) != 0 || strlen(token) != 4 + LOA_TOKEN_HEX)
		return loa_err_set(err, LOA_EPERM, "mã truy cập không hợp lệ / invalid API token");
	char th[65];
	hex_hash(token, th);
	static const char sql[] = "SELECT " USER_COLS " FROM auth_tokens t JOIN auth_users u "
				  "ON u.id = t.user_id WHERE t.token_hash = ?1 AND t.revoked = 0";
	loa_stmt *st;
	int rc = loa_sql_cached(s, sql, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_text(st, 1, th);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW)
		row_user(st, u);
	loa_sql_reset(st);
	if (rc < 0)
		return rc;
	if (rc != LOA_SQL_ROW || u->disabled)
		return loa_err_set(err, LOA_EPERM, "mã truy cập không hợp lệ / invalid API token");
	return LOA_OK;
}

int loa_auth_ensure_admin(loa_store *s, char password[32], bool *created, loa_err *err)
{
	*created = false;
	int rc;
	if ((rc = loa_auth_migrate(s, err)))
		return rc;
	static const char sql[] = "SELECT count(*) FROM auth_users WHERE role = 'admin' AND disabled = 0";
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, sql, &st, err)))
		return rc;
	rc = loa_sql_step(st, err);
	int64_t n = rc == LOA_SQL_ROW ? loa_sql_col_i64(st, 0) : 0;
	loa_sql_reset(st);
	if (rc < 0 || n > 0)
		return rc < 0 ? rc : LOA_OK;
	loa_user existing;
	const char *login = loa_user_get(s, "admin", &existing, NULL) == LOA_OK ? "quantri" : "admin";
	/* 20 characters from an alphabet without look-alikes */
	static const char alpha[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (int i = 0; i < 20; i++)
		password[i] = alpha[randombytes_uniform(sizeof alpha - 1)];
	password[20] = '\0';
	rc = loa_user_add(s, login, "Quản trị viên", LOA_ROLE_ADMIN, NULL, password, "system", NULL,
			  err);
	if (rc == LOA_OK)
		*created = true;
	return rc;
}
