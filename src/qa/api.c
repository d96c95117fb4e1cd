/*
 * api.c - the qa room's HTTP routes (public, no login, rate-limited per
 * client address):
 *   POST /api/v1/ask            {"question", "as_of"?, "limit"?}
 *   POST /api/v1/ask/feedback   {"question", "article_id"?, "citation"?, "helpful", "comment"?}
 *   POST /api/v1/cases/lookup   {"code", "phone"}
 * A lookup with an unknown code and one with a wrong phone get the same
 * 404 body after the same work; after LOOKUP_MISSES misses in
 * LOOKUP_WINDOW an address is locked out for LOOKUP_LOCK (429).
 *
 * The index is loaded on first use from the file saved next to the
 * database (loa_laws_index: DB.qaidx), or built and saved there, and made
 * again when the document base changes (qa_meta laws_gen); searches share
 * it under a read lock. Ranking parameters come from the server's
 * configuration.
 */
#include "qa/qa.h"
#include "core/calendar.h"
#include "core/config.h"
#include "core/log.h"
#include "core/map.h"
#include "http/app.h"
#include "qa/laws.h"
#include "store/sql.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define ASK_PER_MIN 60
#define LOOKUP_PER_WINDOW 20
#define LOOKUP_MISSES 5
#define LOOKUP_WINDOW ((loa_ms)15 * 60 * 1000)
#define LOOKUP_LOCK ((loa_ms)15 * 60 * 1000)
#define PEERS_MAX 100000
#define FEEDBACK_MAX 4000

/* ---- the shared index ------------------------------------------------------------- */

static pthread_rwlock_t ix_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t ix_build = PTHREAD_MUTEX_INITIALIZER;
static loa_qa_index *shared_ix;
static int64_t shared_gen = -1;
static loa_calendar shared_cal;
static bool cal_ready;
static pthread_once_t cal_once = PTHREAD_ONCE_INIT;
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p)
{
	loa_qa_scratch_free(p);
}

static void scratch_init(void)
{
	pthread_key_create(&scratch_key, scratch_free);
}

static loa_qa_scratch *thread_scratch(void)
{
	pthread_once(&scratch_once, scratch_init);
	loa_qa_scratch *s = pthread_getspecific(scratch_key);
	if (!s && (s = loa_qa_scratch_new()))
		pthread_setspecific(scratch_key, s);
	return s;
}

/* Configuration: the app does not lend its configuration to other rooms
 * yet, so the qa keys come from the environment layer (LOA_QA_MODEL,
 * LOA_CALENDAR_DAYS_OFF, LOA_CALENDAR_WORK_DAYS) over the defaults. */
static loa_config *env_config(void)
{
	loa_config *c = loa_config_new();
	if (c)
		loa_config_load_env(c, NULL);
	return c;
}

static void cal_init(void)
{
	loa_config *cfg = env_config();
	loa_err err;
	if (cfg && loa_qa_calendar_config(cfg, &shared_cal, &err) == LOA_OK)
		cal_ready = true;
	else
		loa_warn("qa.calendar", "error=\"%s\"", cfg ? loa_err_msg(&err) : "out of memory");
	loa_config_free(cfg);
}

/* Takes the read lock on a current index; returns it or NULL (error in
 * err). Unlock with pthread_rwlock_unlock(&ix_lock). */
static loa_qa_index *index_acquire(loa_app *app, loa_store *s, loa_err *err)
{
	int64_t gen;
	if (loa_qa_db_init(s, err) || loa_laws_generation(s, &gen, err))
		return NULL;
	pthread_rwlock_rdlock(&ix_lock);
	if (shared_ix && shared_gen == gen)
		return shared_ix;
	pthread_rwlock_unlock(&ix_lock);
	pthread_mutex_lock(&ix_build);
	if (!shared_ix || shared_gen != gen) {
		loa_qa_params p;
		loa_qa_index *nix = NULL;
		char path[4096];
		bool file = loa_laws_index_path(loa_app_db_path(app), path, sizeof path);
		int rc = loa_qa_params_config(loa_app_config(app), &p, err);
		if (!rc)
			rc = loa_laws_index(s, &p, file ? path : NULL, &nix, NULL, err);
		if (rc) {
			pthread_mutex_unlock(&ix_build);
			return NULL;
		}
		pthread_rwlock_wrlock(&ix_lock);
		loa_qa_index_free(shared_ix);
		shared_ix = nix;
		shared_gen = gen;
		pthread_rwlock_unlock(&ix_lock);
		loa_info("qa.index", "articles=%u generation=%lld", loa_qa_index_docs(nix), (long long)gen);
	}
	pthread_mutex_unlock(&ix_build);
	pthread_rwlock_rdlock(&ix_lock);
	return shared_ix;
}

