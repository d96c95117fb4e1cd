/*
 * cmd_serve.c - `loa serve` (the server on the configured database) and
 * `loa demo` (the server on a demo database filled with the bundled
 * sample). Both stop gracefully on SIGINT or SIGTERM: the server stops
 * accepting, finishes the requests in flight, and the database is closed.
 */
#include "cli/cli.h"
#include "core/log.h"
#include "core/ltime.h"
#include "core/paths.h"
#include "core/progress.h"
#include "core/str.h"
#include "http/app.h"
#include "http/http.h"
#include "http/jobs.h"
#include "store/item_json.h"
#include "analyze/claim.h"
#include "analyze/measure.h"
#include "network/network.h"
#include "store/store.h"
#include "auth/auth.h"

#include <curl/curl.h>
#include <sodium.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/banned.h"

/* Finds a folder shipped with loa (rel such as "data/sample"): under
 * $LOA_HOME, next to the program (<exe dir>/../rel), or in the current
 * directory. */
static int find_shipped(const char *rel, char *out, size_t cap)
{
	loa_buf b;
	loa_buf_init(&b, LOA_PATH_MAX);
	const char *home = getenv("LOA_HOME");
	int rc = LOA_ENOTFOUND;
	for (int i = 0; i < 3 && rc != LOA_OK; i++) {
		loa_buf_reset(&b);
		if (i == 0 && home && *home)
			loa_buf_printf(&b, "%s/%s", home, rel);
		else if (i == 1 && loa_exe_dir(&b) == LOA_OK)
			loa_buf_printf(&b, "/../%s", rel);
		else if (i == 2)
			loa_buf_puts(&b, rel);
		if (b.len && access(b.data, R_OK) == 0 && b.len < cap) {
			memcpy(out, b.data, b.len + 1);
			rc = LOA_OK;
		}
	}
	loa_buf_release(&b);
	return rc;
}

typedef struct server_run {
	loa_app *app;
	loa_http_server *srv;
	loa_job *replay;
} server_run;

/* ---- the demo's replay: sample items re-published as new, one every few
 * seconds, so the dashboard visibly lives ---- */

typedef struct replay {
	char *db;
	char **lines; /* the sample's JSON lines */
	size_t n, next;
	loa_store *store;
	loa_ms started;
	uint64_t count;
} replay;

static void replay_free(replay *rp)
{
	if (!rp)
		return;
	for (size_t i = 0; i < rp->n; i++)
		free(rp->lines[i]);
	free(rp->lines);
	loa_store_close(rp->store);
	free(rp->db);
	free(rp);
}

static int replay_load(const char *path, const char *db, replay **out, loa_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return loa_err_set(err, LOA_EIO, "không đọc được tệp / cannot read file: %s", path);
	replay *rp = calloc(1, sizeof *rp);
	char *line = NULL;
	size_t cap = 0, nalloc = 0;
	ssize_t len;
	int rc = rp && (rp->db = strdup(db)) ? LOA_OK : LOA_ENOMEM;
	while (rc == LOA_OK && (len = getline(&line, &cap, f)) > 0 && rp->n < 100000) {
		if (rp->n == nalloc) {
			nalloc = nalloc ? nalloc * 2 : 1024;
			char **nl = realloc(rp->lines, nalloc * sizeof *nl);
			if (!nl) {
				rc = LOA_ENOMEM;
				break;
			}
			rp->lines = nl;
		}
		if (!(rp->lines[rp->n] = strdup(line)))
			rc = LOA_ENOMEM;
		else
			rp->n++;
	}
	free(line);
	fclose(f);
	if (rc == LOA_OK && rp->n == 0)
		rc = LOA_EINVAL;
	if (rc) {
		replay_free(rp);
		return loa_err_set(err, rc, "không đọc được dữ liệu mẫu / cannot load the sample");
	}
	rp->started = loa_now_ms();
	*out = rp;
	return LOA_OK;
}

