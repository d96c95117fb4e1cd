/*
 * cmd_qa.c - the qa room's commands: `loa eval retrieve`, `loa train
 * retrieve`, `loa laws`, `loa ask`, `loa cases`.
 */
#include "cli/cli.h"
#include "cli/cmd_eval.h"
#include "cli/cmd_train.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/ltime.h"
#include "core/map.h"
#include "core/progress.h"
#include "core/str.h"
#include "core/vec.h"
#include "qa/cases.h"
#include "qa/laws.h"
#include "qa/qa.h"
#include "qa/retrieve.h"
#include "store/sql.h"
#include "store/store.h"
#include "text/text.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/banned.h"

#define LINE_CAP ((size_t)16 << 20) /* longest accepted line of a data file */

/* ---- reading files ---------------------------------------------------------- */

typedef int (*line_fn)(void *user, const char *line, size_t n, long lineno, loa_err *err);

/* Calls fn for every line of path (without the newline). */
static int each_line(const char *path, line_fn fn, void *user, loa_err *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f)
		return loa_err_set(err, LOA_EIO, "không mở được tệp / cannot open %s: %s", path,
				   strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int rc = LOA_OK;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if ((size_t)n > LINE_CAP) {
			rc = loa_err_set(err, LOA_ETOOBIG, "%s:%ld: dòng quá dài / line too long", path,
					 lineno);
			break;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if ((rc = fn(user, line, (size_t)n, lineno, err)))
			break;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

/* ---- ALQAC data -------------------------------------------------------------- */

typedef struct alqac_corpus {
	loa_qa_index *ix;
	LOA_VEC(char *) ids; /* doc_id per index doc */
	loa_map by_id;       /* doc_id -> doc + 1 */
	loa_buf norm;
} alqac_corpus;

/* Splits an ALQAC article text into its title line and the body. */
static void split_title(const char *s, size_t n, loa_str *title, loa_str *body)
{
	const char *nl = memchr(s, '\n', n);
	if (!nl) {
		*title = (loa_str){s, n};
		*body = (loa_str){s + n, 0};
		return;
	}
	*title = loa_str_trim((loa_str){s, (size_t)(nl - s)});
	*body = loa_str_trim((loa_str){nl + 1, n - (size_t)(nl + 1 - s)});
}

/* One corpus line's fields (borrowed from *j, which the caller decrefs);
 * *j is NULL for a blank line. */
static int corpus_fields(const char *line, size_t n, long lineno, json_t **j, const char **id,
			 const char **law, const char **text, loa_err *err)
{
	*j = NULL;
	if (loa_str_trim((loa_str){line, n}).n == 0)
		return LOA_OK;
	json_error_t je;
	*j = json_loadb(line, n, 0, &je);
	if (!*j || json_unpack(*j, "{s:s,s:s,s:s}", "doc_id", id, "law_id", law, "text", text)) {
		json_decref(*j);
		*j = NULL;
		return loa_err_set(err, LOA_EPARSE,
				   "dòng %ld: cần {doc_id, law_id, text} / line %ld: expected {doc_id, "
				   "law_id, text}",
				   lineno, lineno);
	}
	return LOA_OK;
}

static int corpus_line(void *user, const char *line, size_t n, long lineno, loa_err *err)
{
	alqac_corpus *c = user;
	json_t *j;
	const char *id = NULL, *law = NULL, *text = NULL;
	int rc = corpus_fields(line, n, lineno, &j, &id, &law, &text, err);
	if (rc || !j)
		return rc;
	loa_buf_reset(&c->norm);
	rc = loa_text_normalize(text, strlen(text), LOA_NORM_DISPLAY, &c->norm);
	if (rc) {
		json_decref(j);
		return loa_err_set(err, rc, "dòng %ld: văn bản quá dài / line %ld: text too long", lineno,
				   lineno);
	}
	loa_str t, b;
	split_title(c->norm.data ? c->norm.data : "", c->norm.len, &t, &b);
	uint32_t doc;
	rc = loa_qa_index_add(c->ix, (int64_t)c->ids.len, law, t.p, t.n, b.p, b.n, LOA_QA_DAY_MIN,
			      LOA_QA_DAY_MAX, &doc, err);
	char *dup = rc ? NULL : strdup(id);
	if (!rc && (!dup || loa_vec_push(&c->ids, dup) ||
		    loa_map_set(&c->by_id, id, strlen(id), (void *)(uintptr_t)(doc + 1)))) {
		free(dup);
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	json_decref(j);
	return rc;
}

static void corpus_release(alqac_corpus *c);
static int corpus_load(alqac_corpus *c, const char *path, const loa_qa_params *p, loa_err *err);

/* Only the doc_id of each line, for an index loaded from a file. */
static int corpus_id_line(void *user, const char *line, size_t n, long lineno, loa_err *err)
{
	alqac_corpus *c = user;
	json_t *j;
	const char *id = NULL, *law = NULL, *text = NULL;
	int rc = corpus_fields(line, n, lineno, &j, &id, &law, &text, err);
	if (rc || !j)
		return rc;
	char *dup = strdup(id);
	if (!dup || loa_vec_push(&c->ids, dup)) {
		free(dup);
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	json_decref(j);
	return rc;
}

/* The index of the corpus at path: loaded from ixpath when that file was
 * saved from the same corpus file (its size and time are the key), else
 * built and, with ixpath, saved there for the next run. */
static int corpus_open(alqac_corpus *c, const char *path, const char *ixpath,
		       const loa_qa_params *p, bool *loaded, loa_err *err)
{
	*loaded = false;
	struct stat st;
	char key[LOA_QA_INDEX_KEY_MAX];
	if (ixpath) {
		if (stat(path, &st))
			return loa_err_set(err, LOA_EIO, "không đọc được tệp / cannot read file: %s", path);
		snprintf(key, sizeof key, "alqac-eval size=%lld mtime=%lld", (long long)st.st_size,
			 (long long)st.st_mtime);
		loa_err e2;
		loa_err_clear(&e2);
		memset(c, 0, sizeof *c);
		loa_map_init(&c->by_id, NULL);
		loa_buf_init(&c->norm, 4 * LINE_CAP);
		int rc = loa_qa_index_load(ixpath, key, p, &c->ix, &e2);
		if (rc == LOA_OK) {
			if ((rc = each_line(path, corpus_id_line, c, err)))
				return rc;
			uint32_t nd = loa_qa_index_docs(c->ix);
			for (uint32_t d = 0; d < nd; d++) {
				int64_t k = loa_qa_index_key(c->ix, d);
				if (k < 0 || (size_t)k >= c->ids.len)
					return loa_err_set(err, LOA_EINVAL,
							   "%s không khớp với / does not match %s", ixpath,
							   path);
				const char *id = c->ids.items[k];
				if (loa_map_set(&c->by_id, id, strlen(id), (void *)(uintptr_t)(d + 1)))
					return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
			}
			*loaded = true;
			return LOA_OK;
		}
		if (rc != LOA_ENOTFOUND)
			loa_warn("eval.retrieve", "index=%s error=\"%s\"", ixpath, loa_err_msg(&e2));
		corpus_release(c);
	}
	int rc = corpus_load(c, path, p, err);
	if (!rc && ixpath) {
		loa_err e2;
		loa_err_clear(&e2);
		if (loa_qa_index_save(c->ix, ixpath, key, &e2))
			loa_warn("eval.retrieve", "index=%s save=failed error=\"%s\"", ixpath,
				 loa_err_msg(&e2));
	}
	return rc;
}

static void corpus_release(alqac_corpus *c)
{
	for (size_t i = 0; i < c->ids.len; i++)
		free(c->ids.items[i]);
	loa_vec_release(&c->ids);
	loa_map_release(&c->by_id);
	loa_buf_release(&c->norm);
	loa_qa_index_free(c->ix);
}

static int corpus_load(alqac_corpus *c, const char *path, const loa_qa_params *p, loa_err *err)
{
	memset(c, 0, sizeof *c);
	loa_map_init(&c->by_id, NULL);
	loa_buf_init(&c->norm, 4 * LINE_CAP);
	int rc = loa_qa_index_new(p, &c->ix, err);
	if (!rc)
		rc = each_line(path, corpus_line, c, err);
	if (!rc)
		rc = loa_qa_index_finish(c->ix, err);
	if (!rc) {
		loa_qa_index_stats st;
		loa_qa_index_stats_get(c->ix, &st);
		loa_info("qa.index", "articles=%llu aliases=%llu synonyms=%llu",
			 (unsigned long long)st.docs, (unsigned long long)st.aliases,
			 (unsigned long long)st.synonyms);
	}
	return rc;
}

typedef struct question {
	char *qid, *text;
	LOA_VEC(uint32_t) rel; /* index docs */
} question;

typedef struct qset {
	LOA_VEC(question) qs;
	loa_map by_qid; /* qid -> index + 1 */
	alqac_corpus *corpus;
	size_t unknown_docs;
} qset;

static int question_line(void *user, const char *line, size_t n, long lineno, loa_err *err)
{
	qset *s = user;
	if (loa_str_trim((loa_str){line, n}).n == 0)
		return LOA_OK;
	json_error_t je;
	json_t *j = json_loadb(line, n, 0, &je);
	const char *qid = NULL, *text = NULL;
	if (!j || json_unpack(j, "{s:s,s:s}", "qid", &qid, "text", &text)) {
		json_decref(j);
		return loa_err_set(err, LOA_EPARSE,
				   "dòng %ld: cần {qid, text} / line %ld: expected {qid, text}", lineno,
				   lineno);
	}
	question q = {strdup(qid), strdup(text), {0}};
	int rc = LOA_OK;
	if (!q.qid || !q.text || loa_vec_push(&s->qs, q) ||
	    loa_map_set(&s->by_qid, qid, strlen(qid), (void *)(uintptr_t)s->qs.len)) {
		free(q.qid);
		free(q.text);
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	json_decref(j);
	return rc;
}

static int qrels_line(void *user, const char *line, size_t n, long lineno, loa_err *err)
{
	qset *s = user;
	loa_str rest = loa_str_trim((loa_str){line, n});
	if (rest.n == 0)
		return LOA_OK;
	loa_str f[4];
	int nf = 0;
	while (rest.n && nf < 4) {
		/* tabs or spaces */
		size_t i = 0;
		while (i < rest.n && rest.p[i] != '\t' && rest.p[i] != ' ')
			i++;
		f[nf++] = (loa_str){rest.p, i};
		rest = loa_str_trim((loa_str){rest.p + i, rest.n - i});
	}
	if (nf < 3)
		return loa_err_set(err, LOA_EPARSE,
				   "dòng %ld: cần 'qid 0 doc_id 1' / line %ld: expected 'qid 0 doc_id 1'",
				   lineno, lineno);
	if (nf == 4 && loa_str_eqc(f[3], "0"))
		return LOA_OK;
	void *qv = loa_map_get(&s->by_qid, f[0].p, f[0].n);
	if (!qv)
		return LOA_OK; /* a question not in the questions file */
	void *dv = loa_map_get(&s->corpus->by_id, f[2].p, f[2].n);
	if (!dv) {
		s->unknown_docs++;
		return LOA_OK;
	}
	question *q = &s->qs.items[(uintptr_t)qv - 1];
	if (loa_vec_push(&q->rel, (uint32_t)((uintptr_t)dv - 1)))
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	return LOA_OK;
}

static void qset_release(qset *s)
{
	for (size_t i = 0; i < s->qs.len; i++) {
		free(s->qs.items[i].qid);
		free(s->qs.items[i].text);
		loa_vec_release(&s->qs.items[i].rel);
	}
	loa_vec_release(&s->qs);
	loa_map_release(&s->by_qid);
}

typedef struct eval_res {
	size_t n;
	double r1, r10, mrr;
} eval_res;

static bool is_rel(const question *q, uint32_t doc)
{
	for (size_t i = 0; i < q->rel.len; i++)
		if (q->rel.items[i] == doc)
			return true;
	return false;
}

/* Scores one question's hits: adds to res. */
static void score_hits(const question *q, const loa_qa_hit *h, size_t nh, eval_res *res)
{
	if (q->rel.len == 0)
		return;
	res->n++;
	size_t found10 = 0;
	double rr = 0;
	for (size_t k = 0; k < nh && k < 10; k++) {
		if (is_rel(q, h[k].doc)) {
			found10++;
			if (rr == 0)
				rr = 1.0 / (double)(k + 1);
		}
	}
	if (nh && is_rel(q, h[0].doc))
		res->r1 += 1.0 / (double)q->rel.len;
	res->r10 += (double)found10 / (double)q->rel.len;
	res->mrr += rr;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

typedef struct offq {
	const loa_qa_index *ix;
	loa_qa_scratch *scr;
	LOA_VEC(double) conf;
} offq;

static int offtopic_line(void *user, const char *line, size_t n, long lineno, loa_err *err)
{
	offq *o = user;
	if (loa_str_trim((loa_str){line, n}).n == 0)
		return LOA_OK;
	loa_qa_hit h[1];
	size_t nh = 0;
	double c = 0;
	if (loa_qa_search(o->ix, o->scr, line, n, LOA_QA_DAY_MIN, h, 1, &nh, NULL) == LOA_OK && nh)
		c = h[0].confidence;
	return loa_vec_push(&o->conf, c);
}

/* Abstention: how a threshold on the top hit's confidence splits the
 * training questions (answered, answered right) from off-topic ones. */
static void calibrate(const loa_qa_index *ix, loa_qa_scratch *scr, const char *path,
		      const double *conf, const bool *right, size_t n, double current)
{
	offq o = {ix, scr, {0}};
	loa_err err;
	if (each_line(path, offtopic_line, &o, &err)) {
		fprintf(stderr, "loa eval: %s\n", loa_err_msg(&err));
		return;
	}
	static const double th[] = {0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7};
	for (size_t k = 0; k < sizeof th / sizeof th[0]; k++) {
		size_t ans = 0, ansr = 0, nright = 0, off = 0;
		for (size_t i = 0; i < n; i++) {
			nright += right[i];
			if (conf[i] >= th[k]) {
				ans++;
				ansr += right[i];
			}
		}
		for (size_t i = 0; i < o.conf.len; i++)
			off += o.conf.items[i] < th[k];
		printf("calibrate: threshold=%.2f%s answered=%.3f right_answered=%.3f "
		       "offtopic_abstained=%.3f\n",
		       th[k], fabs(th[k] - current) < 1e-9 ? "*" : "", n ? (double)ans / (double)n : 0,
		       nright ? (double)ansr / (double)nright : 0,
		       o.conf.len ? (double)off / (double)o.conf.len : 0);
	}
	loa_vec_release(&o.conf);
}

int cmd_eval_retrieve(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_CORPUS = CLI_OPT_FIRST_FREE, O_QUESTIONS, O_QRELS, O_PARAM, O_MODEL, O_VERBOSE,
	       O_LATENCY, O_OFFTOPIC, O_RUN, O_COMPARE, O_INDEX };
	static const struct option opts[] = {
		{"compare", required_argument, NULL, O_COMPARE},
		{"corpus", required_argument, NULL, O_CORPUS},
		{"questions", required_argument, NULL, O_QUESTIONS},
		{"qrels", required_argument, NULL, O_QRELS},
		{"param", required_argument, NULL, O_PARAM},
		{"model", required_argument, NULL, O_MODEL},
		{"verbose", no_argument, NULL, O_VERBOSE},
		{"latency", no_argument, NULL, O_LATENCY},
		{"offtopic", required_argument, NULL, O_OFFTOPIC},
		{"run", required_argument, NULL, O_RUN},
		{"index", required_argument, NULL, O_INDEX},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("eval");
	const char *corpus = NULL, *questions = NULL, *qrels = NULL, *model = NULL, *offtopic = NULL,
		   *run = NULL, *ixpath = NULL;
	bool verbose = false, latency = false, loaded = false;
	loa_qa_params p;
	loa_qa_params_default(&p);
	loa_err err;
	loa_err_clear(&err);
	char *params[32], *cparams[8];
	int nparams = 0, ncparams = 0;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case O_CORPUS: corpus = optarg; break;
		case O_QUESTIONS: questions = optarg; break;
		case O_QRELS: qrels = optarg; break;
		case O_MODEL: model = optarg; break;
		case O_VERBOSE: verbose = true; break;
		case O_LATENCY: latency = true; break;
		case O_OFFTOPIC: offtopic = optarg; break;
		case O_RUN: run = optarg; break;
		case O_INDEX: ixpath = optarg; break;
		case O_COMPARE: /* --compare K=V: the same questions, timed with B = A + K=V */
			if (ncparams == 8)
				return cli_usage_error("eval retrieve", "quá nhiều --compare / too many --compare");
			cparams[ncparams++] = optarg;
			break;
		case O_PARAM:
			if (nparams == 32)
				return cli_usage_error("eval retrieve", "quá nhiều --param / too many --param");
			params[nparams++] = optarg;
			break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (!corpus || !questions || !qrels || optind != argc)
		return cli_usage_error("eval retrieve", "cần --corpus, --questions và --qrels / expected --corpus, "
					       "--questions and --qrels");
	if (model && loa_qa_params_load(&p, model, &err))
		return cli_fail("eval", "%s", loa_err_msg(&err));
	for (int i = 0; i < nparams; i++)
		if (loa_qa_params_set(&p, params[i], &err))
			return cli_usage_error("eval retrieve", "%s", loa_err_msg(&err));
	loa_qa_params pb = p;
	for (int i = 0; i < ncparams; i++)
		if (loa_qa_params_set(&pb, cparams[i], &err))
			return cli_usage_error("eval retrieve", "%s", loa_err_msg(&err));

	alqac_corpus cp;
	qset qs = {0};
	loa_map_init(&qs.by_qid, NULL);
	qs.corpus = &cp;
	int status = LOA_EXIT_OK;
	double *lat = NULL, *cpu = NULL;
	uint64_t t0 = loa_mono_ns();
	if (corpus_open(&cp, corpus, ixpath, &p, &loaded, &err)) {
		status = cli_fail("eval", "%s: %s", corpus, loa_err_msg(&err));
		goto out;
	}
	double build_s = (double)(loa_mono_ns() - t0) / 1e9;
	if (each_line(questions, question_line, &qs, &err) || each_line(qrels, qrels_line, &qs, &err)) {
		status = cli_fail("eval", "%s", loa_err_msg(&err));
		goto out;
	}
	if (qs.unknown_docs)
		loa_warn("eval.retrieve", "qrels_unknown_docs=%zu", qs.unknown_docs);
	FILE *runf = NULL;
	if (run && !(runf = fopen(run, "w"))) {
		status = cli_fail("eval", "không ghi được / cannot write %s", run);
		goto out;
	}
	loa_qa_scratch *scr = loa_qa_scratch_new();
	lat = calloc(qs.qs.len + 1, sizeof *lat);
	cpu = calloc(qs.qs.len + 1, sizeof *cpu);
	double *latb = ncparams ? calloc(qs.qs.len + 1, sizeof *latb) : NULL;
	size_t ndiff = 0;
	double *conf = calloc(qs.qs.len + 1, sizeof *conf);
	bool *right = calloc(qs.qs.len + 1, sizeof *right);
	eval_res res = {0};
	loa_progress prog;
	loa_progress_init(&prog, "retrieve", qs.qs.len);
	size_t nlat = 0;
	for (size_t i = 0; i < qs.qs.len; i++) {
		const question *q = &qs.qs.items[i];
		loa_qa_hit hits[10];
		size_t nh = 0;
		/* A/B in one process on one index, alternating which goes first */
		loa_qa_hit hb[10];
		size_t nb = 0;
		if (latb && i % 2 == 0) {
			loa_qa_index_set_params(cp.ix, &pb);
			uint64_t b0 = loa_mono_ns();
			loa_qa_search(cp.ix, scr, q->text, strlen(q->text), LOA_QA_DAY_MIN, hb, 10, &nb, NULL);
			latb[i] = (double)(loa_mono_ns() - b0) / 1e6;
			loa_qa_index_set_params(cp.ix, &p);
		}
		uint64_t a = loa_mono_ns(), ac = loa_thread_cpu_ns();
		int rc = loa_qa_search(cp.ix, scr, q->text, strlen(q->text), LOA_QA_DAY_MIN, hits, 10,
				       &nh, &err);
		if (lat && cpu) {
			cpu[nlat] = (double)(loa_thread_cpu_ns() - ac) / 1e6;
			lat[nlat++] = (double)(loa_mono_ns() - a) / 1e6;
			if (getenv("LOA_QA_SLOW_MS") && lat[nlat - 1] > strtod(getenv("LOA_QA_SLOW_MS"), NULL))
				fprintf(stderr, "slow\t%.1f\t%.1f\t%s\n", lat[nlat - 1], cpu[nlat - 1], q->qid);
		}
		if (latb && i % 2 == 1) {
			loa_qa_index_set_params(cp.ix, &pb);
			uint64_t b0 = loa_mono_ns();
			loa_qa_search(cp.ix, scr, q->text, strlen(q->text), LOA_QA_DAY_MIN, hb, 10, &nb, NULL);
			latb[i] = (double)(loa_mono_ns() - b0) / 1e6;
			loa_qa_index_set_params(cp.ix, &p);
		}
		if (latb) {
			bool same = rc || nb == nh;
			for (size_t k = 0; same && !rc && k < nh; k++)
				same = hb[k].doc == hits[k].doc && hb[k].score == hits[k].score;
			ndiff += !same;
		}
		if (rc) {
			loa_warn("eval.retrieve", "qid=%s error=\"%s\"", q->qid, loa_err_msg(&err));
			nh = 0;
		}
		score_hits(q, hits, nh, &res);
		for (size_t k = 0; runf && k < nh; k++) /* TREC run format */
			fprintf(runf, "%s Q0 %s %zu %.6f loa\n", q->qid, cp.ids.items[hits[k].doc], k + 1,
				hits[k].score);
		if (conf && right) {
			conf[i] = nh ? hits[0].confidence : 0;
			right[i] = nh && is_rel(q, hits[0].doc);
		}
		if (verbose && q->rel.len && !(nh && is_rel(q, hits[0].doc))) {
			size_t rank = 0;
			for (size_t k = 0; k < nh; k++)
				if (is_rel(q, hits[k].doc)) {
					rank = k + 1;
					break;
				}
			printf("miss\t%s\trank=%zu\tgold=%s\ttop=%s\t%s\n", q->qid, rank,
			       cp.ids.items[q->rel.items[0]], nh ? cp.ids.items[hits[0].doc] : "-",
			       q->text);
		}
		loa_progress_update(&prog, i + 1);
	}
	loa_progress_end(&prog);
	if (runf && fclose(runf))
		loa_warn("eval.retrieve", "run=%s error=write", run);
	if (offtopic && conf && right)
		calibrate(cp.ix, scr, offtopic, conf, right, qs.qs.len, loa_qa_index_params(cp.ix)->min_conf);
	free(conf);
	free(right);
	loa_qa_scratch_free(scr);
	if (latency && lat && cpu && nlat) {
		qsort(lat, nlat, sizeof *lat, cmp_double);
		qsort(cpu, nlat, sizeof *cpu, cmp_double);
		loa_qa_index_stats st;
		loa_qa_index_stats_get(cp.ix, &st);
		printf("latency: articles=%llu terms=%llu postings=%llu posting_mb=%.1f %s=%.2f "
		       "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f cpu_p50_ms=%.2f cpu_p99_ms=%.2f\n",
		       (unsigned long long)st.docs, (unsigned long long)st.terms,
		       (unsigned long long)st.postings, (double)st.posting_bytes / 1048576.0,
		       loaded ? "load_s" : "build_s", build_s,
		       lat[nlat / 2], lat[(size_t)((double)(nlat - 1) * 0.99)], lat[nlat - 1],
		       cpu[nlat / 2], cpu[(size_t)((double)(nlat - 1) * 0.99)]);
		if (latb) {
			qsort(latb, nlat, sizeof *latb, cmp_double);
			printf("latency_b: compare=%s%s p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
			       "questions_differing=%zu\n",
			       cparams[0], ncparams > 1 ? ",..." : "", latb[nlat / 2],
			       latb[(size_t)((double)(nlat - 1) * 0.99)], latb[nlat - 1], ndiff);
		}
	}
	free(latb);
	double n = res.n ? (double)res.n : 1;
	printf("retrieve: questions=%zu recall_at_1=%.4f recall_at_10=%.4f mrr_at_10=%.4f\n", res.n,
	       res.r1 / n, res.r10 / n, res.mrr / n);
out:
	free(lat);
	free(cpu);
	qset_release(&qs);
	corpus_release(&cp);
	return status;
}

/* ---- loa train retrieve ------------------------------------------------------------ */

/* One training question: its candidates' features (the re-ranker's
 * input) and which of them are relevant. */
typedef struct tq {
	size_t n, nrel, set;
	double (*feat)[LOA_QA_NFEAT];
	uint32_t *doc;
	bool *rel;
} tq;

typedef struct tq_res {
	double r1, mrr;
} tq_res;

/* R@1 and MRR@10 of one question under weights w (ties: the lower
 * document first, as the search does). */
static tq_res tq_eval(const tq *q, const double *w)
{
	double sc[LOA_QA_LIMIT_MAX];
	size_t idx[LOA_QA_LIMIT_MAX];
	for (size_t i = 0; i < q->n; i++) {
		sc[i] = 0;
		for (int k = 0; k < LOA_QA_NFEAT; k++)
			sc[i] += w[k] * q->feat[i][k];
		idx[i] = i;
	}
	/* the first 10 by selection */
	tq_res r = {0, 0};
	size_t lim = q->n < 10 ? q->n : 10;
	for (size_t k = 0; k < lim; k++) {
		size_t b = k;
		for (size_t i = k + 1; i < q->n; i++) {
			size_t x = idx[i], y = idx[b];
			if (sc[x] > sc[y] || (sc[x] == sc[y] && q->doc[x] < q->doc[y]))
				b = i;
		}
		size_t t = idx[k];
		idx[k] = idx[b];
		idx[b] = t;
		if (q->rel[idx[k]]) {
			if (k == 0)
				r.r1 = 1.0 / (double)q->nrel;
			if (r.mrr == 0)
				r.mrr = 1.0 / (double)(k + 1);
		}
	}
	return r;
}

/* Mean R@1 + MRR@10 over the questions whose fold is not `skip` (or only
 * `only` when only >= 0). */
static double tq_objective(const tq *qs, const int *fold, size_t n, int skip, int only,
			   const double *w, tq_res *sum, size_t *cnt)
{
	tq_res s = {0, 0};
	size_t c = 0;
	for (size_t i = 0; i < n; i++) {
		if ((only >= 0 && fold[i] != only) || (only < 0 && fold[i] == skip))
			continue;
		tq_res r = tq_eval(&qs[i], w);
		s.r1 += r.r1;
		s.mrr += r.mrr;
		c++;
	}
	if (sum)
		*sum = s;
	if (cnt)
		*cnt = c;
	return c ? (s.r1 + s.mrr) / (double)c : 0;
}

/* Coordinate ascent over the re-ranker's weights (the first, BM25F's,
 * stays 1: only ratios rank), from w, on the questions not in fold skip. */
static void tq_ascent(const tq *qs, const int *fold, size_t n, int skip, double *w)
{
	static const double steps[] = {-0.4, -0.2, -0.1, -0.05, 0.05, 0.1, 0.2, 0.4};
	double best = tq_objective(qs, fold, n, skip, -1, w, NULL, NULL);
	for (int round = 0; round < 20; round++) {
		bool better = false;
		for (int k = 1; k < LOA_QA_NFEAT; k++) {
			double keep = w[k], bw = w[k];
			for (size_t j = 0; j < sizeof steps / sizeof steps[0]; j++) {
				w[k] = keep + steps[j];
				if (w[k] < -5 || w[k] > 5)
					continue;
				double o = tq_objective(qs, fold, n, skip, -1, w, NULL, NULL);
				if (o > best + 1e-9) {
					best = o;
					bw = w[k];
					better = true;
				}
			}
			w[k] = bw;
		}
		if (!better)
			break;
	}
}

int cmd_train_retrieve(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_CORPUS = CLI_OPT_FIRST_FREE, O_QUESTIONS, O_QRELS, O_PARAM, O_MODEL, O_OUT,
	       O_FOLDS, O_SEED, O_NOTE };
	static const struct option opts[] = {
		{"corpus", required_argument, NULL, O_CORPUS},
		{"questions", required_argument, NULL, O_QUESTIONS},
		{"qrels", required_argument, NULL, O_QRELS},
		{"param", required_argument, NULL, O_PARAM},
		{"model", required_argument, NULL, O_MODEL},
		{"out", required_argument, NULL, O_OUT},
		{"folds", required_argument, NULL, O_FOLDS},
		{"seed", required_argument, NULL, O_SEED},
		{"note", required_argument, NULL, O_NOTE},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("train");
	enum { SETS = 8 };
	const char *corp[SETS], *ques[SETS], *rels[SETS];
	int nc = 0, nq = 0, nr = 0;
	const char *model = NULL, *out_path = NULL, *note = NULL;
	int64_t folds = 5, seed = 1;
	char *params[32];
	int nparams = 0;
	loa_qa_params p;
	loa_qa_params_default(&p);
	loa_err err;
	loa_err_clear(&err);
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case O_CORPUS:
		case O_QUESTIONS:
		case O_QRELS: {
			int *k = c == O_CORPUS ? &nc : c == O_QUESTIONS ? &nq : &nr;
			const char **a = c == O_CORPUS ? corp : c == O_QUESTIONS ? ques : rels;
			if (*k == SETS)
				return cli_usage_error("train retrieve", "quá nhiều tập / too many sets (max %d)", SETS);
			a[(*k)++] = optarg;
			break;
		}
		case O_MODEL: model = optarg; break;
		case O_OUT: out_path = optarg; break;
		case O_NOTE: note = optarg; break;
		case O_FOLDS:
			if (loa_parse_i64(optarg, &folds) || folds < 2 || folds > 20)
				return cli_usage_error("train retrieve", "--folds phải từ 2 đến 20 / must be 2..20");
			break;
		case O_SEED:
			if (loa_parse_i64(optarg, &seed) || seed < 1)
				return cli_usage_error("train retrieve", "--seed phải là số dương / must be positive");
			break;
		case O_PARAM:
			if (nparams == 32)
				return cli_usage_error("train retrieve", "quá nhiều --param / too many --param");
			params[nparams++] = optarg;
			break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (!nc || nc != nq || nc != nr || !out_path || optind != argc)
		return cli_usage_error("train retrieve", "cần --corpus, --questions, --qrels (từng bộ) và --out / "
						"expected --corpus, --questions, --qrels (per set) and --out");
	if (model && loa_qa_params_load(&p, model, &err))
		return cli_fail("train", "%s", loa_err_msg(&err));
	for (int i = 0; i < nparams; i++)
		if (loa_qa_params_set(&p, params[i], &err))
			return cli_usage_error("train retrieve", "%s", loa_err_msg(&err));
	size_t R = (size_t)p.rerank < LOA_QA_LIMIT_MAX ? (size_t)p.rerank : LOA_QA_LIMIT_MAX;

	LOA_VEC(tq) qs = {0};
	int status = LOA_EXIT_OK;
	loa_qa_hit *hits = calloc(LOA_QA_LIMIT_MAX, sizeof *hits);
	loa_qa_scratch *scr = loa_qa_scratch_new();
	int *fold = NULL;
	if (!hits || !scr) {
		status = cli_fail("train", "hết bộ nhớ / out of memory");
		goto out;
	}
	/* features of every question's candidates, set by set */
	for (int si = 0; si < nc && !status; si++) {
		alqac_corpus cp;
		qset qset_ = {0};
		loa_map_init(&qset_.by_qid, NULL);
		qset_.corpus = &cp;
		if (corpus_load(&cp, corp[si], &p, &err) || each_line(ques[si], question_line, &qset_, &err) ||
		    each_line(rels[si], qrels_line, &qset_, &err)) {
			status = cli_fail("train", "%s", loa_err_msg(&err));
		} else {
			loa_progress prog;
			loa_progress_init(&prog, "features", qset_.qs.len);
			for (size_t i = 0; i < qset_.qs.len && !status; i++) {
				const question *q = &qset_.qs.items[i];
				size_t nh = 0;
				loa_progress_update(&prog, i + 1);
				if (!q->rel.len || loa_qa_search(cp.ix, scr, q->text, strlen(q->text),
								 LOA_QA_DAY_MIN, hits, R, &nh, NULL))
					continue;
				tq t = {.n = nh, .nrel = q->rel.len, .set = (size_t)si};
				t.feat = calloc(nh ? nh : 1, sizeof *t.feat);
				t.doc = calloc(nh ? nh : 1, sizeof *t.doc);
				t.rel = calloc(nh ? nh : 1, sizeof *t.rel);
				if (!t.feat || !t.doc || !t.rel || loa_vec_push(&qs, t)) {
					free(t.feat);
					free(t.doc);
					free(t.rel);
					status = cli_fail("train", "hết bộ nhớ / out of memory");
					break;
				}
				for (size_t k = 0; k < nh; k++) {
					memcpy(t.feat[k], hits[k].feat, sizeof t.feat[k]);
					t.doc[k] = hits[k].doc;
					t.rel[k] = is_rel(q, hits[k].doc);
				}
			}
			loa_progress_end(&prog);
		}
		qset_release(&qset_);
		corpus_release(&cp);
	}
	if (status)
		goto out;
	if (qs.len < (size_t)folds) {
		status = cli_fail("train", "quá ít câu hỏi / too few questions: %zu", qs.len);
		goto out;
	}
	/* folds: a seeded shuffle, dealt round robin */
	fold = malloc(qs.len * sizeof *fold);
	size_t *perm = malloc(qs.len * sizeof *perm);
	if (!fold || !perm) {
		free(perm);
		status = cli_fail("train", "hết bộ nhớ / out of memory");
		goto out;
	}
	uint64_t st = (uint64_t)seed * 0x9E3779B97F4A7C15ull;
	for (size_t i = 0; i < qs.len; i++)
		perm[i] = i;
	for (size_t i = qs.len; i > 1; i--) {
		st = st * 6364136223846793005ull + 1442695040888963407ull;
		size_t j = (size_t)((st >> 33) % i);
		size_t t = perm[i - 1];
		perm[i - 1] = perm[j];
		perm[j] = t;
	}
	for (size_t i = 0; i < qs.len; i++)
		fold[perm[i]] = (int)(i % (size_t)folds);
	free(perm);
	double w0[LOA_QA_NFEAT];
	for (int k = 0; k < LOA_QA_NFEAT; k++)
		w0[k] = *loa_qa_params_weight(&p, k);
	/* cross-validation: per held-out question, the weights trained on the
	 * other folds; next to the starting weights on the same questions */
	tq_res cv[SETS] = {{0, 0}}, base[SETS] = {{0, 0}};
	size_t cnt[SETS] = {0};
	for (int f = 0; f < (int)folds; f++) {
		double w[LOA_QA_NFEAT];
		memcpy(w, w0, sizeof w);
		tq_ascent(qs.items, fold, qs.len, f, w);
		for (size_t i = 0; i < qs.len; i++) {
			if (fold[i] != f)
				continue;
			tq_res a = tq_eval(&qs.items[i], w), b = tq_eval(&qs.items[i], w0);
			size_t s = qs.items[i].set;
			cv[s].r1 += a.r1;
			cv[s].mrr += a.mrr;
			base[s].r1 += b.r1;
			base[s].mrr += b.mrr;
			cnt[s]++;
		}
	}
	double w[LOA_QA_NFEAT];
	memcpy(w, w0, sizeof w);
	tq_ascent(qs.items, fold, qs.len, -1, w);
	for (int k = 0; k < LOA_QA_NFEAT; k++)
		*loa_qa_params_weight(&p, k) = w[k];
	loa_buf text;
	loa_buf_init(&text, 64 * 1024);
	char line[1024];
	int off = snprintf(line, sizeof line, "loa train retrieve, %zu questions, %d-fold CV:", qs.len,
			   (int)folds);
	for (int si = 0; si < nc && off > 0 && (size_t)off < sizeof line; si++) {
		double n = cnt[si] ? (double)cnt[si] : 1;
		off += snprintf(line + off, sizeof line - (size_t)off,
				" set %d R@1 %.4f MRR@10 %.4f (start %.4f / %.4f);", si + 1, cv[si].r1 / n,
				cv[si].mrr / n, base[si].r1 / n, base[si].mrr / n);
	}
	int rc = loa_qa_params_write(&p, note ? note : line, &text);
	if (!rc && note)
		rc = loa_buf_printf(&text, "# %s\n", line);
	FILE *fo = rc ? NULL : fopen(out_path, "w");
	if (!fo || fwrite(text.data, 1, text.len, fo) != text.len) {
		if (fo)
			fclose(fo);
		loa_buf_release(&text);
		status = cli_fail("train", "không ghi được / cannot write %s", out_path);
		goto out;
	}
	loa_buf_release(&text);
	if (fclose(fo)) {
		status = cli_fail("train", "không ghi được / cannot write %s", out_path);
		goto out;
	}
	for (int si = 0; si < nc; si++) {
		double n = cnt[si] ? (double)cnt[si] : 1;
		printf("cv: set=%d questions=%zu recall_at_1=%.4f mrr_at_10=%.4f start_recall_at_1=%.4f "
		       "start_mrr_at_10=%.4f\n",
		       si + 1, cnt[si], cv[si].r1 / n, cv[si].mrr / n, base[si].r1 / n, base[si].mrr / n);
	}
	printf("train retrieve: questions=%zu folds=%d w_bm25=%.4g w_window=%.4g w_bwindow=%.4g "
	       "w_cover=%.4g w_law=%.4g w_tcover=%.4g out=%s\n",
	       qs.len, (int)folds, w[0], w[1], w[2], w[3], w[4], w[5], out_path);
out:
	for (size_t i = 0; i < qs.len; i++) {
		free(qs.items[i].feat);
		free(qs.items[i].doc);
		free(qs.items[i].rel);
	}
	loa_vec_release(&qs);
	free(fold);
	free(hits);
	loa_qa_scratch_free(scr);
	return status;
}

/* ---- loa laws ------------------------------------------------------------------------ */

static int open_store(loa_ctx *ctx, const char *cmd, loa_store **s)
{
	loa_err err;
	loa_err_clear(&err);
	if (loa_store_open_config(ctx->cfg, 0, s, &err) || loa_qa_db_init(*s, &err)) {
		loa_store_close(*s);
		*s = NULL;
		return cli_fail(cmd, "%s", loa_err_msg(&err));
	}
	return LOA_EXIT_OK;
}

typedef struct alqac_law {
	loa_law_doc doc;
} alqac_law;

typedef struct laws_import {
	loa_store *s;
	loa_law_stats st;
	uint64_t refused;
	loa_map alqac; /* law_id -> loa_law_doc * */
	LOA_VEC(loa_law_doc *) alqac_order;
	const char *path;
} laws_import;

static void law_doc_free(void *p)
{
	loa_law_doc *d = p;
	loa_law_doc_release(d);
	free(d);
}

static const char *alqac_type(const char *law)
{
	if (strncmp(law, "Bộ luật", strlen("Bộ luật")) == 0 || strncmp(law, "Bộ Luật", strlen("Bộ Luật")) == 0)
		return "Bộ luật";
	if (strncmp(law, "Hiến pháp", strlen("Hiến pháp")) == 0)
		return "Hiến pháp";
	if (strstr(law, "NĐ-CP"))
		return "Nghị định";
	if (strstr(law, "TT-"))
		return "Thông tư";
	return "Luật";
}

static int laws_line(void *user, const char *line, size_t n, long lineno, loa_err *err)
{
	laws_import *li = user;
	if (loa_str_trim((loa_str){line, n}).n == 0)
		return LOA_OK;
	loa_err e;
	loa_err_clear(&e);
	if (n > LOA_LAW_DOC_MAX) {
		fprintf(stderr, "%s:%ld: dòng quá dài / line too long\n", li->path, lineno);
		li->refused++;
		return LOA_OK;
	}
	json_error_t je;
	json_t *j = json_loadb(line, n, 0, &je);
	if (j && json_object_get(j, "doc_id") && json_object_get(j, "article_id")) {
		/* ALQAC corpus line */
		const char *law = NULL, *art = NULL, *text = NULL;
		if (json_unpack(j, "{s:s,s:s,s:s}", "law_id", &law, "article_id", &art, "text", &text) ||
		    !*law || strlen(law) > LOA_LAW_FIELD_MAX || !*art || strlen(art) > LOA_LAW_NUM_MAX) {
			fprintf(stderr, "%s:%ld: cần {doc_id, law_id, article_id, text} / expected ALQAC fields\n",
				li->path, lineno);
			li->refused++;
			json_decref(j);
			return LOA_OK;
		}
		loa_law_doc *d = loa_map_get(&li->alqac, law, strlen(law));
		if (!d) {
			d = malloc(sizeof *d);
			if (!d) {
				json_decref(j);
				return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
			}
			loa_law_doc_init(d);
			d->number = loa_law_strdup(d, law, strlen(law));
			d->title = d->number;
			d->type = alqac_type(law);
			d->source = "alqac";
			if (loa_map_set(&li->alqac, law, strlen(law), d) ||
			    loa_vec_push(&li->alqac_order, d)) {
				json_decref(j);
				return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
			}
		}
		loa_buf norm;
		loa_buf_init(&norm, 4 * LOA_LAW_DOC_MAX);
		loa_text_normalize(text, strlen(text), LOA_NORM_DISPLAY, &norm);
		loa_str t, b;
		split_title(norm.data ? norm.data : "", norm.len, &t, &b);
		loa_law_article a = {.number = loa_law_strdup(d, art, strlen(art)),
				     .title = loa_law_strdup(d, t.p, t.n),
				     .body = loa_law_strdup(d, b.p, b.n),
				     .chapter = -1,
				     .line = lineno};
		loa_buf_release(&norm);
		json_decref(j);
		if (!a.number || !a.title || !a.body || loa_vec_push(&d->articles, a))
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		loa_law_split_clauses(d, &d->articles.items[d->articles.len - 1], 1, NULL);
		return LOA_OK;
	}
	json_decref(j);
	loa_law_doc d;
	loa_law_doc_init(&d);
	int rc = loa_law_from_json(&d, line, n, &e);
	if (!rc)
		rc = loa_law_store(li->s, &d, &li->st, &e);
	loa_law_doc_release(&d);
	if (rc == LOA_ENOMEM || rc == LOA_EDB || rc == LOA_EIO || rc == LOA_EFULL)
		return loa_err_set(err, rc, "%s:%ld: %s", li->path, lineno, loa_err_msg(&e));
	if (rc) {
		fprintf(stderr, "%s:%ld: %s\n", li->path, lineno, loa_err_msg(&e));
		li->refused++;
	}
	return LOA_OK;
}

static int laws_import_text(loa_ctx *ctx, loa_store *s, const char *path, const char *fields[8],
			    loa_law_stats *st)
{
	loa_err err;
	loa_err_clear(&err);
	FILE *f = fopen(path, "rb");
	if (!f)
		return cli_fail("laws", "không mở được tệp / cannot open %s: %s", path, strerror(errno));
	loa_buf b;
	loa_buf_init(&b, LOA_LAW_DOC_MAX);
	char blk[65536];
	size_t r;
	int rc = LOA_OK;
	while ((r = fread(blk, 1, sizeof blk, f)) > 0)
		if ((rc = loa_buf_append(&b, blk, r)))
			break;
	fclose(f);
	if (rc) {
		loa_buf_release(&b);
		return cli_fail("laws", "%s: văn bản quá dài / document too long (> %zu bytes)", path,
				LOA_LAW_DOC_MAX);
	}
	loa_law_doc d;
	loa_law_doc_init(&d);
	static const char *const names[] = {"number", "type", "title", "issuer", "issued", "effective",
					    "expiry", "status"};
	const char **dst[] = {&d.number, &d.type, &d.title, &d.issuer, &d.issued, &d.effective,
			      &d.expiry, &d.status};
	for (int i = 0; i < 8; i++) {
		if (!fields[i])
			continue;
		int32_t day;
		if (i >= 4 && i <= 6 && loa_law_parse_day(fields[i], &day)) {
			loa_law_doc_release(&d);
			loa_buf_release(&b);
			return cli_usage_error("laws", "--%s cần YYYY-MM-DD / needs YYYY-MM-DD: %s", names[i],
					       fields[i]);
		}
		*dst[i] = loa_law_strdup(&d, fields[i], strlen(fields[i]));
	}
	d.source = "text";
	rc = loa_law_parse_text(&d, b.data ? b.data : "", b.len, &err);
	if (!rc)
		rc = loa_law_store(s, &d, st, &err);
	loa_law_doc_release(&d);
	loa_buf_release(&b);
	if (rc)
		return cli_fail("laws", "%s: %s", path, loa_err_msg(&err));
	return LOA_EXIT_OK;
}

static int laws_list(loa_store *s)
{
	loa_err err;
	loa_stmt *st;
	static const char sql[] =
		"SELECT d.number, d.type, d.title, COALESCE(d.issued, ''), COALESCE(d.effective, ''), "
		"COALESCE(d.expiry, ''), COALESCE(d.status, ''), (SELECT COUNT(*) FROM qa_articles a "
		"WHERE a.doc_id = d.id) FROM qa_docs d ORDER BY d.number";
	if (loa_sql_prepare(s, sql, &st, &err))
		return cli_fail("laws", "%s", loa_err_msg(&err));
	printf("số/number\tloại/type\tban hành/issued\thiệu lực/effective\thết hiệu lực/expiry\tđiều/articles\ttên/title\n");
	int rc;
	while ((rc = loa_sql_step(st, &err)) == LOA_SQL_ROW)
		printf("%s\t%s\t%s\t%s\t%s\t%lld\t%s\n", loa_sql_col_text(st, 0), loa_sql_col_text(st, 1),
		       loa_sql_col_text(st, 3), loa_sql_col_text(st, 4), loa_sql_col_text(st, 5),
		       (long long)loa_sql_col_i64(st, 7), loa_sql_col_text(st, 2));
	loa_sql_finalize(st);
	return rc < 0 ? cli_fail("laws", "%s", loa_err_msg(&err)) : LOA_EXIT_OK;
}

int cmd_laws(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_TEXT = CLI_OPT_FIRST_FREE, O_NUMBER, O_TYPE, O_TITLE, O_ISSUER, O_ISSUED, O_EFFECTIVE,
	       O_EXPIRY, O_STATUS, O_ASOF };
	static const struct option opts[] = {
		{"text", no_argument, NULL, O_TEXT},
		{"number", required_argument, NULL, O_NUMBER},
		{"type", required_argument, NULL, O_TYPE},
		{"title", required_argument, NULL, O_TITLE},
		{"issuer", required_argument, NULL, O_ISSUER},
		{"issued", required_argument, NULL, O_ISSUED},
		{"effective", required_argument, NULL, O_EFFECTIVE},
		{"expiry", required_argument, NULL, O_EXPIRY},
		{"status", required_argument, NULL, O_STATUS},
		{"as-of", required_argument, NULL, O_ASOF},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("laws");
	const char *fields[8] = {0};
	const char *as_of = NULL;
	bool text = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == O_TEXT)
			text = true;
		else if (c >= O_NUMBER && c <= O_STATUS)
			fields[c - O_NUMBER] = optarg;
		else if (c == O_ASOF)
			as_of = optarg;
		else {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
	}
	if (optind >= argc)
		return cli_usage_error("laws", "cần lệnh con / expected import, list or show");
	const char *sub = argv[optind];
	loa_store *s = NULL;
	int status;
	if (strcmp(sub, "list") == 0 && optind + 1 == argc) {
		if ((status = open_store(ctx, "laws", &s)))
			return status;
		status = laws_list(s);
		loa_store_close(s);
		return status;
	}
	if (strcmp(sub, "show") == 0 && optind + 3 == argc) {
		int32_t day = LOA_QA_DAY_MIN;
		if (as_of && loa_law_parse_day(as_of, &day))
			return cli_usage_error("laws", "--as-of cần YYYY-MM-DD / needs YYYY-MM-DD");
		if ((status = open_store(ctx, "laws", &s)))
			return status;
		loa_law_article_rec r;
		loa_err err;
		loa_err_clear(&err);
		if (loa_law_article_find(s, argv[optind + 1], argv[optind + 2], day, &r, &err)) {
			loa_store_close(s);
			return cli_fail("laws", "%s", loa_err_msg(&err));
		}
		loa_buf cit;
		loa_buf_init(&cit, 8192);
		loa_law_citation(&r, &cit);
		printf("%s. %s\n", cit.data, r.title);
		if (r.valid_from[0] || r.valid_to[0])
			printf("(hiệu lực / in force: %s – %s%s%s)\n", r.valid_from[0] ? r.valid_from : "…",
			       r.valid_to[0] ? r.valid_to : "…", r.amended_by[0] ? "; sửa đổi bởi / amended by " : "",
			       r.amended_by);
		printf("%s\n", r.body);
		loa_buf_release(&cit);
		loa_law_article_rec_release(&r);
		loa_store_close(s);
		return LOA_EXIT_OK;
	}
	if (strcmp(sub, "import") != 0 || optind + 2 != argc)
		return cli_usage_error("laws", "cần 'import FILE', 'list' hoặc 'show NUMBER ARTICLE' / "
					       "expected 'import FILE', 'list' or 'show NUMBER ARTICLE'");
	const char *path = argv[optind + 1];
	if (text && (!fields[0] || !fields[1] || !fields[2]))
		return cli_usage_error("laws", "--text cần --number, --type và --title / --text needs "
					       "--number, --type and --title");
	if ((status = open_store(ctx, "laws", &s)))
		return status;
	loa_err err;
	loa_err_clear(&err);
	laws_import li = {.s = s, .path = path};
	loa_map_init(&li.alqac, NULL);
	uint64_t t0 = loa_mono_ns();
	if (text) {
		status = laws_import_text(ctx, s, path, fields, &li.st);
	} else {
		status = LOA_EXIT_OK;
		if (each_line(path, laws_line, &li, &err))
			status = cli_fail("laws", "%s", loa_err_msg(&err));
		for (size_t i = 0; i < li.alqac_order.len && status == LOA_EXIT_OK; i++)
			if (loa_law_store(s, li.alqac_order.items[i], &li.st, &err))
				status = cli_fail("laws", "%s: %s", li.alqac_order.items[i]->number,
						  loa_err_msg(&err));
		if (li.refused && status == LOA_EXIT_OK)
			status = LOA_EXIT_FAIL;
	}
	for (size_t i = 0; i < li.alqac_order.len; i++)
		law_doc_free(li.alqac_order.items[i]);
	loa_vec_release(&li.alqac_order);
	loa_map_release(&li.alqac);
	loa_store_close(s);
	printf("laws import: documents=%llu articles=%llu clauses=%llu points=%llu amendments=%llu "
	       "refused=%llu seconds=%.2f\n",
	       (unsigned long long)li.st.docs, (unsigned long long)li.st.articles,
	       (unsigned long long)li.st.clauses, (unsigned long long)li.st.points,
	       (unsigned long long)li.st.amendments, (unsigned long long)li.refused,
	       (double)(loa_mono_ns() - t0) / 1e9);
	return status;
}

/* ---- loa ask ------------------------------------------------------------------------- */

static void print_highlighted(const char *passage, json_t *hl)
{
	/* highlights are character offsets */
	size_t nch = 0, k = 0;
	const char *p = passage;
	size_t nh = json_array_size(hl);
	fputs("   ", stdout);
	while (*p) {
		while (k < nh && (size_t)json_integer_value(json_array_get(json_array_get(hl, k), 1)) <= nch)
			k++;
		if (k < nh && (size_t)json_integer_value(json_array_get(json_array_get(hl, k), 0)) == nch)
			fputs("«", stdout);
		size_t len = 1;
		unsigned char ch = (unsigned char)*p;
		if (ch >= 0xF0)
			len = 4;
		else if (ch >= 0xE0)
			len = 3;
		else if (ch >= 0xC0)
			len = 2;
		for (size_t i = 0; i < len && p[i]; i++)
			putchar(p[i]);
		if (*p == '\n')
			fputs("   ", stdout);
		p += len;
		nch++;
		if (k < nh && (size_t)json_integer_value(json_array_get(json_array_get(hl, k), 1)) == nch)
			fputs("»", stdout);
	}
	putchar('\n');
}

static void print_answer_text(json_t *a, int rank)
{
	printf("%d. %s — %s\n", rank, json_string_value(json_object_get(a, "citation")),
	       json_string_value(json_object_get(a, "title")));
	json_t *vt = json_object_get(a, "valid_to");
	if (json_object_get(a, "amended_by"))
		printf("   (sửa đổi bởi / amended by %s)\n",
		       json_string_value(json_object_get(a, "amended_by")));
	if (vt)
		printf("   (hiệu lực đến / in force until %s)\n", json_string_value(vt));
	print_highlighted(json_string_value(json_object_get(a, "passage")),
			  json_object_get(a, "highlights"));
	printf("   [độ tin cậy / confidence %.2f]\n", json_real_value(json_object_get(a, "confidence")));
}

int cmd_ask(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_ASOF = CLI_OPT_FIRST_FREE, O_LIMIT, O_FORMAT, O_CODE, O_PHONE, O_MODEL };
	static const struct option opts[] = {
		{"as-of", required_argument, NULL, O_ASOF},
		{"limit", required_argument, NULL, O_LIMIT},
		{"format", required_argument, NULL, O_FORMAT},
		{"code", required_argument, NULL, O_CODE},
		{"phone", required_argument, NULL, O_PHONE},
		{"model", required_argument, NULL, O_MODEL},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("ask");
	const char *as_of = NULL, *format = "text", *code = NULL, *phone = NULL, *model = NULL;
	int64_t limit = 3;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case O_ASOF: as_of = optarg; break;
		case O_FORMAT: format = optarg; break;
		case O_CODE: code = optarg; break;
		case O_PHONE: phone = optarg; break;
		case O_MODEL: model = optarg; break;
		case O_LIMIT:
			if (loa_parse_i64(optarg, &limit) || limit < 1 || limit > LOA_QA_LIMIT_MAX)
				return cli_usage_error("ask", "--limit cần 1..%d / needs 1..%d", LOA_QA_LIMIT_MAX,
						       LOA_QA_LIMIT_MAX);
			break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (strcmp(format, "text") && strcmp(format, "json"))
		return cli_usage_error("ask", "--format cần text hoặc json / must be text or json");
	if ((code != NULL) != (phone != NULL))
		return cli_usage_error("ask", "--code và --phone đi cùng nhau / --code and --phone go together");
	if (optind + 1 != argc && !(code && optind == argc))
		return cli_usage_error("ask", "cần một câu hỏi / expected one question");
	const char *q = optind < argc ? argv[optind] : NULL;
	int32_t day = loa_qa_today();
	if (as_of && loa_law_parse_day(as_of, &day))
		return cli_usage_error("ask", "--as-of cần YYYY-MM-DD / needs YYYY-MM-DD: %s", as_of);
	loa_err err;
	loa_err_clear(&err);
	loa_qa_params p;
	if (model ? (loa_qa_params_default(&p), loa_qa_params_load(&p, model, &err))
		  : loa_qa_params_config(ctx->cfg, &p, &err))
		return cli_fail("ask", "%s", loa_err_msg(&err));
	if (q && loa_str_trim(loa_str_c(q)).n == 0)
		return cli_usage_error("ask", "câu hỏi rỗng / empty question");
	if (q && strlen(q) > LOA_QA_QUERY_MAX)
		return cli_usage_error("ask", "câu hỏi quá dài / question too long (> %d bytes)",
				       LOA_QA_QUERY_MAX);
	loa_store *s;
	int status = open_store(ctx, "ask", &s);
	if (status)
		return status;
	loa_qa_index *ix = NULL;
	json_t *out = json_object(), *ans = NULL, *cs = NULL;
	loa_calendar cal;
	loa_calendar_init(&cal);
	/* the index saved next to the database, rebuilt after any import */
	const char *db = loa_config_get(ctx->cfg, "db");
	char ixpath[4096];
	bool file_db = loa_laws_index_path(db, ixpath, sizeof ixpath);
	if (loa_laws_index(s, &p, file_db ? ixpath : NULL, &ix, NULL, &err)) {
		status = cli_fail("ask", "%s", loa_err_msg(&err));
		goto done;
	}
	if (code) {
		if (loa_qa_calendar_config(ctx->cfg, &cal, &err)) {
			status = cli_fail("ask", "%s", loa_err_msg(&err));
			goto done;
		}
		int rc = loa_qa_case_answer(s, &cal, ix, NULL, code, phone, loa_now_ms(), &cs, &err);
		if (rc) {
			status = cli_fail("ask", "%s", loa_err_msg(&err));
			goto done;
		}
		json_object_set(out, "case", cs);
	}
	if (q) {
		int rc = loa_qa_answer(s, ix, NULL, q, strlen(q), day, (size_t)limit, &ans, &err);
		if (rc) {
			status = rc == LOA_EINVAL || rc == LOA_ETOOBIG ? cli_usage_error("ask", "%s", loa_err_msg(&err))
								      : cli_fail("ask", "%s", loa_err_msg(&err));
			goto done;
		}
		json_object_update(out, ans);
	}
	if (strcmp(format, "json") == 0) {
		char *js = json_dumps(out, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
		printf("%s\n", js ? js : "{}");
		free(js);
		goto done;
	}
	if (cs) {
		printf("%s\n", json_string_value(json_object_get(cs, "message")));
		json_t *law = json_object_get(cs, "law");
		if (law) {
			printf("Căn cứ / legal basis: %s — %s\n", json_string_value(json_object_get(law, "citation")),
			       json_string_value(json_object_get(law, "title")));
			json_t *pas = json_object_get(law, "passage");
			const char *txt = pas ? json_string_value(pas) : json_string_value(json_object_get(law, "text"));
			printf("   %.*s\n", 600, txt ? txt : "");
		}
		if (q)
			putchar('\n');
	}
	if (ans) {
		if (json_is_true(json_object_get(ans, "abstained"))) {
			printf("%s.\n", LOA_QA_ABSTAIN_MSG);
		} else {
			json_t *arr = json_object_get(ans, "answers");
			for (size_t i = 0; i < json_array_size(arr); i++)
				print_answer_text(json_array_get(arr, i), (int)i + 1);
		}
	}
done:
	json_decref(ans);
	json_decref(cs);
	json_decref(out);
	loa_calendar_release(&cal);
	loa_qa_index_free(ix);
	loa_store_close(s);
	return status;
}

/* ---- loa cases ----------------------------------------------------------------------- */

/* One CSV record (RFC 4180: quotes, doubled quotes, no newlines inside
 * quotes) into at most max fields, written NUL-terminated into line. */
static int csv_split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line, *w;
	for (;;) {
		if (n == max)
			return -1;
		f[n++] = w = p;
		if (*p == '"') {
			p++;
			for (;;) {
				if (!*p)
					return -1;
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*w++ = *p++;
				}
			}
			if (*p && *p != ',')
				return -1;
		} else {
			while (*p && *p != ',')
				*w++ = *p++;
		}
		if (!*p) {
			*w = '\0';
			return n;
		}
		p++;
		*w = '\0';
	}
}

typedef struct cases_import {
	loa_store *s;
	const char *path;
	int csv; /* -1 unknown, 0 json, 1 csv */
	char *names[32];
	int nnames;
	loa_case_stats st;
} cases_import;

static int cases_line(void *user, const char *line, size_t n, long lineno, loa_err *err)
{
	cases_import *ci = user;
	loa_str t = loa_str_trim((loa_str){line, n});
	if (t.n == 0)
		return LOA_OK;
	if (ci->csv < 0)
		ci->csv = t.p[0] != '{';
	loa_err e;
	loa_err_clear(&e);
	int rc;
	if (!ci->csv) {
		ci->st.read++;
		rc = loa_case_import_json(ci->s, t.p, t.n, &e);
	} else {
		char *copy = strndup(t.p, t.n);
		char *f[32];
		if (!copy)
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		int nf = csv_split(copy, f, 32);
		if (ci->nnames == 0) {
			if (nf <= 0) {
				free(copy);
				return loa_err_set(err, LOA_EPARSE, "%s:%ld: dòng tiêu đề CSV hỏng / bad CSV header",
						   ci->path, lineno);
			}
			for (int i = 0; i < nf; i++)
				ci->names[i] = strdup(f[i]);
			ci->nnames = nf;
			free(copy);
			return LOA_OK;
		}
		ci->st.read++;
		if (nf != ci->nnames)
			rc = loa_err_set(&e, LOA_EINVAL, "cần %d cột, có %d / expected %d fields, got %d",
					 ci->nnames, nf, ci->nnames, nf < 0 ? 0 : nf);
		else
			rc = loa_case_import_fields(ci->s, (const char *const *)ci->names,
						    (const char *const *)f, nf, &e);
		free(copy);
	}
	if (rc == LOA_EINVAL || rc == LOA_EPARSE) {
		fprintf(stderr, "%s:%ld: %s\n", ci->path, lineno, loa_err_msg(&e));
		ci->st.refused++;
		return LOA_OK;
	}
	if (rc)
		return loa_err_set(err, rc, "%s:%ld: %s", ci->path, lineno, loa_err_msg(&e));
	ci->st.stored++;
	return LOA_OK;
}

int cmd_cases(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_PHONE = CLI_OPT_FIRST_FREE, O_FORMAT, O_NOW };
	static const struct option opts[] = {
		{"phone", required_argument, NULL, O_PHONE},
		{"format", required_argument, NULL, O_FORMAT},
		{"now", required_argument, NULL, O_NOW},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("cases");
	const char *phone = NULL, *format = "text", *now_s = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case O_PHONE: phone = optarg; break;
		case O_FORMAT: format = optarg; break;
		case O_NOW: now_s = optarg; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (optind + 2 != argc)
		return cli_usage_error("cases", "cần 'import FILE' hoặc 'lookup CODE --phone PHONE' / "
						"expected 'import FILE' or 'lookup CODE --phone PHONE'");
	const char *sub = argv[optind], *arg = argv[optind + 1];
	loa_err err;
	loa_err_clear(&err);
	loa_store *s;
	int status;
	if (strcmp(sub, "import") == 0) {
		if ((status = open_store(ctx, "cases", &s)))
			return status;
		cases_import ci = {.s = s, .path = arg, .csv = -1};
		uint64_t t0 = loa_mono_ns();
		if (loa_store_begin(s, &err) || each_line(arg, cases_line, &ci, &err) ||
		    loa_store_commit(s, &err)) {
			loa_store_rollback(s);
			status = cli_fail("cases", "%s", loa_err_msg(&err));
		} else {
			status = ci.st.refused ? LOA_EXIT_FAIL : LOA_EXIT_OK;
		}
		for (int i = 0; i < ci.nnames; i++)
			free(ci.names[i]);
		loa_store_close(s);
		printf("cases import: read=%llu stored=%llu refused=%llu seconds=%.2f\n",
		       (unsigned long long)ci.st.read, (unsigned long long)ci.st.stored,
		       (unsigned long long)ci.st.refused, (double)(loa_mono_ns() - t0) / 1e9);
		return status;
	}
	if (strcmp(sub, "lookup") != 0)
		return cli_usage_error("cases", "không có lệnh con / unknown sub-command: %s", sub);
	if (!phone)
		return cli_usage_error("cases", "cần --phone / --phone is required");
	if (strcmp(format, "text") && strcmp(format, "json"))
		return cli_usage_error("cases", "--format cần text hoặc json / must be text or json");
	loa_ms now = loa_now_ms();
	if (now_s) {
		int32_t d;
		if (!loa_law_parse_day(now_s, &d))
			now = (loa_ms)d * 86400000 + 12 * 3600000 - (loa_ms)LOA_VN_OFFSET_MIN * 60000;
		else if (loa_time_parse_rfc3339(now_s, strlen(now_s), &now))
			return cli_usage_error("cases", "--now cần RFC 3339 hoặc YYYY-MM-DD / bad --now");
	}
	if ((status = open_store(ctx, "cases", &s)))
		return status;
	loa_calendar cal;
	json_t *o = NULL;
	if (loa_qa_calendar_config(ctx->cfg, &cal, &err) ||
	    loa_qa_case_answer(s, &cal, NULL, NULL, arg, phone, now, &o, &err)) {
		status = cli_fail("cases", "%s", loa_err_msg(&err));
	} else if (strcmp(format, "json") == 0) {
		char *js = json_dumps(o, JSON_COMPACT);
		printf("%s\n", js ? js : "{}");
		free(js);
	} else {
		printf("%s\n", json_string_value(json_object_get(o, "message")));
		printf("thủ tục / procedure: %s\ntrạng thái / status: %s\nnộp / submitted: %s\n"
		       "hạn / due: %s (%lld ngày làm việc / working days)\n",
		       json_string_value(json_object_get(o, "procedure")),
		       json_string_value(json_object_get(o, "status")),
		       json_string_value(json_object_get(o, "submitted")),
		       json_string_value(json_object_get(o, "due")),
		       (long long)json_integer_value(json_object_get(o, "limit_working_days")));
		if (json_is_true(json_object_get(o, "late")))
			printf("trễ hạn / late: %lld ngày làm việc / working days\n",
			       (long long)json_integer_value(json_object_get(o, "late_working_days")));
		json_t *law = json_object_get(o, "law");
		if (law)
			printf("căn cứ / legal basis: %s\n", json_string_value(json_object_get(law, "citation")));
	}
	json_decref(o);
	loa_calendar_release(&cal);
	loa_store_close(s);
	return status;
}