/* ---- rate limits -------------------------------------------------------------------- */

typedef struct peer_state {
	loa_ms ask_start;
	int asks;
	loa_ms look_start;
	int looks, misses;
	loa_ms locked_until;
} peer_state;

static pthread_mutex_t peers_mu = PTHREAD_MUTEX_INITIALIZER;
static loa_map peers;
static bool peers_ready;

static peer_state *peer_get(const char *peer, loa_ms now)
{
	if (!peers_ready) {
		loa_map_init(&peers, free);
		peers_ready = true;
	}
	if (!peer)
		peer = "?";
	peer_state *p = loa_map_get(&peers, peer, strlen(peer));
	if (p)
		return p;
	if (peers.count >= PEERS_MAX) { /* forget idle addresses */
		loa_map_entry *e;
		for (size_t it = 0; loa_map_next(&peers, &it, &e);) {
			peer_state *q = e->value;
			if (q->locked_until < now && now - q->look_start > LOOKUP_WINDOW &&
			    now - q->ask_start > 60000)
				loa_map_del(&peers, e->key, e->klen);
		}
		if (peers.count >= PEERS_MAX)
			return NULL;
	}
	p = calloc(1, sizeof *p);
	if (!p || loa_map_set(&peers, peer, strlen(peer), p)) {
		free(p);
		return NULL;
	}
	return p;
}

/* 0 = go on; else the Retry-After seconds. */
static int ask_allowed(const char *peer)
{
	loa_ms now = loa_now_ms();
	pthread_mutex_lock(&peers_mu);
	peer_state *p = peer_get(peer, now);
	int wait = 0;
	if (!p) {
		wait = 60;
	} else {
		if (now - p->ask_start >= 60000) {
			p->ask_start = now;
			p->asks = 0;
		}
		if (++p->asks > ASK_PER_MIN)
			wait = (int)((p->ask_start + 60000 - now) / 1000) + 1;
	}
	pthread_mutex_unlock(&peers_mu);
	return wait;
}

static int lookup_allowed(const char *peer)
{
	loa_ms now = loa_now_ms();
	pthread_mutex_lock(&peers_mu);
	peer_state *p = peer_get(peer, now);
	int wait = 0;
	if (!p) {
		wait = 60;
	} else if (p->locked_until > now) {
		wait = (int)((p->locked_until - now) / 1000) + 1;
	} else {
		if (now - p->look_start >= LOOKUP_WINDOW) {
			p->look_start = now;
			p->looks = 0;
			p->misses = 0;
		}
		if (++p->looks > LOOKUP_PER_WINDOW)
			wait = (int)((p->look_start + LOOKUP_WINDOW - now) / 1000) + 1;
	}
	pthread_mutex_unlock(&peers_mu);
	return wait;
}

static void lookup_result(const char *peer, bool found)
{
	loa_ms now = loa_now_ms();
	pthread_mutex_lock(&peers_mu);
	peer_state *p = peer_get(peer, now);
	if (p && !found && ++p->misses >= LOOKUP_MISSES) {
		p->locked_until = now + LOOKUP_LOCK;
		loa_warn("qa.lookup_lockout", "peer=%s misses=%d", peer ? peer : "?", p->misses);
	}
	pthread_mutex_unlock(&peers_mu);
}

static int too_many(loa_http_resp *w, int wait)
{
	char v[24];
	snprintf(v, sizeof v, "%d", wait);
	loa_http_add_header(w, "Retry-After", v);
	return loa_http_error(w, 429, "too_many_requests",
			      "quá nhiều yêu cầu, vui lòng thử lại sau %d giây / too many requests, "
			      "retry in %d s",
			      wait, wait);
}