static int replay_job(void *state, const atomic_int *stop)
{
	replay *rp = state;
	loa_err err;
	loa_err_clear(&err);
	if (!rp->store && loa_store_open(rp->db, LOA_STORE_NO_CREATE, &rp->store, &err))
		return LOA_EIO;
	/* a deterministic walk through the sample, skipping comments' parents */
	const char *line = rp->lines[(rp->next * 7919) % rp->n];
	rp->next++;
	json_t *root = NULL;
	loa_item it;
	int rc = loa_item_parse_line(line, strcspn(line, "\r\n"), &root, &it, &err);
	if (rc == LOA_OK && !it.parent_id) {
		char id[256];
		snprintf(id, sizeof id, "%.180s-truc-tiep-%lld-%llu", it.id ? it.id : "x",
			 (long long)(rp->started / 1000), (unsigned long long)rp->count++);
		it.id = id;
		it.url = NULL;
		it.published_at = loa_now_ms();
		it.fetched_at = LOA_TIME_NONE;
		rc = loa_store_item_upsert(rp->store, &it, NULL, &err);
	}
	json_decref(root);
	return rc == LOA_EINVAL || rc == LOA_EPARSE ? LOA_OK : rc;
}

/* Reads a PEM file named by configuration key `key` into b ("" = none). */
static int read_pem(loa_ctx *ctx, const char *key, loa_buf *b, loa_err *err)
{
	const char *path = loa_config_get(ctx->cfg, key);
	if (!path || !*path)
		return LOA_OK;
	FILE *f = fopen(path, "r");
	if (!f)
		return loa_err_set(err, LOA_EIO, "không đọc được tệp / cannot read file: %s (%s)", path, key);
	char chunk[4096];
	size_t k;
	int rc = LOA_OK;
	while (rc == LOA_OK && (k = fread(chunk, 1, sizeof chunk, f)) > 0)
		rc = loa_buf_append(b, chunk, k);
	fclose(f);
	if (rc)
		return loa_err_set(err, rc, "tệp quá lớn / file too large: %s", path);
	return LOA_OK;
}

static bool tls_on(loa_ctx *ctx)
{
	const char *c = loa_config_get(ctx->cfg, "http.tls_cert");
	return c && *c;
}

static int start_server(loa_ctx *ctx, const char *db, const char *listen, server_run *r,
			loa_err *err)
{
	memset(r, 0, sizeof *r);
	loa_buf cert, key;
	loa_buf_init(&cert, 1 << 20);
	loa_buf_init(&key, 1 << 20);
	int rc = read_pem(ctx, "http.tls_cert", &cert, err);
	if (rc == LOA_OK)
		rc = read_pem(ctx, "http.tls_key", &key, err);
	if (rc == LOA_OK && (cert.len > 0) != (key.len > 0))
		rc = loa_err_set(err, LOA_EINVAL, "cần cả http.tls_cert và http.tls_key / TLS needs both "
				 "http.tls_cert and http.tls_key");
	if (rc == LOA_OK && cert.len) /* over TLS, session cookies are Secure */
		loa_config_set(ctx->cfg, "http.secure_cookies", "1", LOA_CFG_FLAG, NULL);
	if (rc == LOA_OK)
		rc = loa_app_new(ctx->cfg, db, &r->app, err);
	if (rc) {
		sodium_memzero(key.data ? key.data : (char *)"", key.len);
		loa_buf_release(&cert);
		loa_buf_release(&key);
		return rc;
	}
	size_t nroutes;
	const loa_http_route *routes = loa_app_routes(r->app, &nroutes);
	char webdir[4096];
	loa_http_opts o = {
		.listen = listen,
		.threads = (unsigned)loa_config_get_i64(ctx->cfg, "http.threads", 4),
		.max_body = (size_t)loa_config_get_i64(ctx->cfg, "http.max_body", 1 << 20),
		.static_dir = find_shipped("web/dist", webdir, sizeof webdir) == LOA_OK ? webdir : NULL,
		.routes = routes,
		.nroutes = nroutes,
		.app = r->app,
		.authorize = loa_app_authorize(),
		.tls_cert = cert.len ? cert.data : NULL,
		.tls_key = key.len ? key.data : NULL,
	};
	if (rc == LOA_OK)
		rc = loa_http_start(&o, &r->srv, err);
	sodium_memzero(key.data ? key.data : (char *)"", key.len);
	loa_buf_release(&cert);
	loa_buf_release(&key);
	if (rc == LOA_OK && (rc = loa_app_start(r->app, r->srv, err)) != LOA_OK) {
		loa_http_stop(r->srv);
		r->srv = NULL;
	}
	if (rc) {
		loa_app_free(r->app);
		r->app = NULL;
	}
	return rc;
}

static void stop_server(server_run *r)
{
	loa_job_stop(r->replay);
	r->replay = NULL;
	loa_app_stop(r->app);
	loa_http_stop(r->srv);
	loa_app_free(r->app);
	r->srv = NULL;
	r->app = NULL;
}

/* Blocks SIGINT/SIGTERM in every thread (workers inherit the mask), so
 * that the main thread can wait for them with sigwait. */
