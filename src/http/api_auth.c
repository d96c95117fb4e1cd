/*
 * api_auth.c - login, logout, the current user, and user management.
 *   POST /api/v1/login            {login, password} -> session cookie + CSRF
 *   POST /api/v1/logout
 *   GET  /api/v1/me
 *   GET  /api/v1/users            (admin)
 *   POST /api/v1/users            (admin) {login, name, role, org, password}
 *   POST /api/v1/users/{login}/disable, /enable (admin)
 */
#include "http/app_int.h"
#include "core/log.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

#define ADMIN LOA_ROLE_BIT(LOA_ROLE_ADMIN)

static void set_cookie(loa_app *a, loa_http_resp *w, const char *value, loa_ms max_age_ms)
{
	char c[256];
	snprintf(c, sizeof c, "loa_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
		 value, (long long)(max_age_ms / 1000), loa_app_secure_cookies(a) ? "; Secure" : "");
	loa_http_add_header(w, "Set-Cookie", c);
}

static int h_login(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_app *a = app;
	const char *peer = loa_http_peer(r);
	if (loa_app_login_locked(a, peer)) {
		loa_warn("auth.locked", "peer=%s", peer);
		loa_http_add_header(w, "Retry-After", "900");
		return loa_http_error(w, 429, "too_many_attempts",
				      "quá nhiều lần đăng nhập sai; thử lại sau 15 phút / too many failed "
				      "logins; try again in 15 minutes");
	}
	json_t *j = api_body_object(r, w);
	if (!j)
		return 0;
	const char *login = json_string_value(json_object_get(j, "login"));
	const char *password = json_string_value(json_object_get(j, "password"));
	if (!login || !password) {
		json_decref(j);
		return loa_http_error(w, 400, "bad_request", "cần login và password / login and password required");
	}
	loa_store *s = api_store(a, w);
	if (!s) {
		json_decref(j);
		return 0;
	}
	char token[LOA_TOKEN_STR_MAX], csrf[LOA_CSRF_HEX + 1];
	loa_user u;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_auth_login(s, login, password, loa_app_session_ttl(a), peer, token, csrf, &u, &err);
	json_decref(j);
	loa_app_login_result(a, peer, rc == LOA_OK);
	if (rc == LOA_EPERM) {
		loa_warn("auth.login_failed", "peer=%s", peer);
		return loa_http_error(w, 401, "unauthorized", "%s", loa_err_msg(&err));
	}
	if (rc)
		return loa_http_error(w, 500, "internal", "%s", loa_err_msg(&err));
	set_cookie(a, w, token, loa_app_session_ttl(a));
	return loa_http_json(w, 200, json_pack("{s:o,s:s}", "user", api_user_json(&u), "csrf", csrf));
}

static int h_logout(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_app *a = app;
	loa_store *s = api_store(a, w);
	if (!s)
		return 0;
	const char *cookie = loa_http_cookie(r, "loa_session");
	if (cookie)
		loa_auth_logout(s, cookie, NULL);
	set_cookie(a, w, "", 0);
	return loa_http_json(w, 200, json_pack("{s:b}", "ok", 1));
}

static int h_me(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_app *a = app;
	const loa_user *u = api_user(r);
	json_t *j = json_pack("{s:o}", "user", api_user_json(u));
	const char *cookie = loa_http_cookie(r, "loa_session");
	loa_store *s = api_store(a, w);
	if (!s) {
		json_decref(j);
		return 0;
	}
	loa_user again;
	char csrf[LOA_CSRF_HEX + 1];
	if (cookie && loa_auth_session(s, cookie, &again, csrf, NULL) == LOA_OK)
		json_object_set_new(j, "csrf", json_string(csrf));
	return loa_http_json(w, 200, j);
}

static int user_to_array(void *arg, const loa_user *u)
{
	return json_array_append_new(arg, api_user_json(u)) ? LOA_ENOMEM : 0;
}

static int h_users(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	json_t *arr = json_array();
	loa_err err;
	return api_list_reply(w, loa_users_each(s, user_to_array, arr, &err), &err, "users", arr);
}

static int h_user_add(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	json_t *j = api_body_object(r, w);
	if (!j)
		return 0;
	const char *login = json_string_value(json_object_get(j, "login"));
	const char *name = json_string_value(json_object_get(j, "name"));
	const char *role = json_string_value(json_object_get(j, "role"));
	const char *org = json_string_value(json_object_get(j, "org"));
	const char *password = json_string_value(json_object_get(j, "password"));
	int ri = loa_role_parse(role);
	if (!login || !password || ri < 0) {
		json_decref(j);
		return loa_http_error(w, 400, "bad_request", "cần login, password và role hợp lệ / login, "
				      "password and a valid role are required");
	}
	loa_err err;
	loa_err_clear(&err);
	int64_t id;
	int rc = loa_user_add(s, login, name, ri, org, password, api_user(r)->login, &id, &err);
	loa_user u;
	if (rc == LOA_OK)
		rc = loa_user_get(s, login, &u, &err);
	json_decref(j); /* login and the others point into j */
	if (rc == LOA_EEXIST)
		return loa_http_error(w, 409, "conflict", "%s", loa_err_msg(&err));
	if (rc == LOA_EINVAL)
		return loa_http_error(w, 400, "bad_request", "%s", loa_err_msg(&err));
	if (rc)
		return loa_http_error(w, 500, "internal", "%s", loa_err_msg(&err));
	return loa_http_json(w, 201, json_pack("{s:o}", "user", api_user_json(&u)));
}

static int set_disabled(loa_http_req *r, loa_http_resp *w, void *app, bool disabled)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	const char *login = loa_http_param(r, "login");
	if (strcmp(login, api_user(r)->login) == 0 && disabled)
		return loa_http_error(w, 409, "conflict", "không thể tự khoá tài khoản / cannot disable yourself");
	loa_err err;
	int rc = loa_user_disable(s, login, disabled, api_user(r)->login, &err);
	if (rc == LOA_ENOTFOUND)
		return loa_http_error(w, 404, "not_found", "%s", loa_err_msg(&err));
	if (rc)
		return loa_http_error(w, 500, "internal", "%s", loa_err_msg(&err));
	return loa_http_json(w, 200, json_pack("{s:b}", "ok", 1));
}

static int h_user_disable(loa_http_req *r, loa_http_resp *w, void *app) { return set_disabled(r, w, app, true); }
static int h_user_enable(loa_http_req *r, loa_http_resp *w, void *app) { return set_disabled(r, w, app, false); }

static const loa_http_route routes[] = {
	{"POST", "/api/v1/login", h_login, LOA_ROLES_ANY},
	{"POST", "/api/v1/logout", h_logout, LOA_ROLES_USER},
	{"GET", "/api/v1/me", h_me, LOA_ROLES_USER},
	{"GET", "/api/v1/users", h_users, ADMIN},
	{"POST", "/api/v1/users", h_user_add, ADMIN},
	{"POST", "/api/v1/users/{login}/disable", h_user_disable, ADMIN},
	{"POST", "/api/v1/users/{login}/enable", h_user_enable, ADMIN},
};

const loa_http_route *loa_api_auth_routes(size_t *n)
{
	*n = sizeof routes / sizeof routes[0];
	return routes;
}