/* ---- handlers ------------------------------------------------------------------------ */

static json_t *body_object(loa_http_req *r, loa_http_resp *w)
{
	size_t n;
	const char *b = loa_http_body(r, &n);
	json_error_t je;
	json_t *o = json_loadb(b, n, 0, &je);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		loa_http_error(w, 400, "bad_json",
			       "cần một đối tượng JSON / expected a JSON object");
		return NULL;
	}
	return o;
}

static loa_store *store_or_503(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_err err;
	loa_err_clear(&err);
	loa_store *s = loa_app_store(app, &err);
	if (!s)
		loa_http_error(w, 503, "unavailable", "cơ sở dữ liệu chưa sẵn sàng / database unavailable");
	else if (loa_qa_db_init(s, &err)) {
		loa_http_error(w, 503, "unavailable", "%s", loa_err_msg(&err));
		return NULL;
	}
	return s;
}

static int h_ask(loa_http_req *r, loa_http_resp *w, void *app)
{
	int wait = ask_allowed(loa_http_peer(r));
	if (wait)
		return too_many(w, wait);
	json_t *o = body_object(r, w);
	if (!o)
		return LOA_OK;
	json_t *jq = json_object_get(o, "question"), *ja = json_object_get(o, "as_of");
	json_t *jl = json_object_get(o, "limit");
	int32_t day = loa_qa_today();
	json_int_t limit = 5;
	int rc = LOA_OK;
	if (!json_is_string(jq) || json_string_length(jq) == 0 ||
	    json_string_length(jq) > LOA_QA_QUERY_MAX) {
		rc = loa_http_error(w, 400, "bad_question",
				    "cần \"question\" (1..%d byte) / \"question\" must be a string of 1..%d "
				    "bytes",
				    LOA_QA_QUERY_MAX, LOA_QA_QUERY_MAX);
		goto out;
	}
	if (ja && !json_is_null(ja) &&
	    (!json_is_string(ja) || loa_law_parse_day(json_string_value(ja), &day))) {
		rc = loa_http_error(w, 400, "bad_as_of", "\"as_of\" cần YYYY-MM-DD / must be YYYY-MM-DD");
		goto out;
	}
	if (jl && (!json_is_integer(jl) || json_integer_value(jl) < 1 ||
		   json_integer_value(jl) > 20)) {
		rc = loa_http_error(w, 400, "bad_limit", "\"limit\" cần 1..20 / must be 1..20");
		goto out;
	}
	if (jl)
		limit = json_integer_value(jl);
	loa_store *s = store_or_503(r, w, app);
	if (!s)
		goto out;
	loa_err err;
	loa_err_clear(&err);
	loa_qa_index *ix = index_acquire(app, s, &err);
	if (!ix) {
		rc = loa_http_error(w, 503, "unavailable", "%s", loa_err_msg(&err));
		goto out;
	}
	json_t *ans = NULL;
	int arc = loa_qa_answer(s, ix, thread_scratch(), json_string_value(jq), json_string_length(jq),
				day, (size_t)limit, &ans, &err);
	pthread_rwlock_unlock(&ix_lock);
	if (arc == LOA_EINVAL || arc == LOA_ETOOBIG)
		rc = loa_http_error(w, 400, "bad_question", "%s", loa_err_msg(&err));
	else if (arc)
		rc = loa_http_error(w, 500, "internal", "%s", loa_err_msg(&err));
	else
		rc = loa_http_json(w, 200, ans);
out:
	json_decref(o);
	return rc;
}