static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int wait_for_signal(sigset_t *set)
{
	int sig = 0;
	sigwait(set, &sig);
	return sig;
}

static size_t discard(char *p, size_t sz, size_t n, void *ud)
{
	loa_buf *b = ud;
	if (loa_buf_append(b, p, sz * n))
		return 0;
	return sz * n;
}

/* GETs http(s)://127.0.0.1:port/path; LOA_OK when the status is 200. The
 * check talks to this very process, so over TLS it does not verify the
 * certificate (which names the public host, not 127.0.0.1). */
static int http_check(unsigned port, bool tls, const char *path, loa_buf *body, long *status)
{
	char url[256];
	snprintf(url, sizeof url, "%s://127.0.0.1:%u%s", tls ? "https" : "http", port, path);
	CURL *c = curl_easy_init();
	if (!c)
		return LOA_ENOMEM;
	curl_easy_setopt(c, CURLOPT_URL, url);
	if (tls) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(c);
	return cc == CURLE_OK && *status == 200 ? LOA_OK : LOA_ENET;
}

static int serve_until_signal(loa_ctx *ctx, const char *name, const char *db, const char *listen,
			      bool check, replay *rp)
{
	sigset_t set;
	block_signals(&set);
	loa_err err;
	loa_err_clear(&err);
	server_run r;
	if (start_server(ctx, db, listen, &r, &err)) {
		replay_free(rp);
		return cli_fail(name, "%s", loa_err_msg(&err));
	}
	unsigned port = loa_http_port(r.srv);
	if (rp && !check && loa_config_get_i64(ctx->cfg, "demo.replay_ms", 4000) > 0 &&
	    loa_job_start("replay", loa_config_get_i64(ctx->cfg, "demo.replay_ms", 4000), replay_job, rp,
			  &r.replay, &err) != LOA_OK)
		loa_warn("demo.replay", "msg=%s", loa_err_msg(&err));
	if (check) {
		loa_buf body;
		loa_buf_init(&body, 1 << 20);
		long status = 0;
		int rc = http_check(port, tls_on(ctx), "/healthz", &body, &status);
		printf("kiểm tra / check: GET /healthz -> %ld %s", status, body.data ? body.data : "\n");
		if (rc == LOA_OK) {
			loa_buf_reset(&body);
			rc = http_check(port, tls_on(ctx), "/metrics", &body, &status);
			printf("kiểm tra / check: GET /metrics -> %ld (%zu bytes)\n", status, body.len);
		}
		loa_buf_release(&body);
		stop_server(&r);
		replay_free(rp);
		printf("%s: %s\n", name, rc == LOA_OK ? "máy chủ hoạt động tốt / server healthy"
						       : "máy chủ không phản hồi đúng / server unhealthy");
		return rc == LOA_OK ? LOA_EXIT_OK : LOA_EXIT_FAIL;
	}
	printf("Bảng điều khiển / dashboard: %s://127.0.0.1:%u/\n", tls_on(ctx) ? "https" : "http", port);
	printf("Nhấn Ctrl+C để dừng / press Ctrl+C to stop.\n");
	fflush(stdout);
	loa_info("serve.start", "port=%u db=%s", port, db);
	int sig = wait_for_signal(&set);
	loa_info("serve.stop", "signal=%d", sig);
	stop_server(&r);
	replay_free(rp);
	fprintf(stderr, "%s: đã dừng / stopped\n", name);
	return LOA_EXIT_OK;
}

int cmd_serve(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"check", no_argument, NULL, 'c'},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("serve");
	bool check = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'l': loa_config_set(ctx->cfg, "listen", optarg, LOA_CFG_FLAG, NULL); break;
		case 'c': check = true; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (optind != argc)
		return cli_usage_error("serve", "thừa đối số / unexpected argument: %s", argv[optind]);
	const char *db = loa_config_get(ctx->cfg, "db");
	loa_err err;
	loa_store *s;
	if (loa_store_open(db, 0, &s, &err))
		return cli_fail("serve", "%s", loa_err_msg(&err));
	char pw[32];
	bool created = false;
	if (loa_auth_ensure_admin(s, pw, &created, &err)) {
		loa_store_close(s);
		return cli_fail("serve", "%s", loa_err_msg(&err));
	}
	loa_store_close(s);
	if (created)
		printf("Đã tạo quản trị viên / created the administrator: admin\n"
		       "Mật khẩu một lần (hãy đổi: loa users passwd admin) / one-time password "
		       "(change it: loa users passwd admin): %s\n", pw);
	return serve_until_signal(ctx, "serve", db, check ? "127.0.0.1:0" : loa_config_get(ctx->cfg, "listen"), check, NULL);
}

