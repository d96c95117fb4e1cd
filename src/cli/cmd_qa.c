/*
 * cmd_qa.c - the qa room's commands: `loa eval retrieve`, `loa train
 * retrieve` (and, below, laws, ask and cases).
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
#include "qa/retrieve.h"
#include "text/text.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int corpus_line(void *user, const char *line, size_t n, long lineno, loa_err *err)
{
	alqac_corpus *c = user;
	if (loa_str_trim((loa_str){line, n}).n == 0)
		return LOA_OK;
	json_error_t je;
	json_t *j = json_loadb(line, n, 0, &je);
	const char *id = NULL, *law = NULL, *text = NULL;
	if (!j || json_unpack(j, "{s:s,s:s,s:s}", "doc_id", &id, "law_id", &law, "text", &text)) {
		json_decref(j);
		return loa_err_set(err, LOA_EPARSE,
				   "dòng %ld: cần {doc_id, law_id, text} / line %ld: expected {doc_id, "
				   "law_id, text}",
				   lineno, lineno);
	}
	loa_buf_reset(&c->norm);
	int rc = loa_text_normalize(text, strlen(text), LOA_NORM_DISPLAY, &c->norm);
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

int cmd_eval_retrieve(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_CORPUS = CLI_OPT_FIRST_FREE, O_QUESTIONS, O_QRELS, O_PARAM, O_MODEL, O_VERBOSE,
	       O_LATENCY };
	static const struct option opts[] = {
		{"corpus", required_argument, NULL, O_CORPUS},
		{"questions", required_argument, NULL, O_QUESTIONS},
		{"qrels", required_argument, NULL, O_QRELS},
		{"param", required_argument, NULL, O_PARAM},
		{"model", required_argument, NULL, O_MODEL},
		{"verbose", no_argument, NULL, O_VERBOSE},
		{"latency", no_argument, NULL, O_LATENCY},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("eval");
	const char *corpus = NULL, *questions = NULL, *qrels = NULL, *model = NULL;
	bool verbose = false, latency = false;
	loa_qa_params p;
	loa_qa_params_default(&p);
	loa_err err;
	loa_err_clear(&err);
	char *params[32];
	int nparams = 0;
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
		case O_PARAM:
			if (nparams == 32)
				return cli_usage_error("eval", "quá nhiều --param / too many --param");
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
		return cli_usage_error("eval", "cần --corpus, --questions và --qrels / expected --corpus, "
					       "--questions and --qrels\n  %s",
				       cmd_eval_usage("retrieve"));
	if (model && loa_qa_params_load(&p, model, &err))
		return cli_fail("eval", "%s", loa_err_msg(&err));
	for (int i = 0; i < nparams; i++)
		if (loa_qa_params_set(&p, params[i], &err))
			return cli_usage_error("eval", "%s", loa_err_msg(&err));

	alqac_corpus cp;
	qset qs = {0};
	loa_map_init(&qs.by_qid, NULL);
	qs.corpus = &cp;
	int status = LOA_EXIT_OK;
	double *lat = NULL;
	uint64_t t0 = loa_mono_ns();
	if (corpus_load(&cp, corpus, &p, &err)) {
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
	loa_qa_scratch *scr = loa_qa_scratch_new();
	lat = calloc(qs.qs.len + 1, sizeof *lat);
	eval_res res = {0};
	loa_progress prog;
	loa_progress_init(&prog, "retrieve", qs.qs.len);
	size_t nlat = 0;
	for (size_t i = 0; i < qs.qs.len; i++) {
		const question *q = &qs.qs.items[i];
		loa_qa_hit hits[10];
		size_t nh = 0;
		uint64_t a = loa_mono_ns();
		int rc = loa_qa_search(cp.ix, scr, q->text, strlen(q->text), LOA_QA_DAY_MIN, hits, 10,
				       &nh, &err);
		if (lat)
			lat[nlat++] = (double)(loa_mono_ns() - a) / 1e6;
		if (rc) {
			loa_warn("eval.retrieve", "qid=%s error=\"%s\"", q->qid, loa_err_msg(&err));
			nh = 0;
		}
		score_hits(q, hits, nh, &res);
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
	loa_qa_scratch_free(scr);
	if (latency && lat && nlat) {
		qsort(lat, nlat, sizeof *lat, cmp_double);
		loa_qa_index_stats st;
		loa_qa_index_stats_get(cp.ix, &st);
		printf("latency: articles=%llu terms=%llu postings=%llu posting_mb=%.1f build_s=%.2f "
		       "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
		       (unsigned long long)st.docs, (unsigned long long)st.terms,
		       (unsigned long long)st.postings, (double)st.posting_bytes / 1048576.0, build_s,
		       lat[nlat / 2], lat[(size_t)((double)(nlat - 1) * 0.99)], lat[nlat - 1]);
	}
	double n = res.n ? (double)res.n : 1;
	printf("retrieve: questions=%zu recall_at_1=%.4f recall_at_10=%.4f mrr_at_10=%.4f\n", res.n,
	       res.r1 / n, res.r10 / n, res.mrr / n);
out:
	free(lat);
	qset_release(&qs);
	corpus_release(&cp);
	return status;
}