static int h_feedback(loa_http_req *r, loa_http_resp *w, void *app)
{
	int wait = ask_allowed(loa_http_peer(r));
	if (wait)
		return too_many(w, wait);
	json_t *o = body_object(r, w);
	if (!o)
		return LOA_OK;
	const char *q = NULL, *cit = NULL, *comment = NULL;
	int helpful = 0;
	json_int_t aid = 0;
	int rc;
	if (json_unpack(o, "{s:s,s:b,s?I,s?s,s?s}", "question", &q, "helpful", &helpful, "article_id",
			&aid, "citation", &cit, "comment", &comment) ||
	    strlen(q) == 0 || strlen(q) > LOA_QA_QUERY_MAX || (cit && strlen(cit) > FEEDBACK_MAX) ||
	    (comment && strlen(comment) > FEEDBACK_MAX)) {
		rc = loa_http_error(w, 400, "bad_feedback",
				    "cần {\"question\", \"helpful\": true|false, \"article_id\"?, "
				    "\"citation\"?, \"comment\"?} / bad feedback");
		goto out;
	}
	loa_store *s = store_or_503(r, w, app);
	if (!s) {
		rc = LOA_OK;
		goto out;
	}
	static const char sql[] =
		"INSERT INTO qa_feedback(at, question, article_id, citation, helpful, comment) "
		"VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
	loa_stmt *st;
	loa_err err;
	loa_err_clear(&err);
	if ((rc = loa_sql_cached(s, sql, &st, &err)) == LOA_OK) {
		loa_sql_bind_i64(st, 1, loa_now_ms());
		loa_sql_bind_text(st, 2, q);
		if (aid > 0)
			loa_sql_bind_i64(st, 3, aid);
		loa_sql_bind_text(st, 4, cit);
		loa_sql_bind_i64(st, 5, helpful ? 1 : 0);
		loa_sql_bind_text(st, 6, comment);
		rc = loa_sql_run(st, &err);
	}
	if (rc)
		rc = loa_http_error(w, 500, "internal", "%s", loa_err_msg(&err));
	else
		rc = loa_http_json(w, 201, json_pack("{s:b,s:I}", "stored", 1,
						     "id", (json_int_t)loa_sql_last_id(s)));
out:
	json_decref(o);
	return rc;
}

static int h_lookup(loa_http_req *r, loa_http_resp *w, void *app)
{
	const char *peer = loa_http_peer(r);
	int wait = lookup_allowed(peer);
	if (wait)
		return too_many(w, wait);
	json_t *o = body_object(r, w);
	if (!o)
		return LOA_OK;
	const char *code = NULL, *phone = NULL;
	int rc;
	if (json_unpack(o, "{s:s,s:s}", "code", &code, "phone", &phone) || !*code || !*phone ||
	    strlen(code) > 64 || strlen(phone) > 32) {
		rc = loa_http_error(w, 400, "bad_lookup",
				    "cần {\"code\", \"phone\"} / expected {\"code\", \"phone\"}");
		goto out;
	}
	loa_store *s = store_or_503(r, w, app);
	if (!s) {
		rc = LOA_OK;
		goto out;
	}
	loa_err err;
	loa_err_clear(&err);
	loa_qa_index *ix = index_acquire(app, s, &err);
	json_t *ans = NULL;
	pthread_once(&cal_once, cal_init);
	const loa_calendar *cal = cal_ready ? &shared_cal : NULL;
	int lrc = loa_qa_case_answer(s, cal, ix, ix ? thread_scratch() : NULL, code, phone,
				     loa_now_ms(), &ans, &err);
	if (ix)
		pthread_rwlock_unlock(&ix_lock);
	lookup_result(peer, lrc == LOA_OK);
	if (lrc == LOA_ENOTFOUND)
		rc = loa_http_error(w, 404, "not_found",
				    "không tìm thấy hồ sơ với mã và số điện thoại này / no record with "
				    "this code and phone number");
	else if (lrc)
		rc = loa_http_error(w, 500, "internal", "%s", loa_err_msg(&err));
	else
		rc = loa_http_json(w, 200, ans);
out:
	json_decref(o);
	return rc;
}

const loa_http_route loa_qa_routes[] = {
	{"POST", "/api/v1/ask", h_ask, 0},
	{"POST", "/api/v1/ask/feedback", h_feedback, 0},
	{"POST", "/api/v1/cases/lookup", h_lookup, 0},
};
const size_t loa_qa_nroutes = sizeof loa_qa_routes / sizeof loa_qa_routes[0];

const loa_http_route *loa_api_qa_routes(size_t *n)
{
	*n = loa_qa_nroutes;
	return loa_qa_routes;
}