/* ---- demo ---- */



static int count_claim(void *arg, const loa_claim_info *c)
{
	(*(int *)arg)++;
	return 0;
}

static int print_org(void *arg, const loa_org *o)
{
	int *n = arg;
	(*n)++;
	return 0;
}

static int demo_load_orgs(loa_store *s, const char *path, int *added, loa_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return loa_err_set(err, LOA_EIO, "không đọc được tệp / cannot read file: %s", path);
	char line[4096];
	int rc = LOA_OK, lineno = 0;
	/* two passes: an organisation's parent and successor must exist first */
	for (int pass = 0; pass < 2 && rc == LOA_OK; pass++) {
		rewind(f);
		lineno = 0;
		while (rc == LOA_OK && fgets(line, sizeof line, f)) {
			lineno++;
			json_error_t je;
			json_t *j = json_loads(line, 0, &je);
			if (!j) {
				rc = loa_err_set(err, LOA_EPARSE, "%s:%d: %s", path, lineno, je.text);
				break;
			}
			loa_org o = {0};
			o.slug = json_string_value(json_object_get(j, "slug"));
			o.name = json_string_value(json_object_get(j, "name"));
			o.kind = json_string_value(json_object_get(j, "kind"));
			o.parent = json_string_value(json_object_get(j, "parent"));
			o.valid_from = o.valid_to = LOA_TIME_NONE;
			const char *vf = json_string_value(json_object_get(j, "valid_from"));
			const char *vt = json_string_value(json_object_get(j, "valid_to"));
			const char *succ = json_string_value(json_object_get(j, "successor"));
			if (vf)
				loa_time_parse_rfc3339(vf, strlen(vf), &o.valid_from);
			if (vt)
				loa_time_parse_rfc3339(vt, strlen(vt), &o.valid_to);
			loa_org_rec rec;
			loa_err e2;
			if (pass == 0) {
				if (loa_store_org_get(s, o.slug ? o.slug : "", &rec, &e2) == LOA_ENOTFOUND) {
					const char *parent = o.parent;
					if (parent && loa_store_org_get(s, parent, &rec, &e2) != LOA_OK)
						o.parent = NULL; /* set on the second pass */
					rc = loa_store_org_add(s, &o, NULL, err);
					if (rc == LOA_OK)
						(*added)++;
				}
			} else if (succ) {
				if (loa_store_org_get(s, o.slug, &rec, &e2) == LOA_OK && !rec.successor[0])
					rc = loa_store_org_succeed(s, o.slug, succ, o.valid_to, err);
			}
			json_decref(j);
		}
	}
	fclose(f);
	return rc;
}

int cmd_demo(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"check", no_argument, NULL, 'c'},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("demo");
	bool check = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'l': loa_config_set(ctx->cfg, "listen", optarg, LOA_CFG_FLAG, NULL); break;
		case 'c': check = true; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (optind != argc)
		return cli_usage_error("demo", "thừa đối số / unexpected argument: %s", argv[optind]);
	/* the demo has its own database unless one was named */
	char db[4096];
	loa_strlcpy(db, loa_config_origin(ctx->cfg, "db") == LOA_CFG_DEFAULT
				? "demo.db" : loa_config_get(ctx->cfg, "db"), sizeof db);
	char sample[4096], orgs[4200], items[4200];
	if (find_shipped("data/sample", sample, sizeof sample) != LOA_OK)
		return cli_fail("demo", "không tìm thấy dữ liệu mẫu / sample data not found "
					"(data/sample; set LOA_HOME to the source tree)");
	snprintf(orgs, sizeof orgs, "%s/orgs.jsonl", sample);
	snprintf(items, sizeof items, "%s/items.jsonl", sample);

	loa_err err;
	loa_err_clear(&err);
	loa_store *s;
	if (loa_store_open(db, 0, &s, &err))
		return cli_fail("demo", "%s", loa_err_msg(&err));
	int added = 0;
	if (demo_load_orgs(s, orgs, &added, &err)) {
		loa_store_close(s);
		return cli_fail("demo", "%s", loa_err_msg(&err));
	}
	/* the sample's items go through `loa import` itself, so the demo shows
	 * exactly what an import does (idempotent, progress, summary) */
	loa_store_close(s);
	char *iargv[] = {"import", items, NULL};
	int saved_optind = optind;
	optind = 0;
	loa_config_set(ctx->cfg, "db", db, LOA_CFG_FLAG, NULL);
	int rc = cmd_import(ctx, 2, iargv);
	optind = saved_optind;
	if (rc != LOA_EXIT_OK)
		return cli_fail("demo", "nhập dữ liệu mẫu thất bại / importing the sample failed");
	if (loa_store_open(db, 0, &s, &err))
		return cli_fail("demo", "%s", loa_err_msg(&err));
	/* the real current structure of the network (data/directory), and two
	 * false claims that the sample's social posts carry */
	char dir[4200];
	if (find_shipped("data/directory/directory.json", dir, sizeof dir) == LOA_OK) {
		loa_buf body;
		loa_buf_init(&body, 16 << 20);
		FILE *df = fopen(dir, "r");
		char chunk[8192];
		size_t k;
		while (df && (k = fread(chunk, 1, sizeof chunk, df)) > 0 && !loa_buf_append(&body, chunk, k))
			;
		if (df)
			fclose(df);
		loa_directory_stats ds;
		loa_err de;
		if (body.len && loa_directory_import(s, body.data, body.len, "json", "demo", &ds, &de))
			loa_warn("demo.directory", "msg=%s", loa_err_msg(&de));
		loa_buf_release(&body);
	}
	int nclaims = 0;
	loa_claims_each(s, count_claim, &nclaims, &err);
	if (nclaims == 0) {
		static const char *const claims[][2] = {
			{"Tin đồn thu thêm phí nộp hồ sơ trực tuyến",
			 "cơ quan sẽ thu thêm phí khi nộp hồ sơ trực tuyến"},
			{"Tin đồn hủy bỏ chính sách từ tháng sau",
			 "lan truyền thông tin chính sách bị hủy bỏ từ tháng sau"},
		};
		for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++) {
			int64_t cid;
			if (loa_claim_add(s, claims[i][0], claims[i][1], NULL, "demo", &cid, &err))
				loa_warn("demo.claim", "msg=%s", loa_err_msg(&err));
		}
	}
	/* the demo database is the demo's own: a fresh admin password each run */
	char pw[32];
	bool created = false;
	if (loa_auth_ensure_admin(s, pw, &created, &err) == LOA_OK && !created) {
		static const char alpha[] = "abcdefghjkmnpqrstuvwxyz23456789";
		for (int i = 0; i < 16; i++)
			pw[i] = alpha[randombytes_uniform(sizeof alpha - 1)];
		pw[16] = '\0';
		loa_user u;
		if (loa_user_get(s, "admin", &u, &err) == LOA_OK)
			loa_user_passwd(s, "admin", pw, "demo", &err);
		else
			loa_user_add(s, "admin", "Quản trị viên", LOA_ROLE_ADMIN, NULL, pw, "demo", NULL, &err);
	}
	loa_store_status ss;
	int norgs = 0;
	loa_store_orgs_each(s, print_org, &norgs, &err);
	if (loa_store_status_get(s, &ss, &err) == LOA_OK) {
		char a[32], b[32], d[32];
		printf("Dữ liệu mẫu / sample data (%s):\n", db);
		printf("  cơ quan / organisations: %d (mới / new: %d)\n", norgs, added);
		printf("  nguồn tin / sources:     %s\n", loa_fmt_count((uint64_t)ss.sources, a));
		printf("  tin, bài / items:        %s\n", loa_fmt_count((uint64_t)ss.items, b));
		printf("  nhật ký / audit entries: %s\n", loa_fmt_count((uint64_t)ss.audit, d));
	}
	printf("Đăng nhập / login: admin  mật khẩu / password: %s\n", pw);
	loa_store_close(s);
	replay *rp = NULL;
	if (!check && replay_load(items, db, &rp, &err) != LOA_OK)
		loa_warn("demo.replay", "msg=%s", loa_err_msg(&err));
	if (rp)
		printf("Phát lại tin mẫu mỗi %lld giây để bảng điều khiển luôn có tin mới / replaying sample "
		       "items every %lld s so the dashboard lives\n",
		       (long long)loa_config_get_i64(ctx->cfg, "demo.replay_ms", 4000) / 1000,
		       (long long)loa_config_get_i64(ctx->cfg, "demo.replay_ms", 4000) / 1000);
	return serve_until_signal(ctx, "demo", db, check ? "127.0.0.1:0" : loa_config_get(ctx->cfg, "listen"), check, rp);
}
