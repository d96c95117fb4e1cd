/*
 * retrieve.c - the in-memory legal article index: tokens, BM25F over
 * title and body with exact, folded and bigram term families, question
 * rewriting, and a linear re-ranker over proximity and coverage features.
 */
#include "qa/retrieve.h"
#include "core/log.h"
#include "core/map.h"
#include "core/str.h"
#include "core/utf8.h"
#include "core/vec.h"
#include "text/text.h"

#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define TERM_MAX 120 /* bytes of one normalised token kept as a term */
#define KEY_MAX (2 * TERM_MAX + 4)
#define ALIAS_SCAN 12
#define PASSAGE_MAX 700

/* ---- parameters ------------------------------------------------------------ */

void loa_qa_params_default(loa_qa_params *p)
{
	/* Tuned on the ALQAC 2022 and 2023 training questions (docs/rooms/qa.md). */
	p->k1 = 1.2;
	p->b_title = 0.5;
	p->b_body = 0.75;
	p->w_title = 2.0;
	p->w_bigram = 1.0;
	p->w_bm25 = 1.0;
	p->w_window = 0.5;
	p->w_bwindow = 0.3;
	p->w_cover = 0.3;
	p->w_law = 0.3;
	p->w_tcover = 0.3;
	p->window = 40;
	p->rerank = 30;
	p->min_conf = 0.40;
	p->max_df = 20000;
	p->prune = 1;
	p->w_syn = 0.3;
	p->refine = 0;
	p->threads = 2;
	p->split_docs = 200000;
}

typedef struct param_def {
	const char *name;
	size_t off;
	double lo, hi;
} param_def;

static const param_def param_defs[] = {
	{"k1", offsetof(loa_qa_params, k1), 0, 10},
	{"b_title", offsetof(loa_qa_params, b_title), 0, 1},
	{"b_body", offsetof(loa_qa_params, b_body), 0, 1},
	{"w_title", offsetof(loa_qa_params, w_title), 0, 100},
	{"w_bigram", offsetof(loa_qa_params, w_bigram), 0, 100},
	{"w_bm25", offsetof(loa_qa_params, w_bm25), -100, 100},
	{"w_window", offsetof(loa_qa_params, w_window), -100, 100},
	{"w_bwindow", offsetof(loa_qa_params, w_bwindow), -100, 100},
	{"w_cover", offsetof(loa_qa_params, w_cover), -100, 100},
	{"w_law", offsetof(loa_qa_params, w_law), -100, 100},
	{"w_tcover", offsetof(loa_qa_params, w_tcover), -100, 100},
	{"window", offsetof(loa_qa_params, window), 2, 1000},
	{"rerank", offsetof(loa_qa_params, rerank), 1, 10000},
	{"min_conf", offsetof(loa_qa_params, min_conf), 0, 1},
	{"max_df", offsetof(loa_qa_params, max_df), 1, 4e9},
	{"prune", offsetof(loa_qa_params, prune), 0, 2},
	{"w_syn", offsetof(loa_qa_params, w_syn), 0, 10},
	{"refine", offsetof(loa_qa_params, refine), 0, 1e6},
	{"threads", offsetof(loa_qa_params, threads), 1, 8},
	{"split_docs", offsetof(loa_qa_params, split_docs), 1, 4e9},
};
#define NPARAMS (sizeof param_defs / sizeof param_defs[0])

double *loa_qa_params_weight(loa_qa_params *p, int feature)
{
	switch (feature) {
	case 0: return &p->w_bm25;
	case 1: return &p->w_window;
	case 2: return &p->w_bwindow;
	case 3: return &p->w_cover;
	case 4: return &p->w_law;
	case 5: return &p->w_tcover;
	default: return NULL;
	}
}

static int param_set(loa_qa_params *p, loa_str name, const char *val, loa_err *err)
{
	for (size_t i = 0; i < NPARAMS; i++) {
		if (!loa_str_eqc(name, param_defs[i].name))
			continue;
		double v;
		if (loa_parse_double(val, &v) || !(v >= param_defs[i].lo && v <= param_defs[i].hi))
			return loa_err_set(err, LOA_EINVAL,
					   "giá trị không hợp lệ / bad value for %s: '%s'",
					   param_defs[i].name, val);
		*(double *)((char *)p + param_defs[i].off) = v;
		return LOA_OK;
	}
	return loa_err_set(err, LOA_EINVAL, "không có tham số / unknown parameter: %.*s",
			   (int)name.n, name.p);
}

int loa_qa_params_set(loa_qa_params *p, const char *kv, loa_err *err)
{
	const char *eq = strchr(kv, '=');
	if (!eq)
		return loa_err_set(err, LOA_EINVAL, "cần NAME=VALUE / expected NAME=VALUE: %s", kv);
	return param_set(p, (loa_str){kv, (size_t)(eq - kv)}, eq + 1, err);
}

int loa_qa_params_load(loa_qa_params *p, const char *path, loa_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return loa_err_set(err, LOA_EIO, "không mở được / cannot open %s", path);
	char line[512];
	int lineno = 0, rc = LOA_OK;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		loa_str s = loa_str_trim(loa_str_c(line));
		if (s.n == 0 || s.p[0] == '#')
			continue;
		loa_str rest = s;
		loa_str name = loa_str_trim(loa_str_split(&rest, ' '));
		rest = loa_str_trim(rest);
		char val[64];
		if (rest.n == 0 || rest.n >= sizeof val) {
			rc = loa_err_set(err, LOA_EPARSE, "%s:%d: cần 'tên giá_trị' / expected 'name value'",
					 path, lineno);
			break;
		}
		memcpy(val, rest.p, rest.n);
		val[rest.n] = '\0';
		if ((rc = param_set(p, name, val, err))) {
			char m[LOA_ERR_MSG_MAX];
			loa_strlcpy(m, loa_err_msg(err), sizeof m);
			rc = loa_err_set(err, LOA_EPARSE, "%s:%d: %s", path, lineno, m);
			break;
		}
	}
	fclose(f);
	return rc;
}

int loa_qa_params_write(const loa_qa_params *p, const char *note, loa_buf *out)
{
	int rc = loa_buf_printf(out, "# loa retrieve model (docs/rooms/qa.md)\n");
	if (note && !rc)
		rc = loa_buf_printf(out, "# %s\n", note);
	for (size_t i = 0; i < NPARAMS && !rc; i++)
		rc = loa_buf_printf(out, "%s %.6g\n", param_defs[i].name,
				    *(const double *)((const char *)p + param_defs[i].off));
	return rc;
}

/* ---- abbreviations and question phrasing -------------------------------- */

static const char *const abbreviations[] = {
	"gpxd", "giấy phép xây dựng",
	"ubnd", "ủy ban nhân dân",
	"hđnd", "hội đồng nhân dân",
	"cccd", "căn cước công dân",
	"cmnd", "chứng minh nhân dân",
	"bhxh", "bảo hiểm xã hội",
	"bhyt", "bảo hiểm y tế",
	"bhtn", "bảo hiểm thất nghiệp",
	"qsdđ", "quyền sử dụng đất",
	"gcn", "giấy chứng nhận",
	"gcnqsdđ", "giấy chứng nhận quyền sử dụng đất",
	"tthc", "thủ tục hành chính",
	"tand", "tòa án nhân dân",
	"vksnd", "viện kiểm sát nhân dân",
	"csgt", "cảnh sát giao thông",
	"pccc", "phòng cháy chữa cháy",
	"gplx", "giấy phép lái xe",
	"đkkd", "đăng ký kinh doanh",
	"gpkd", "giấy phép kinh doanh",
	"dnnn", "doanh nghiệp nhà nước",
	"tnhh", "trách nhiệm hữu hạn",
	"gtgt", "giá trị gia tăng",
	"tncn", "thu nhập cá nhân",
	"tndn", "thu nhập doanh nghiệp",
	"mst", "mã số thuế",
	"nlđ", "người lao động",
	"nsdlđ", "người sử dụng lao động",
	"hđlđ", "hợp đồng lao động",
	"blds", "bộ luật dân sự",
	"blhs", "bộ luật hình sự",
	"blld", "bộ luật lao động",
	"bltths", "bộ luật tố tụng hình sự",
	"blttds", "bộ luật tố tụng dân sự",
	"nđ", "nghị định",
	"nđ-cp", "nghị định",
	"tt", "thông tư",
	"qđ", "quyết định",
	"vbqppl", "văn bản quy phạm pháp luật",
	"thcs", "trung học cơ sở",
	"thpt", "trung học phổ thông",
	"đh", "đại học",
	"tp", "thành phố",
	"tphcm", "thành phố hồ chí minh",
	"tp.hcm", "thành phố hồ chí minh",
	"hcm", "hồ chí minh",
	"atgt", "an toàn giao thông",
	"ttxh", "trật tự xã hội",
	"vphc", "vi phạm hành chính",
	"xlvphc", "xử lý vi phạm hành chính",
	"csdl", "cơ sở dữ liệu",
	"hs", "hồ sơ",
	NULL, NULL,
};

const char *const *loa_qa_abbreviations(void)
{
	return abbreviations;
}

/* Question phrasing dropped from questions (matched on whole words, on
 * the folded form when the question has no diacritics). Longest first. */
static const char *const stop_phrases[] = {
	"chọn câu trả lời đúng nhất", "theo quy định của pháp luật hiện hành",
	"theo quy định hiện hành", "là đúng hay sai", "đúng hay sai", "có đúng không",
	"có phải không", "có được không", "hay không", "được không", "đúng không",
	"câu trả lời", "đáp án", "như thế nào", "thế nào", "như nào", "ra sao",
	"bao nhiêu", "bao lâu", "là gì", "những gì", "cái gì", "nào sau đây",
	"nào dưới đây", "sau đây", "dưới đây", "hãy cho biết", "cho biết", "cho tôi hỏi",
	"cho hỏi", "xin hỏi", "tôi muốn hỏi", "muốn hỏi", "vui lòng", "khi nào", "ở đâu",
	"gì", "nào", "ạ", "nhỉ", "vậy", "tôi", "mình", "hả", "không ạ",
	NULL,
};

/* ---- tokens ------------------------------------------------------------------ */

typedef struct qtok {
	char norm[TERM_MAX + 1], fold[TERM_MAX + 1];
	size_t start, end;  /* byte offsets in the text */
	bool brk;           /* not adjacent to the previous token (punctuation) */
	bool diacritic;
	bool upper;         /* upper-case abbreviation-like */
	bool syllable;
	bool after_paren;   /* right after "(" */
	uint8_t gap;        /* GAP_* of the bytes since the previous term token */
	loa_tok_type type;
} qtok;

/* What lies between two term tokens (for the synonym miner). */
enum { GAP_OPEN = 1, GAP_CLOSE = 2, GAP_NL = 4, GAP_PUNCT = 8, GAP_STOP = 16 /* . ; : */ };

typedef int (*term_fn)(void *user, const qtok *t);

typedef struct tok_run {
	term_fn fn;
	void *user;
	const char *src;
	bool brk;
	bool paren;
	int rc;
	size_t last_end; /* end of the previous term token */
	loa_buf fb;
} tok_run;

static size_t strip_zeros(char *s, size_t n)
{
	size_t i = 0;
	while (i + 1 < n && s[i] == '0' && s[i + 1] >= '0' && s[i + 1] <= '9')
		i++;
	if (i) {
		memmove(s, s + i, n - i);
		n -= i;
	}
	s[n] = '\0';
	return n;
}

static int on_tok(void *user, const loa_token *tok, const char *text, const char *norm,
		  size_t norm_len)
{
	tok_run *r = user;
	switch (tok->type) {
	case LOA_TOK_PUNCT:
	case LOA_TOK_SYMBOL:
	case LOA_TOK_URL:
	case LOA_TOK_EMAIL:
	case LOA_TOK_EMOJI:
	case LOA_TOK_MENTION:
		r->brk = true;
		r->paren = tok->end - tok->start == 1 && text[0] == '(';
		return 0;
	default:
		break;
	}
	if (norm_len == 0 || norm_len > TERM_MAX) {
		r->brk = true;
		r->paren = false;
		return 0;
	}
	qtok t;
	memcpy(t.norm, norm, norm_len);
	t.norm[norm_len] = '\0';
	size_t n = norm_len;
	if (tok->type == LOA_TOK_NUMBER)
		n = strip_zeros(t.norm, n);
	bool ascii = true;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t.norm[i] >= 0x80)
			ascii = false;
	if (ascii) {
		memcpy(t.fold, t.norm, n + 1);
	} else {
		loa_buf_reset(&r->fb);
		if (loa_text_normalize_word(t.norm, n, LOA_NORM_MATCH | LOA_NORM_FOLD, &r->fb) ||
		    r->fb.len == 0 || r->fb.len > TERM_MAX) {
			memcpy(t.fold, t.norm, n + 1);
		} else {
			memcpy(t.fold, r->fb.data, r->fb.len);
			t.fold[r->fb.len] = '\0';
		}
	}
	t.start = tok->start;
	t.end = tok->end;
	t.brk = r->brk;
	t.type = tok->type;
	t.diacritic = !ascii;
	t.syllable = tok->type == LOA_TOK_WORD && loa_text_is_syllable(text, tok->end - tok->start);
	t.upper = tok->type == LOA_TOK_ABBR || (tok->flags & LOA_TOKF_UPPER);
	t.after_paren = r->paren;
	t.gap = 0;
	for (size_t i = r->last_end; i < tok->start; i++) {
		unsigned char ch = (unsigned char)r->src[i];
		if (ch == '(')
			t.gap |= GAP_OPEN | GAP_PUNCT;
		else if (ch == ')')
			t.gap |= GAP_CLOSE | GAP_PUNCT;
		else if (ch == '\n')
			t.gap |= GAP_NL;
		else if (ch == '.' || ch == ';' || ch == ':')
			t.gap |= GAP_STOP | GAP_PUNCT;
		else if (ch != ' ' && ch != '\t' && ch != '\r')
			t.gap |= GAP_PUNCT;
	}
	r->last_end = tok->end;
	r->brk = false;
	r->paren = false;
	return r->fn(r->user, &t);
}

/* Calls fn for each term-bearing token of s[0..n). */
static int each_token(const char *s, size_t n, term_fn fn, void *user)
{
	tok_run r = {.fn = fn, .user = user, .src = s, .brk = true};
	loa_buf_init(&r.fb, 4 * TERM_MAX + 16);
	int rc = loa_text_tokenize_norm(s, n, LOA_NORM_MATCH, on_tok, &r);
	loa_buf_release(&r.fb);
	return rc;
}

/* ---- the index -------------------------------------------------------------- */

/* A block of BLOCK postings of one term: the byte offset of its first
 * posting, its last document and the largest BM25F saturation tf/(k1+tf)
 * in it (rounded up), for skipping and for the block-max bounds of the
 * pruned search. Terms with at most BLOCK postings have none. */
#define BLOCK 64
typedef struct blk {
	uint32_t off, last;
	float max;
} blk;

typedef struct term {
	uint8_t *p;
	uint32_t len, cap, df, last;
	uint32_t nblk;
	float max; /* largest saturation over all its postings (rounded up) */
	blk *bl;
} term;

typedef struct doc_rec {
	int64_t key;
	uint64_t title_off, body_off;
	uint32_t title_bytes, body_bytes;
	uint32_t title_len, body_len; /* in tokens */
	uint32_t law;
	int32_t from, to;
} doc_rec;

/* The lengths, apart from the records for locality. */
typedef struct doc_len {
	uint32_t body, title;
} doc_len;

/* What the scores read: BM25F's length normalisation of each field,
 * 1 / (1 - b + b * len / avg), under the current parameters. */
typedef struct doc_norm {
	float body, title;
} doc_norm;

/* A token as the synonym miner sees it. */
typedef struct mtok {
	char norm[TERM_MAX + 1], fold[TERM_MAX + 1];
	uint8_t gap;
	bool syl, upper, num;
} mtok;

typedef struct law_rec {
	char *name;
	char *fold; /* " w1 w2 ... " folded words with spaces around, for matching */
} law_rec;

struct loa_qa_index {
	loa_qa_params p;
	loa_map terms; /* key -> (term index + 1) */
	LOA_VEC(term) tv;
	LOA_VEC(doc_rec) docs;
	LOA_VEC(law_rec) laws;
	loa_map law_ids; /* name -> index + 1 */
	loa_map aliases; /* folded abbreviation -> expansion (owned strings) */
	loa_map syns;    /* folded phrase -> syn_val (owned), mined synonyms */
	char *text;
	size_t text_len, text_cap;
	double avg_title, avg_body;
	doc_len *lens; /* per document, from finish */
	doc_norm *norms; /* per document, from finish and set_params */
	bool finished;
	uint64_t postings, posting_bytes;
	/* building */
	LOA_VEC(uint64_t) codes;
	char prev_fold[ALIAS_SCAN][TERM_MAX + 1];
	char prev_norm[ALIAS_SCAN][TERM_MAX + 1];
	int nprev;
	bool mine_goi; /* the body has "gọi": look for defined terms */
	LOA_VEC(mtok) mt;
	/* loaded from a file (loa_qa_index_load): docs, lens, text, postings
	 * and blocks point into the mapping; terms are found by its hash table */
	void *map;
	size_t map_len;
	const struct ix_term *dterms;
	const char *tkeys;
	const uint32_t *hslots;
	uint64_t hcap;
};

int loa_qa_index_new(const loa_qa_params *p, loa_qa_index **out, loa_err *err)
{
	loa_qa_index *ix = calloc(1, sizeof *ix);
	if (!ix)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	if (p)
		ix->p = *p;
	else
		loa_qa_params_default(&ix->p);
	loa_map_init(&ix->terms, NULL);
	loa_map_init(&ix->law_ids, NULL);
	loa_map_init(&ix->aliases, free);
	loa_map_init(&ix->syns, free);
	*out = ix;
	return LOA_OK;
}

void loa_qa_index_free(loa_qa_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->tv.len && !ix->map; i++) {
		free(ix->tv.items[i].p);
		free(ix->tv.items[i].bl);
	}
	if (ix->map) { /* these point into the mapping */
		munmap(ix->map, ix->map_len);
		ix->docs.items = NULL;
		ix->text = NULL;
		ix->lens = NULL;
	}
	loa_vec_release(&ix->tv);
	for (size_t i = 0; i < ix->laws.len; i++) {
		free(ix->laws.items[i].name);
		free(ix->laws.items[i].fold);
	}
	loa_vec_release(&ix->laws);
	loa_vec_release(&ix->docs);
	loa_vec_release(&ix->codes);
	loa_map_release(&ix->terms);
	loa_map_release(&ix->law_ids);
	loa_map_release(&ix->aliases);
	loa_map_release(&ix->syns);
	loa_vec_release(&ix->mt);
	free(ix->text);
	free(ix->lens);
	free(ix->norms);
	free(ix);
}

static int bounds_compute(loa_qa_index *ix);

void loa_qa_index_set_params(loa_qa_index *ix, const loa_qa_params *p)
{
	bool bm25 = p->k1 != ix->p.k1 || p->b_title != ix->p.b_title || p->b_body != ix->p.b_body ||
		    p->w_title != ix->p.w_title;
	ix->p = *p;
	if (ix->finished && bm25)
		bounds_compute(ix); /* the blocks exist: only their maxima change, no allocation */
}

const loa_qa_params *loa_qa_index_params(const loa_qa_index *ix)
{
	return &ix->p;
}

uint32_t loa_qa_index_docs(const loa_qa_index *ix)
{
	return (uint32_t)ix->docs.len;
}

int64_t loa_qa_index_key(const loa_qa_index *ix, uint32_t doc)
{
	return ix->docs.items[doc].key;
}

const char *loa_qa_index_law(const loa_qa_index *ix, uint32_t doc)
{
	return ix->laws.items[ix->docs.items[doc].law].name;
}

const char *loa_qa_index_title(const loa_qa_index *ix, uint32_t doc, size_t *len)
{
	const doc_rec *d = &ix->docs.items[doc];
	if (len)
		*len = d->title_bytes;
	return ix->text + d->title_off;
}

const char *loa_qa_index_body(const loa_qa_index *ix, uint32_t doc, size_t *len)
{
	const doc_rec *d = &ix->docs.items[doc];
	if (len)
		*len = d->body_bytes;
	return ix->text + d->body_off;
}

void loa_qa_index_stats_get(const loa_qa_index *ix, loa_qa_index_stats *st)
{
	st->docs = ix->docs.len;
	st->terms = ix->tv.len;
	st->postings = ix->postings;
	st->posting_bytes = ix->posting_bytes;
	st->text_bytes = ix->text_len;
	st->aliases = ix->aliases.count;
	st->synonyms = ix->syns.count;
}

static size_t make_key(char *key, char fam, const char *a, const char *b)
{
	size_t na = strlen(a), n = 0;
	key[n++] = fam;
	memcpy(key + n, a, na);
	n += na;
	if (b) {
		size_t nb = strlen(b);
		key[n++] = ' ';
		memcpy(key + n, b, nb);
		n += nb;
	}
	key[n] = '\0';
	return n;
}

static int term_id(loa_qa_index *ix, const char *key, size_t n, uint32_t *id)
{
	void *v = loa_map_get(&ix->terms, key, n);
	if (v) {
		*id = (uint32_t)((uintptr_t)v - 1);
		return LOA_OK;
	}
	term t = {0};
	t.last = UINT32_MAX;
	if (ix->tv.len >= UINT32_MAX / 2 || loa_vec_push(&ix->tv, t))
		return LOA_ENOMEM;
	*id = (uint32_t)(ix->tv.len - 1);
	if (loa_map_set(&ix->terms, key, n, (void *)(uintptr_t)(*id + 1)))
		return LOA_ENOMEM;
	return LOA_OK;
}

static int term_put(term *t, const uint8_t *p, size_t n)
{
	if (t->len + n > t->cap) {
		uint64_t nc = t->cap ? (uint64_t)t->cap * 2 : 8;
		while (nc < t->len + n)
			nc *= 2;
		if (nc > UINT32_MAX)
			return LOA_ETOOBIG;
		uint8_t *q = realloc(t->p, nc);
		if (!q)
			return LOA_ENOMEM;
		t->p = q;
		t->cap = (uint32_t)nc;
	}
	memcpy(t->p + t->len, p, n);
	t->len += (uint32_t)n;
	return LOA_OK;
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* True when a whole varint (at most 5 bytes) starts at p before end. */
static inline bool varint_ok(const uint8_t *p, const uint8_t *end)
{
	for (int i = 0; i < 5 && p < end; i++, p++)
		if (!(*p & 0x80))
			return true;
	return false;
}

static inline uint32_t get_varint(const uint8_t **pp)
{
	const uint8_t *p = *pp;
	uint32_t v = *p & 0x7f;
	unsigned sh = 7;
	while (*p++ & 0x80) {
		v |= (uint32_t)(*p & 0x7f) << sh;
		sh += 7;
	}
	*pp = p;
	return v;
}

typedef struct add_ctx {
	loa_qa_index *ix;
	bool title;
	uint32_t ntok;
	char prev[TERM_MAX + 1];
	bool have_prev;
	int defs; /* words of "giải thích từ ngữ" matched in the title */
	int rc;
} add_ctx;

static int add_code(add_ctx *c, const char *key, size_t n)
{
	uint32_t id;
	int rc = term_id(c->ix, key, n, &id);
	if (!rc)
		rc = loa_vec_push(&c->ix->codes, ((uint64_t)id << 1) | (c->title ? 1u : 0u));
	return rc;
}

/* Mines "cụm từ viết tắt (CTVT)": an upper-case token right after "(" whose
 * letters are the initials of the words before the parenthesis. */
static void mine_alias(loa_qa_index *ix, const qtok *t)
{
	size_t k = strlen(t->fold);
	if (k < 2 || k > 8 || ix->nprev < (int)k)
		return;
	for (size_t i = 0; i < k; i++)
		if (t->fold[i] < 'a' || t->fold[i] > 'z')
			return;
	for (size_t i = 0; i < k; i++) {
		const char *w = ix->prev_fold[(ix->nprev - (int)k + (int)i) % ALIAS_SCAN];
		if (w[0] != t->fold[i])
			return;
	}
	if (loa_map_has(&ix->aliases, t->fold, k))
		return;
	loa_buf b;
	loa_buf_init(&b, KEY_MAX * 8);
	for (size_t i = 0; i < k; i++) {
		if (i)
			loa_buf_putc(&b, ' ');
		loa_buf_puts(&b, ix->prev_norm[(ix->nprev - (int)k + (int)i) % ALIAS_SCAN]);
	}
	char *v = loa_buf_detach(&b, NULL);
	if (v && loa_map_set(&ix->aliases, t->fold, k, v))
		free(v);
}

static int add_tok(void *user, const qtok *t)
{
	add_ctx *c = user;
	loa_qa_index *ix = c->ix;
	char key[KEY_MAX + 2];
	int rc;
	c->ntok++;
	if (c->title && c->defs < 4) {
		static const char *const gt[] = {"giai", "thich", "tu", "ngu"};
		c->defs = strcmp(t->fold, gt[c->defs]) == 0 ? c->defs + 1
			  : strcmp(t->fold, gt[0]) == 0   ? 1
							  : 0;
	}
	if ((rc = add_code(c, key, make_key(key, 'u', t->norm, NULL))))
		return c->rc = rc;
	if ((rc = add_code(c, key, make_key(key, 'f', t->fold, NULL))))
		return c->rc = rc;
	if (c->have_prev && !t->brk && (rc = add_code(c, key, make_key(key, 'b', c->prev, t->fold))))
		return c->rc = rc;
	memcpy(c->prev, t->fold, strlen(t->fold) + 1);
	c->have_prev = true;
	/* abbreviation mining on bodies */
	if (!c->title) {
		if (t->fold[0] == 'g' && strcmp(t->fold, "goi") == 0)
			ix->mine_goi = true;
		if (t->upper && t->after_paren)
			mine_alias(ix, t);
		if (t->syllable) {
			int slot = ix->nprev % ALIAS_SCAN;
			memcpy(ix->prev_fold[slot], t->fold, strlen(t->fold) + 1);
			memcpy(ix->prev_norm[slot], t->norm, strlen(t->norm) + 1);
			ix->nprev++;
		} else {
			ix->nprev = 0;
		}
	}
	return 0;
}

/* ---- synonyms mined from the corpus ------------------------------------------ */

typedef struct syn_val {
	uint32_t same, diff; /* mined with this partner, with another one */
	char text[];
} syn_val;

static int mt_push(void *user, const qtok *t)
{
	loa_qa_index *ix = user;
	if (ix->mt.len >= LOA_QA_SYN_SCAN / 2)
		return 0;
	mtok m;
	memcpy(m.norm, t->norm, strlen(t->norm) + 1);
	memcpy(m.fold, t->fold, strlen(t->fold) + 1);
	m.gap = t->gap;
	m.syl = t->syllable;
	m.upper = t->upper;
	m.num = t->type == LOA_TOK_NUMBER;
	return loa_vec_push(&ix->mt, m);
}

/* Function words that end the defined phrase X (looking back). */
static bool x_stop(const char *norm)
{
	static const char *const w[] = {"của", "về", "cho", "với", "tại", "theo", "trong", "đối",
					"các", "những", "và", "hoặc", "bởi", "từ", "đến", "là",
					"được", "này", "mà", "thì", "một", "nếu", "khi", "do",
					"gồm", "bao", "hay", "như", "việc", "tới", "vào", "giữa",
					"ở", "trên", "dưới", "nơi", "bên", NULL};
	for (int i = 0; w[i]; i++)
		if (strcmp(norm, w[i]) == 0)
			return true;
	return false;
}

/* "w1 w2 ..." of tokens [a, b) (fold or norm); 0 when too long. */
static size_t mt_join(const mtok *t, size_t a, size_t b, bool fold, char *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = a; i < b; i++) {
		const char *w = fold ? t[i].fold : t[i].norm;
		size_t k = strlen(w);
		if (n + k + 2 > cap)
			return 0;
		if (i > a)
			out[n++] = ' ';
		memcpy(out + n, w, k);
		n += k;
	}
	out[n] = '\0';
	return n;
}

static void syn_put(loa_qa_index *ix, const char *key, size_t kn, const char *val)
{
	syn_val *v = loa_map_get(&ix->syns, key, kn);
	if (v) {
		if (strcmp(v->text, val) == 0)
			v->same++;
		else
			v->diff++;
		return;
	}
	if (ix->syns.count >= 2 * LOA_QA_SYN_MAX)
		return;
	size_t vn = strlen(val);
	v = malloc(sizeof *v + vn + 1);
	if (!v)
		return;
	v->same = 1;
	v->diff = 0;
	memcpy(v->text, val, vn + 1);
	if (loa_map_set(&ix->syns, key, kn, v))
		free(v);
}

#define SYN_BYTES 100
#define MT_ANY (GAP_PUNCT | GAP_NL)

/* X ends before token e: back over syllables to punctuation or a
 * function word; the start in *a. False when unbounded or under 2 words. */
static bool mine_x(const mtok *t, size_t e, size_t *a)
{
	size_t i = e;
	bool bounded = false;
	while (i > 0) {
		const mtok *w = &t[i - 1];
		if (!w->syl || x_stop(w->norm)) {
			bounded = true;
			break;
		}
		if (e - i == LOA_QA_SYN_WORDS)
			break;
		i--;
		if (w->gap & MT_ANY) {
			bounded = true;
			break;
		}
	}
	if (i == 0)
		bounded = true;
	*a = i;
	return bounded && e - i >= 2;
}

/* X of a name Y = [ya, yb) defined after token e: when Y's first word
 * starts a longer phrase just before (same sentence, SYN_ANCHOR tokens), Y
 * shortens it ("Tòa án nhân dân (sau đây gọi là Tòa án)"): that is X if
 * short enough (else none); otherwise mine_x. */
#define SYN_ANCHOR 16
static bool mine_named_x(const mtok *t, size_t e, size_t ya, size_t yb, size_t *a)
{
	for (size_t k = e; k-- > 0 && e - k <= SYN_ANCHOR;) {
		if (strcmp(t[k].fold, t[ya].fold) == 0 && e - k > yb - ya) {
			*a = k;
			return e - k <= LOA_QA_SYN_WORDS;
		}
		if (t[k].gap & (GAP_STOP | GAP_NL))
			break;
	}
	return mine_x(t, e, a);
}

/* Y starts at token s and runs to punctuation that has one of the gap
 * bits `end` (the end of the text counts); its end in *b. */
static bool mine_y(const mtok *t, size_t n, size_t s, unsigned end, size_t *b)
{
	size_t i = s;
	while (i < n && i - s <= LOA_QA_SYN_WORDS && (i == s || !(t[i].gap & MT_ANY)))
		i++;
	*b = i;
	return i > s && i - s <= LOA_QA_SYN_WORDS && (i == n || (t[i].gap & end));
}

static void mine_pair(loa_qa_index *ix, const mtok *t, size_t xa, size_t xb, size_t ya,
		      size_t yb)
{
	char xf[SYN_BYTES + 1], xn[SYN_BYTES + 1], yf[SYN_BYTES + 1], yn[SYN_BYTES + 1];
	size_t nxf = mt_join(t, xa, xb, true, xf, sizeof xf);
	size_t nyf = mt_join(t, ya, yb, true, yf, sizeof yf);
	if (!nxf || !nyf || !mt_join(t, xa, xb, false, xn, sizeof xn) ||
	    !mt_join(t, ya, yb, false, yn, sizeof yn) || strcmp(xf, yf) == 0)
		return;
	if (yb - ya == 1) { /* "(sau đây gọi là NSDLĐ)": an abbreviation of X */
		bool abbr = t[ya].upper && nyf >= 2 && nyf <= 8;
		for (size_t i = 0; i < nyf && abbr; i++)
			abbr = yf[i] >= 'a' && yf[i] <= 'z';
		if (abbr && !loa_map_has(&ix->aliases, yf, nyf) &&
		    ix->aliases.count < LOA_QA_SYN_MAX) {
			char *v = strdup(xn);
			if (v && loa_map_set(&ix->aliases, yf, nyf, v))
				free(v);
		}
		return;
	}
	static const char *const desc[] = {"việc", "hoạt", "quá", "sự", "loại", "loài", "các",
					   "những", "tập", "nơi", "văn", "một", NULL};
	for (int i = 0; desc[i]; i++)
		if (strcmp(t[ya].norm, desc[i]) == 0)
			return; /* "X là việc/hoạt động/quá trình ...": a description */
	syn_put(ix, yf, nyf, xn);
	syn_put(ix, xf, nxf, yn);
}

static bool mt_is(const mtok *t, size_t n, size_t i, const char *fold)
{
	return i < n && strcmp(t[i].fold, fold) == 0 && !(t[i].gap & MT_ANY);
}

/* Mines the defined terms of one article's body (defs: its title is
 * "Giải thích từ ngữ"). Y must end the parenthesis, or in a definition
 * the sentence (a comma there starts a list: "X là A, B và C"). */
static void mine_synonyms(loa_qa_index *ix, const char *body, size_t n, bool defs)
{
	if (n > LOA_QA_SYN_SCAN) {
		n = LOA_QA_SYN_SCAN;
		while (n > 0 && ((unsigned char)body[n] & 0xC0) == 0x80)
			n--;
	}
	ix->mt.len = 0;
	if (each_token(body, n, mt_push, ix))
		return;
	const mtok *t = ix->mt.items;
	size_t nt = ix->mt.len;
	for (size_t i = 0; i < nt; i++) {
		size_t xa, yb, j;
		/* "X (sau đây gọi [tắt] là Y)", "(sau đây viết tắt là Y)"; not "gọi
		 * chung là" (a collective name: X is a list, seldom a phrase) */
		if ((t[i].gap & GAP_OPEN) && strcmp(t[i].fold, "sau") == 0 && mt_is(t, nt, i + 1, "day") &&
		    (mt_is(t, nt, i + 2, "goi") || mt_is(t, nt, i + 2, "viet"))) {
			j = i + 3;
			if (mt_is(t, nt, j, "chung"))
				continue;
			if (mt_is(t, nt, j, "tat"))
				j++;
			if (mt_is(t, nt, j, "la") && mine_y(t, nt, j + 1, GAP_CLOSE, &yb) &&
			    mine_named_x(t, i, j + 1, yb, &xa))
				mine_pair(ix, t, xa, i, j + 1, yb);
			continue;
		}
		/* "X, còn gọi là Y", "X hay còn gọi là Y" */
		if (strcmp(t[i].fold, "con") == 0 && mt_is(t, nt, i + 1, "goi") &&
		    mt_is(t, nt, i + 2, "la")) {
			size_t e = i;
			if (i > 0 && !(t[i].gap & MT_ANY) && strcmp(t[i - 1].norm, "hay") == 0)
				e = i - 1;
			if (e > 0 && (e < i || (t[i].gap & MT_ANY)) && mine_y(t, nt, i + 3, MT_ANY, &yb) &&
			    mine_named_x(t, e, i + 3, yb, &xa))
				mine_pair(ix, t, xa, e, i + 3, yb);
			continue;
		}
		/* "1. X là Y, ..." in "Giải thích từ ngữ" */
		if (defs && t[i].num && (t[i].gap & GAP_NL)) {
			size_t k = i + 1;
			while (k < nt && k - i <= LOA_QA_SYN_WORDS + 1 && t[k].syl &&
			       (k == i + 1 || !(t[k].gap & MT_ANY)) && strcmp(t[k].norm, "là") != 0)
				k++;
			if (k < nt && k - (i + 1) >= 2 && k - (i + 1) <= LOA_QA_SYN_WORDS &&
			    strcmp(t[k].norm, "là") == 0 && !(t[k].gap & MT_ANY) &&
			    mine_y(t, nt, k + 1, GAP_STOP | GAP_NL, &yb) && yb - (k + 1) >= 2)
				mine_pair(ix, t, i + 1, k, k + 1, yb);
		}
	}
}

#define SYN_DF_SHARE 0.01
#define SYN_DF_MIN 50

/* The df of the rarest folded word pair of phrase k ("w1 w2 ..."). */
static uint32_t phrase_df(const loa_qa_index *ix, const char *k, size_t kn)
{
	uint32_t best = UINT32_MAX;
	size_t a = 0;
	while (a < kn) {
		size_t b = a;
		while (b < kn && k[b] != ' ')
			b++;
		if (b >= kn)
			break;
		size_t c = b + 1;
		while (c < kn && k[c] != ' ')
			c++;
		char key[KEY_MAX + 2];
		if (c - a + 1 > KEY_MAX)
			return 0;
		key[0] = 'b';
		memcpy(key + 1, k + a, c - a);
		void *id = loa_map_get(&ix->terms, key, c - a + 1);
		uint32_t df = id ? ix->tv.items[(uintptr_t)id - 1].df : 0;
		if (df < best)
			best = df;
		a = b + 1;
	}
	return best == UINT32_MAX ? 0 : best;
}

/* Drops the phrases mined with other partners at least as often, and the
 * common ones. */
static int syn_finish(loa_qa_index *ix)
{
	LOA_VEC(char *) drop = {0};
	size_t it = 0;
	loa_map_entry *e;
	int rc = LOA_OK;
	/* a phrase whose rarest word pair is in more than SYN_DF_SHARE of the
	 * articles (and SYN_DF_MIN) is too common to expand */
	double df_max = SYN_DF_SHARE * (double)ix->docs.len;
	if (df_max < SYN_DF_MIN)
		df_max = SYN_DF_MIN;
	while (loa_map_next(&ix->syns, &it, &e)) {
		const syn_val *v = e->value;
		if (v->diff >= v->same || phrase_df(ix, e->key, e->klen) > df_max) {
			char *k = malloc(e->klen + 1);
			if (!k || loa_vec_push(&drop, k)) {
				free(k);
				rc = LOA_ENOMEM;
				break;
			}
			memcpy(k, e->key, e->klen);
			k[e->klen] = '\0';
		}
	}
	if (loa_log_get_level() <= LOA_LOG_DEBUG) {
		it = 0;
		while (loa_map_next(&ix->syns, &it, &e)) {
			const syn_val *v = e->value;
			loa_debug("qa.synonym", "phrase=\"%.*s\" partner=\"%s\" same=%u diff=%u",
				  (int)e->klen, e->key, v->text, v->same, v->diff);
		}
	}
	for (size_t i = 0; i < drop.len; i++) {
		loa_map_del(&ix->syns, drop.items[i], strlen(drop.items[i]));
		free(drop.items[i]);
	}
	loa_vec_release(&drop);
	return rc;
}

static const char *fold_phrase(const char *s, char *out, size_t cap)
{
	loa_buf b;
	loa_buf_init(&b, cap - 1);
	const char *r = NULL;
	if (loa_text_normalize(s, strlen(s), LOA_NORM_MATCH | LOA_NORM_FOLD, &b) == LOA_OK && b.len) {
		/* collapse runs of spaces and trim */
		size_t n = 0;
		for (size_t i = 0; i < b.len; i++) {
			char ch = b.data[i];
			if (ch == ' ' && (n == 0 || out[n - 1] == ' '))
				continue;
			out[n++] = ch;
		}
		while (n && out[n - 1] == ' ')
			n--;
		out[n] = '\0';
		r = out;
	}
	loa_buf_release(&b);
	return r;
}

const char *loa_qa_index_synonym(const loa_qa_index *ix, const char *phrase)
{
	char k[4 * SYN_BYTES];
	if (!fold_phrase(phrase, k, sizeof k))
		return NULL;
	const syn_val *v = loa_map_get(&ix->syns, k, strlen(k));
	return v ? v->text : NULL;
}

const char *loa_qa_index_alias(const loa_qa_index *ix, const char *abbr)
{
	char k[4 * SYN_BYTES];
	if (!fold_phrase(abbr, k, sizeof k))
		return NULL;
	return loa_map_get(&ix->aliases, k, strlen(k));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int text_put(loa_qa_index *ix, const char *s, size_t n, uint64_t *off)
{
	if (ix->text_len + n + 1 > ix->text_cap) {
		size_t nc = ix->text_cap ? ix->text_cap : 1 << 16;
		while (nc < ix->text_len + n + 1)
			nc *= 2;
		char *q = realloc(ix->text, nc);
		if (!q)
			return LOA_ENOMEM;
		ix->text = q;
		ix->text_cap = nc;
	}
	*off = ix->text_len;
	memcpy(ix->text + ix->text_len, s, n);
	ix->text[ix->text_len + n] = '\0';
	ix->text_len += n + 1;
	return LOA_OK;
}

static char *fold_words(const char *s)
{
	/* " w1 w2 " of the folded words of s */
	loa_buf b;
	loa_buf_init(&b, 64 * 1024);
	loa_buf_putc(&b, ' ');
	loa_buf norm;
	loa_buf_init(&norm, 64 * 1024);
	if (loa_text_normalize(s, strlen(s), LOA_NORM_MATCH | LOA_NORM_FOLD, &norm) == LOA_OK &&
	    norm.len) {
		for (size_t i = 0; i < norm.len; i++) {
			unsigned char ch = (unsigned char)norm.data[i];
			bool word = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80;
			if (word)
				loa_buf_putc(&b, (char)ch);
			else if (b.len && b.data[b.len - 1] != ' ')
				loa_buf_putc(&b, ' ');
		}
	}
	if (b.data[b.len - 1] != ' ')
		loa_buf_putc(&b, ' ');
	loa_buf_release(&norm);
	return loa_buf_detach(&b, NULL);
}

static int law_id(loa_qa_index *ix, const char *law, uint32_t *out)
{
	if (!law)
		law = "";
	size_t n = strlen(law);
	void *v = loa_map_get(&ix->law_ids, law, n);
	if (v) {
		*out = (uint32_t)((uintptr_t)v - 1);
		return LOA_OK;
	}
	law_rec r = {strdup(law), fold_words(law)};
	if (!r.name || !r.fold || loa_vec_push(&ix->laws, r)) {
		free(r.name);
		free(r.fold);
		return LOA_ENOMEM;
	}
	*out = (uint32_t)(ix->laws.len - 1);
	return loa_map_set(&ix->law_ids, law, n, (void *)(uintptr_t)(*out + 1));
}

int loa_qa_index_add(loa_qa_index *ix, int64_t key, const char *law, const char *title,
		     size_t title_len, const char *body, size_t body_len, int32_t from_day,
		     int32_t to_day, uint32_t *doc, loa_err *err)
{
	if (ix->finished)
		return loa_err_set(err, LOA_EINVAL, "index already finished");
	if (title_len > LOA_QA_TEXT_MAX || body_len > LOA_QA_TEXT_MAX)
		return loa_err_set(err, LOA_ETOOBIG, "điều luật quá dài / article too long (%zu bytes)",
				   title_len + body_len);
	if (ix->docs.len >= UINT32_MAX - 1)
		return loa_err_set(err, LOA_ETOOBIG, "quá nhiều điều / too many articles");
	doc_rec d = {.key = key, .from = from_day, .to = to_day};
	int rc;
	if ((rc = law_id(ix, law, &d.law)) || (rc = text_put(ix, title, title_len, &d.title_off)) ||
	    (rc = text_put(ix, body, body_len, &d.body_off)))
		return loa_err_set(err, rc, "hết bộ nhớ / out of memory");
	d.title_bytes = (uint32_t)title_len;
	d.body_bytes = (uint32_t)body_len;
	uint32_t docno = (uint32_t)ix->docs.len;
	ix->codes.len = 0;
	add_ctx c = {.ix = ix, .title = true};
	ix->nprev = 0;
	each_token(title, title_len, add_tok, &c);
	d.title_len = c.ntok;
	c.title = false;
	c.ntok = 0;
	c.have_prev = false;
	ix->nprev = 0;
	/* body: tokens, with the "(" tracking for abbreviation mining */
	each_token(body, body_len, add_tok, &c);
	d.body_len = c.ntok;
	if (c.rc)
		return loa_err_set(err, c.rc, "hết bộ nhớ / out of memory");
	if (ix->mine_goi || c.defs == 4)
		mine_synonyms(ix, body, body_len, c.defs == 4);
	ix->mine_goi = false;
	if (loa_vec_push(&ix->docs, d))
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	/* postings: group codes by term */
	qsort(ix->codes.items, ix->codes.len, sizeof(uint64_t), cmp_u64);
	for (size_t i = 0; i < ix->codes.len;) {
		uint32_t id = (uint32_t)(ix->codes.items[i] >> 1);
		uint32_t tfb = 0, tft = 0;
		while (i < ix->codes.len && (uint32_t)(ix->codes.items[i] >> 1) == id) {
			if (ix->codes.items[i] & 1)
				tft++;
			else
				tfb++;
			i++;
		}
		term *t = &ix->tv.items[id];
		uint32_t gap = t->last == UINT32_MAX ? docno : docno - t->last;
		uint8_t tmp[32];
		size_t n = put_varint(tmp, ((uint64_t)gap << 1) | (tft ? 1u : 0u));
		n += put_varint(tmp + n, tfb);
		if (tft)
			n += put_varint(tmp + n, tft);
		if ((rc = term_put(t, tmp, n)))
			return loa_err_set(err, rc, "hết bộ nhớ / out of memory");
		t->last = docno;
		t->df++;
		ix->postings++;
		ix->posting_bytes += n;
	}
	if (doc)
		*doc = docno;
	return LOA_OK;
}

/* BM25F's pseudo term frequency of one posting (title and body, each
 * length-normalised); the search and the bounds use this one expression. */
static inline double bm_tf(const loa_qa_params *p, const doc_norm *dn, uint32_t tfb, uint32_t tft)
{
	double tf = (double)tfb * dn->body;
	if (tft)
		tf += p->w_title * tft * (double)dn->title;
	return tf;
}

static int norms_compute(loa_qa_index *ix)
{
	const loa_qa_params *p = &ix->p;
	if (!ix->norms) {
		ix->norms = malloc((ix->docs.len ? ix->docs.len : 1) * sizeof *ix->norms);
		if (!ix->norms)
			return LOA_ENOMEM;
	}
	for (size_t i = 0; i < ix->docs.len; i++) {
		const doc_len *dl = &ix->lens[i];
		ix->norms[i].body =
			(float)(1.0 / (1.0 - p->b_body + p->b_body * dl->body / ix->avg_body));
		ix->norms[i].title =
			(float)(1.0 / (1.0 - p->b_title + p->b_title * dl->title / ix->avg_title));
	}
	return LOA_OK;
}

static float round_up(double v)
{
	float f = (float)v;
	if ((double)f < v)
		f = nextafterf(f, INFINITY);
	return f;
}

/* Per term: the blocks (skip offsets, last documents) and the largest
 * saturation tf/(k1+tf), overall and per block, under the current
 * parameters. Allocates the blocks the first time only. Decoding is
 * bounded: a posting list that runs past its end, names a document out of
 * range or holds more postings than its df gives LOA_EPARSE (a damaged
 * saved index whose parameters differ from the saved ones). */
static int bounds_compute(loa_qa_index *ix)
{
	const loa_qa_params *p = &ix->p;
	if (!ix->lens) {
		ix->lens = malloc((ix->docs.len ? ix->docs.len : 1) * sizeof *ix->lens);
		if (!ix->lens)
			return LOA_ENOMEM;
		for (size_t i = 0; i < ix->docs.len; i++) {
			ix->lens[i].body = ix->docs.items[i].body_len;
			ix->lens[i].title = ix->docs.items[i].title_len;
		}
	}
	if (norms_compute(ix))
		return LOA_ENOMEM;
	for (size_t i = 0; i < ix->tv.len; i++) {
		term *t = &ix->tv.items[i];
		if (t->df > BLOCK && !t->bl) {
			t->nblk = (t->df + BLOCK - 1) / BLOCK;
			t->bl = malloc(t->nblk * sizeof *t->bl);
			if (!t->bl) {
				t->nblk = 0;
				return LOA_ENOMEM;
			}
		}
		const uint8_t *pp = t->p, *end = t->p + t->len;
		uint32_t d = 0, k = 0;
		double tmax = 0, bmax = 0;
		while (pp < end) {
			if (t->bl && k % BLOCK == 0) {
				if (k) {
					t->bl[k / BLOCK - 1].last = d;
					t->bl[k / BLOCK - 1].max = round_up(bmax);
				}
				t->bl[k / BLOCK].off = (uint32_t)(pp - t->p);
				bmax = 0;
			}
			if (k >= t->df || !varint_ok(pp, end))
				return LOA_EPARSE;
			uint32_t g = get_varint(&pp);
			if (!varint_ok(pp, end))
				return LOA_EPARSE;
			uint32_t tfb = get_varint(&pp), tft = 0;
			if (g & 1) {
				if (!varint_ok(pp, end))
					return LOA_EPARSE;
				tft = get_varint(&pp);
			}
			if ((uint64_t)d + (g >> 1) >= ix->docs.len)
				return LOA_EPARSE;
			d += g >> 1;
			double tf = bm_tf(p, &ix->norms[d], tfb, tft);
			double sat = tf / (p->k1 + tf);
			if (sat > bmax)
				bmax = sat;
			if (sat > tmax)
				tmax = sat;
			k++;
		}
		if (t->bl && k) {
			t->bl[(k - 1) / BLOCK].last = d;
			t->bl[(k - 1) / BLOCK].max = round_up(bmax);
		}
		t->max = round_up(tmax);
	}
	return LOA_OK;
}

int loa_qa_index_finish(loa_qa_index *ix, loa_err *err)
{
	double st = 0, sb = 0;
	for (size_t i = 0; i < ix->docs.len; i++) {
		st += ix->docs.items[i].title_len;
		sb += ix->docs.items[i].body_len;
	}
	size_t n = ix->docs.len ? ix->docs.len : 1;
	ix->avg_title = st / (double)n > 0 ? st / (double)n : 1;
	ix->avg_body = sb / (double)n > 0 ? sb / (double)n : 1;
	for (size_t i = 0; i < ix->tv.len; i++) { /* trim */
		term *t = &ix->tv.items[i];
		if (t->cap > t->len && t->len) {
			uint8_t *q = realloc(t->p, t->len);
			if (q) {
				t->p = q;
				t->cap = t->len;
			}
		}
	}
	loa_vec_release(&ix->codes);
	loa_vec_release(&ix->mt);
	int rc = syn_finish(ix);
	if (!rc)
		rc = bounds_compute(ix);
	if (rc)
		return loa_err_set(err, rc, "hết bộ nhớ / out of memory");
	ix->finished = true;
	return LOA_OK;
}

/* ---- the persisted index ------------------------------------------------------ */

#define IX_MAGIC "LOAQAIX"
#define IX_VERSION 1u
#define IX_ENDIAN 0x01020304u

typedef struct ix_head {
	char magic[8];
	uint32_t version, endian, sz_doc, sz_blk, sz_term, pad;
	char key[LOA_QA_INDEX_KEY_MAX];
	double k1, b_title, b_body, w_title; /* the block bounds were computed with these */
	double avg_title, avg_body;
	uint64_t ndocs, nterms, nlaws, text_len, postings, posting_bytes;
	uint64_t off_docs, off_lens, off_text, off_terms, off_post, len_post, off_blk, n_blk;
	uint64_t off_keys, len_keys, off_hash, hash_cap, off_strs, len_strs, nalias, nsyn;
	uint64_t file_size;
} ix_head;

typedef struct ix_term {
	uint64_t p_off, bl_off, key_off;
	uint32_t len, df, nblk, klen;
	float max;
	uint32_t pad;
} ix_term;

static uint32_t term_find(const loa_qa_index *ix, const char *key, size_t n)
{
	if (!ix->hslots) {
		void *v = loa_map_get(&ix->terms, key, n);
		return v ? (uint32_t)((uintptr_t)v - 1) : UINT32_MAX;
	}
	uint64_t m = ix->hcap - 1, h = loa_hash64(key, n) & m;
	for (;;) {
		uint32_t s = ix->hslots[h];
		if (!s)
			return UINT32_MAX;
		const ix_term *d = &ix->dterms[s - 1];
		if (d->klen == n && memcmp(ix->tkeys + d->key_off, key, n) == 0)
			return s - 1;
		h = (h + 1) & m;
	}
}

typedef struct wr {
	FILE *f;
	uint64_t off;
	bool bad;
} wr;

static uint64_t wr_put(wr *w, const void *p, size_t n)
{
	uint64_t at = w->off;
	if (n && fwrite(p, 1, n, w->f) != n)
		w->bad = true;
	w->off += n;
	static const char zero[8];
	size_t pad = (size_t)((8 - w->off % 8) % 8);
	if (pad && fwrite(zero, 1, pad, w->f) != pad)
		w->bad = true;
	w->off += pad;
	return at;
}

static int wr_str(loa_buf *b, const char *s)
{
	return loa_buf_append(b, s, strlen(s) + 1);
}

int loa_qa_index_save(const loa_qa_index *ix, const char *path, const char *key, loa_err *err)
{
	if (!ix->finished)
		return loa_err_set(err, LOA_EINVAL, "index not finished");
	if (strlen(key) >= LOA_QA_INDEX_KEY_MAX)
		return loa_err_set(err, LOA_EINVAL, "index key too long");
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return loa_err_set(err, LOA_EINVAL, "đường dẫn quá dài / path too long: %s", path);
	size_t nt = ix->tv.len;
	ix_term *dt = calloc(nt ? nt : 1, sizeof *dt);
	uint64_t hcap = 16;
	while (hcap < 2 * (uint64_t)nt + 16)
		hcap *= 2;
	uint32_t *slots = calloc(hcap, sizeof *slots);
	loa_buf strs;
	loa_buf_init(&strs, (size_t)1 << 32);
	FILE *f = NULL;
	int rc = LOA_OK;
	if (!dt || !slots) {
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto out;
	}
	f = fopen(tmp, "wb");
	if (!f) {
		rc = loa_err_set(err, LOA_EIO, "không ghi được / cannot write %s", tmp);
		goto out;
	}
	ix_head h;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, IX_MAGIC, sizeof IX_MAGIC);
	h.version = IX_VERSION;
	h.endian = IX_ENDIAN;
	h.sz_doc = sizeof(doc_rec);
	h.sz_blk = sizeof(blk);
	h.sz_term = sizeof(ix_term);
	loa_strlcpy(h.key, key, sizeof h.key);
	h.k1 = ix->p.k1;
	h.b_title = ix->p.b_title;
	h.b_body = ix->p.b_body;
	h.w_title = ix->p.w_title;
	h.avg_title = ix->avg_title;
	h.avg_body = ix->avg_body;
	h.ndocs = ix->docs.len;
	h.nterms = nt;
	h.nlaws = ix->laws.len;
	h.text_len = ix->text_len;
	h.postings = ix->postings;
	h.posting_bytes = ix->posting_bytes;
	wr w = {f, 0, false};
	wr_put(&w, &h, sizeof h);
	h.off_docs = wr_put(&w, ix->docs.items, ix->docs.len * sizeof(doc_rec));
	h.off_lens = wr_put(&w, ix->lens, ix->docs.len * sizeof(doc_len));
	h.off_text = wr_put(&w, ix->text, ix->text_len);
	/* postings and blocks, term by term */
	h.off_post = w.off;
	uint64_t po = 0;
	for (size_t i = 0; i < nt && !w.bad; i++) {
		const term *t = &ix->tv.items[i];
		dt[i].p_off = po;
		dt[i].len = t->len;
		dt[i].df = t->df;
		dt[i].max = t->max;
		if (t->len && fwrite(t->p, 1, t->len, f) != t->len)
			w.bad = true;
		po += t->len;
	}
	w.off += po;
	h.len_post = po;
	wr_put(&w, NULL, 0);
	h.off_blk = w.off;
	uint64_t bo = 0;
	for (size_t i = 0; i < nt && !w.bad; i++) {
		const term *t = &ix->tv.items[i];
		dt[i].bl_off = bo;
		dt[i].nblk = t->bl ? t->nblk : 0;
		if (dt[i].nblk && fwrite(t->bl, sizeof(blk), dt[i].nblk, f) != dt[i].nblk)
			w.bad = true;
		bo += dt[i].nblk;
	}
	w.off += bo * sizeof(blk);
	h.n_blk = bo;
	wr_put(&w, NULL, 0);
	/* keys, and the hash table over them */
	h.off_keys = w.off;
	uint64_t ko = 0;
	size_t it = 0;
	loa_map_entry *e;
	while (loa_map_next(&ix->terms, &it, &e) && !w.bad) {
		uint32_t id = (uint32_t)((uintptr_t)e->value - 1);
		dt[id].key_off = ko;
		dt[id].klen = (uint32_t)e->klen;
		if (fwrite(e->key, 1, e->klen, f) != e->klen)
			w.bad = true;
		ko += e->klen;
		uint64_t s = loa_hash64(e->key, e->klen) & (hcap - 1);
		while (slots[s])
			s = (s + 1) & (hcap - 1);
		slots[s] = id + 1;
	}
	w.off += ko;
	h.len_keys = ko;
	wr_put(&w, NULL, 0);
	h.off_terms = wr_put(&w, dt, nt * sizeof *dt);
	h.hash_cap = hcap;
	h.off_hash = wr_put(&w, slots, hcap * sizeof *slots);
	/* laws, mined abbreviations and synonyms: NUL-terminated strings */
	int sr = 0;
	for (size_t i = 0; i < ix->laws.len; i++) {
		sr |= wr_str(&strs, ix->laws.items[i].name);
		sr |= wr_str(&strs, ix->laws.items[i].fold);
	}
	it = 0;
	while (loa_map_next(&ix->aliases, &it, &e)) {
		sr |= loa_buf_append(&strs, e->key, e->klen);
		sr |= loa_buf_putc(&strs, '\0');
		sr |= wr_str(&strs, e->value);
		h.nalias++;
	}
	it = 0;
	while (loa_map_next(&ix->syns, &it, &e)) {
		sr |= loa_buf_append(&strs, e->key, e->klen);
		sr |= loa_buf_putc(&strs, '\0');
		sr |= wr_str(&strs, ((const syn_val *)e->value)->text);
		h.nsyn++;
	}
	if (sr)
		w.bad = true;
	h.len_strs = strs.len;
	h.off_strs = wr_put(&w, strs.data, strs.len);
	h.file_size = w.off;
	if (w.bad || fseek(f, 0, SEEK_SET) || fwrite(&h, sizeof h, 1, f) != 1)
		w.bad = true;
	if (fclose(f))
		w.bad = true;
	f = NULL;
	if (w.bad || rename(tmp, path)) {
		remove(tmp);
		rc = loa_err_set(err, LOA_EIO, "không ghi được / cannot write %s", path);
	}
out:
	if (f) {
		fclose(f);
		remove(tmp);
	}
	loa_buf_release(&strs);
	free(slots);
	free(dt);
	return rc;
}

static bool in_file(const ix_head *h, uint64_t off, uint64_t n, uint64_t elem)
{
	return off % 8 == 0 && (elem == 0 || n <= h->file_size / elem) && off <= h->file_size &&
	       n * elem <= h->file_size - off;
}

/* The next NUL-terminated string of [*p, end), or NULL. */
static const char *next_str(const char **p, const char *end)
{
	const char *s = *p;
	const char *z = s < end ? memchr(s, '\0', (size_t)(end - s)) : NULL;
	if (!z)
		return NULL;
	*p = z + 1;
	return s;
}

int loa_qa_index_load(const char *path, const char *key, const loa_qa_params *p,
		      loa_qa_index **out, loa_err *err)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return loa_err_set(err, LOA_ENOTFOUND, "không có chỉ mục / no saved index: %s", path);
	struct stat st;
	if (fstat(fd, &st) || st.st_size < (off_t)sizeof(ix_head)) {
		close(fd);
		return loa_err_set(err, LOA_EPARSE, "chỉ mục hỏng / bad index file: %s", path);
	}
	ix_head h;
	if (pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h) {
		close(fd);
		return loa_err_set(err, LOA_EIO, "không đọc được / cannot read %s", path);
	}
	if (memcmp(h.magic, IX_MAGIC, sizeof IX_MAGIC) || h.version != IX_VERSION ||
	    h.endian != IX_ENDIAN || h.sz_doc != sizeof(doc_rec) || h.sz_blk != sizeof(blk) ||
	    h.sz_term != sizeof(ix_term)) {
		close(fd);
		return loa_err_set(err, LOA_EVERSION, "chỉ mục khác phiên bản / other index format: %s",
				   path);
	}
	h.key[sizeof h.key - 1] = '\0';
	if (strcmp(h.key, key) != 0) {
		close(fd);
		return loa_err_set(err, LOA_ENOTFOUND, "chỉ mục đã cũ / stale index: %s", path);
	}
	if (h.file_size != (uint64_t)st.st_size || !in_file(&h, h.off_docs, h.ndocs, sizeof(doc_rec)) ||
	    !in_file(&h, h.off_lens, h.ndocs, sizeof(doc_len)) || !in_file(&h, h.off_text, h.text_len, 1) ||
	    !in_file(&h, h.off_post, h.len_post, 1) || !in_file(&h, h.off_blk, h.n_blk, sizeof(blk)) ||
	    !in_file(&h, h.off_keys, h.len_keys, 1) || !in_file(&h, h.off_terms, h.nterms, sizeof(ix_term)) ||
	    !in_file(&h, h.off_hash, h.hash_cap, sizeof(uint32_t)) || !in_file(&h, h.off_strs, h.len_strs, 1) ||
	    h.hash_cap == 0 || (h.hash_cap & (h.hash_cap - 1)) || h.hash_cap <= h.nterms ||
	    h.ndocs >= UINT32_MAX || h.nterms >= UINT32_MAX || (h.text_len && h.off_text + h.text_len > h.file_size)) {
		close(fd);
		return loa_err_set(err, LOA_EPARSE, "chỉ mục hỏng / bad index file: %s", path);
	}
	void *map = mmap(NULL, (size_t)h.file_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return loa_err_set(err, LOA_EIO, "không đọc được / cannot map %s", path);
	const char *base = map;
	loa_qa_index *ix;
	loa_qa_params fp = *p;
	fp.k1 = h.k1;
	fp.b_title = h.b_title;
	fp.b_body = h.b_body;
	fp.w_title = h.w_title;
	int rc = loa_qa_index_new(&fp, &ix, err);
	if (rc) {
		munmap(map, (size_t)h.file_size);
		return rc;
	}
	ix->map = map;
	ix->map_len = (size_t)h.file_size;
	ix->docs.items = (doc_rec *)(uintptr_t)(base + h.off_docs);
	ix->docs.len = (size_t)h.ndocs;
	ix->lens = (doc_len *)(uintptr_t)(base + h.off_lens);
	ix->text = (char *)(uintptr_t)(base + h.off_text);
	ix->text_len = ix->text_cap = (size_t)h.text_len;
	ix->avg_title = h.avg_title;
	ix->avg_body = h.avg_body;
	ix->postings = h.postings;
	ix->posting_bytes = h.posting_bytes;
	ix->dterms = (const ix_term *)(const void *)(base + h.off_terms);
	ix->tkeys = base + h.off_keys;
	ix->hslots = (const uint32_t *)(const void *)(base + h.off_hash);
	ix->hcap = h.hash_cap;
	blk *blocks = (blk *)(uintptr_t)(base + h.off_blk);
	rc = loa_vec_reserve(&ix->tv, (size_t)h.nterms);
	for (size_t i = 0; i < h.nterms && !rc; i++) {
		const ix_term *d = &ix->dterms[i];
		if (d->p_off > h.len_post || d->len > h.len_post - d->p_off || d->bl_off > h.n_blk ||
		    d->nblk > h.n_blk - d->bl_off || d->key_off > h.len_keys ||
		    d->klen > h.len_keys - d->key_off || (d->df > BLOCK) != (d->nblk > 0) ||
		    (d->nblk && d->nblk != (d->df + BLOCK - 1) / BLOCK)) {
			rc = LOA_EPARSE;
			break;
		}
		term t = {.p = (uint8_t *)(uintptr_t)(base + h.off_post + d->p_off),
			  .len = d->len, .cap = d->len, .df = d->df, .last = UINT32_MAX,
			  .nblk = d->nblk, .max = d->max, .bl = d->nblk ? blocks + d->bl_off : NULL};
		ix->tv.items[ix->tv.len++] = t;
	}
	for (uint64_t i = 0; i < h.hash_cap && !rc; i++)
		if (ix->hslots[i] > h.nterms)
			rc = LOA_EPARSE;
	for (uint64_t i = 0; i < h.ndocs && !rc; i++) {
		const doc_rec *d = &ix->docs.items[i];
		if (d->law >= h.nlaws || d->title_off + d->title_bytes >= h.text_len + (h.text_len == 0) ||
		    d->body_off + d->body_bytes >= h.text_len + (h.text_len == 0))
			rc = LOA_EPARSE;
	}
	/* laws, abbreviations, synonyms */
	const char *sp = base + h.off_strs, *se = sp + h.len_strs;
	for (uint64_t i = 0; i < h.nlaws && !rc; i++) {
		const char *name = next_str(&sp, se), *fold = next_str(&sp, se);
		if (!name || !fold) {
			rc = LOA_EPARSE;
			break;
		}
		law_rec r = {strdup(name), strdup(fold)};
		if (!r.name || !r.fold || loa_vec_push(&ix->laws, r)) {
			free(r.name);
			free(r.fold);
			rc = LOA_ENOMEM;
		}
	}
	for (uint64_t i = 0; i < h.nalias + h.nsyn && !rc; i++) {
		const char *k = next_str(&sp, se), *v = next_str(&sp, se);
		if (!k || !v) {
			rc = LOA_EPARSE;
			break;
		}
		size_t vn = strlen(v);
		if (i < h.nalias) {
			char *c = strdup(v);
			if (!c || loa_map_set(&ix->aliases, k, strlen(k), c)) {
				free(c);
				rc = LOA_ENOMEM;
			}
		} else {
			syn_val *sv = malloc(sizeof *sv + vn + 1);
			if (!sv) {
				rc = LOA_ENOMEM;
				break;
			}
			sv->same = 1;
			sv->diff = 0;
			memcpy(sv->text, v, vn + 1);
			if (loa_map_set(&ix->syns, k, strlen(k), sv)) {
				free(sv);
				rc = LOA_ENOMEM;
			}
		}
	}
	if (rc) {
		loa_qa_index_free(ix);
		return loa_err_set(err, rc, "chỉ mục hỏng / bad index file: %s", path);
	}
	if (norms_compute(ix)) {
		loa_qa_index_free(ix);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	ix->finished = true;
	bool bm25 = p && (p->k1 != ix->p.k1 || p->b_title != ix->p.b_title || p->b_body != ix->p.b_body ||
			  p->w_title != ix->p.w_title);
	if (p)
		ix->p = *p;
	if (bm25 && (rc = bounds_compute(ix)) != LOA_OK) { /* other BM25 parameters: the bounds again */
		loa_qa_index_free(ix);
		return rc == LOA_ENOMEM ? loa_err_set(err, rc, "hết bộ nhớ / out of memory")
					: loa_err_set(err, LOA_EPARSE, "chỉ mục hỏng / bad index file: %s", path);
	}
	*out = ix;
	return LOA_OK;
}

/* ---- questions ---------------------------------------------------------------- */

typedef struct qlist {
	qtok *t;
	size_t n, cap;
	bool over;
} qlist;

static int q_push(void *user, const qtok *t)
{
	qlist *l = user;
	if (l->n == l->cap) {
		if (l->cap >= LOA_QA_QTERMS_MAX * 4) {
			l->over = true;
			return 0;
		}
		size_t nc = l->cap ? l->cap * 2 : 32;
		qtok *q = realloc(l->t, nc * sizeof *q);
		if (!q)
			return LOA_ENOMEM;
		l->t = q;
		l->cap = nc;
	}
	l->t[l->n++] = *t;
	return 0;
}

typedef struct qword {
	char norm[TERM_MAX + 1], fold[TERM_MAX + 1];
	size_t start, end; /* in the original question; 0,0 for expansions */
	bool brk, drop;
	bool syn; /* added from a mined synonym (weight w_syn) */
} qword;

typedef struct qparse {
	qword w[LOA_QA_QTERMS_MAX];
	size_t n;
	bool folded;
} qparse;

static void qp_add(qparse *qp, const qtok *t, bool brk)
{
	if (qp->n >= LOA_QA_QTERMS_MAX)
		return;
	qword *w = &qp->w[qp->n++];
	memcpy(w->norm, t->norm, sizeof w->norm);
	memcpy(w->fold, t->fold, sizeof w->fold);
	w->start = t->start;
	w->end = t->end;
	w->brk = brk;
	w->drop = false;
	w->syn = false;
}

typedef struct phr {
	char w[8][32], f[8][32];
	size_t n;
} phr;

static phr stops[64];
static size_t nstop;
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

static int phr_push(void *user, const qtok *t)
{
	phr *p = user;
	if (p->n < 8 && strlen(t->norm) < 32 && strlen(t->fold) < 32) {
		memcpy(p->w[p->n], t->norm, strlen(t->norm) + 1);
		memcpy(p->f[p->n], t->fold, strlen(t->fold) + 1);
		p->n++;
	}
	return 0;
}

static char abbr_fold[80][24];

static void stop_init(void)
{
	for (size_t i = 0; abbreviations[i] && i / 2 < 80; i += 2) {
		loa_buf b;
		loa_buf_init(&b, sizeof abbr_fold[0] - 1);
		const char *k = abbreviations[i];
		if (loa_text_normalize(k, strlen(k), LOA_NORM_MATCH | LOA_NORM_FOLD, &b) == LOA_OK &&
		    b.len)
			memcpy(abbr_fold[i / 2], b.data, b.len + 1);
		loa_buf_release(&b);
	}
	for (size_t k = 0; stop_phrases[k] && nstop < sizeof stops / sizeof stops[0]; k++) {
		phr *p = &stops[nstop];
		p->n = 0;
		each_token(stop_phrases[k], strlen(stop_phrases[k]), phr_push, p);
		if (p->n)
			nstop++;
	}
}

static const char *alias_of(const loa_qa_index *ix, const char *fold)
{
	for (size_t i = 0; abbreviations[i] && i / 2 < 80; i += 2)
		if (strcmp(abbr_fold[i / 2], fold) == 0)
			return abbreviations[i + 1];
	if (ix)
		return loa_map_get(&ix->aliases, fold, strlen(fold));
	return NULL;
}

#define SYN_EXP_MAX 4 /* synonym expansions per question */

/* Appends the mined partners of the question's phrases (longest first,
 * kept words only) as words marked syn. */
static void expand_synonyms(const loa_qa_index *ix, qparse *qp)
{
	size_t n0 = qp->n, nexp = 0;
	for (size_t i = 0; i < n0 && nexp < SYN_EXP_MAX; i++) {
		if (qp->w[i].drop)
			continue;
		for (size_t len = LOA_QA_SYN_WORDS; len >= 2; len--) {
			if (i + len > n0)
				continue;
			char k[LOA_QA_SYN_WORDS * (TERM_MAX + 1) + 1];
			size_t kn = 0;
			bool ok = true;
			for (size_t j = i; j < i + len && ok; j++) {
				const qword *w = &qp->w[j];
				if (w->drop || (j > i && w->brk)) {
					ok = false;
					break;
				}
				size_t wn = strlen(w->fold);
				if (j > i)
					k[kn++] = ' ';
				memcpy(k + kn, w->fold, wn);
				kn += wn;
			}
			if (!ok)
				continue;
			k[kn] = '\0';
			const syn_val *v = loa_map_get(&ix->syns, k, kn);
			if (!v)
				continue;
			qlist e = {0};
			if (each_token(v->text, strlen(v->text), q_push, &e) == 0)
				for (size_t j = 0; j < e.n && qp->n < LOA_QA_QTERMS_MAX; j++) {
					qp_add(qp, &e.t[j], j == 0);
					qp->w[qp->n - 1].syn = true;
					qp->w[qp->n - 1].start = qp->w[qp->n - 1].end = 0;
				}
			free(e.t);
			loa_debug("qa.expand", "phrase=\"%s\" partner=\"%s\"", k, v->text);
			nexp++;
			i += len - 1;
			break;
		}
	}
}

static int parse_question(const loa_qa_index *ix, const char *q, size_t qn, qparse *qp,
			  loa_err *err)
{
	if (qn > LOA_QA_QUERY_MAX)
		return loa_err_set(err, LOA_ETOOBIG, "câu hỏi quá dài / question too long (%zu > %d bytes)",
				   qn, LOA_QA_QUERY_MAX);
	qlist l = {0};
	int rc = each_token(q, qn, q_push, &l);
	if (rc) {
		free(l.t);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	pthread_once(&stop_once, stop_init);
	qp->n = 0;
	size_t syl = 0, dia = 0;
	for (size_t i = 0; i < l.n; i++) {
		const qtok *t = &l.t[i];
		if (t->syllable) {
			syl++;
			dia += t->diacritic;
		}
		const char *exp = NULL;
		if (t->upper || (!t->syllable && t->type != LOA_TOK_NUMBER))
			exp = alias_of(ix, t->fold);
		if (exp) {
			qlist e = {0};
			if (each_token(exp, strlen(exp), q_push, &e) == 0)
				for (size_t j = 0; j < e.n; j++)
					qp_add(qp, &e.t[j], j == 0 ? t->brk : false);
			free(e.t);
			continue; /* expansions do not decide whether the user types marks */
		}
		qp_add(qp, t, t->brk);
	}
	free(l.t);
	qp->folded = syl > 0 && dia * 5 < syl; /* under 20% of syllables carry marks */
	/* drop question phrasing */
	pthread_once(&stop_once, stop_init);
	for (size_t i = 0; i < qp->n; i++) {
		for (size_t k = 0; k < nstop; k++) {
			const phr *p = &stops[k];
			if (p->n == 0 || i + p->n > qp->n)
				continue;
			bool m = true;
			for (size_t j = 0; j < p->n && m; j++) {
				const qword *w = &qp->w[i + j];
				m = strcmp(qp->folded ? p->f[j] : p->w[j], qp->folded ? w->fold : w->norm) == 0;
				if (j > 0 && w->brk)
					m = false;
			}
			if (m) {
				for (size_t j = 0; j < p->n; j++)
					qp->w[i + j].drop = true;
				if (i + p->n < qp->n)
					qp->w[i + p->n].brk = true;
				i += p->n - 1;
				break;
			}
		}
	}
	if (ix && ix->p.w_syn > 0 && ix->syns.count)
		expand_synonyms(ix, qp);
	return LOA_OK;
}

int loa_qa_rewrite(const loa_qa_index *ix, const char *q, size_t qn, loa_buf *out, bool *folded)
{
	qparse *qp = malloc(sizeof *qp);
	if (!qp)
		return LOA_ENOMEM;
	int rc = parse_question(ix, q, qn, qp, NULL);
	bool first = true;
	for (size_t i = 0; i < qp->n && !rc; i++) {
		if (qp->w[i].drop || qp->w[i].syn)
			continue;
		if (!first)
			rc = loa_buf_putc(out, ' ');
		if (!rc)
			rc = loa_buf_puts(out, qp->folded ? qp->w[i].fold : qp->w[i].norm);
		first = false;
	}
	if (folded)
		*folded = qp->folded;
	free(qp);
	return rc;
}

/* ---- search -------------------------------------------------------------------- */

struct loa_qa_scratch {
	float *acc;
	uint32_t *touched;
	size_t cap, ntouched;
};

loa_qa_scratch *loa_qa_scratch_new(void)
{
	return calloc(1, sizeof(loa_qa_scratch));
}

void loa_qa_scratch_free(loa_qa_scratch *s)
{
	if (!s)
		return;
	free(s->acc);
	free(s->touched);
	free(s);
}

static int scratch_fit(loa_qa_scratch *s, size_t n)
{
	if (s->cap >= n)
		return LOA_OK;
	free(s->acc);
	free(s->touched);
	s->acc = calloc(n ? n : 1, sizeof *s->acc);
	s->touched = malloc((n ? n : 1) * sizeof *s->touched);
	if (!s->acc || !s->touched) {
		free(s->acc);
		free(s->touched);
		s->acc = NULL;
		s->touched = NULL;
		s->cap = 0;
		return LOA_ENOMEM;
	}
	s->cap = n;
	return LOA_OK;
}

typedef struct qterm {
	char key[KEY_MAX + 2];
	uint32_t id;   /* UINT32_MAX when not in the index */
	double idf;
	int qtf;
	bool bigram;
	bool syn; /* from a mined synonym: BM25F only, weight w_syn */
} qterm;

typedef struct cand {
	uint32_t doc;
	float bm;
} cand;

static double idf_of(double n, double df)
{
	return log(1.0 + (n - df + 0.5) / (df + 0.5));
}

/* Candidates are ordered by bm, then by document (the lower first), so
 * that the best R are one set whatever order they arrive in. */
static inline bool cand_worse(cand a, cand b)
{
	return a.bm < b.bm || (a.bm == b.bm && a.doc > b.doc);
}

/* Min-heap of candidates (the worst at the root). */
static void heap_push(cand *h, size_t *n, size_t max, cand c)
{
	if (*n < max) {
		size_t i = (*n)++;
		h[i] = c;
		while (i > 0) {
			size_t p = (i - 1) / 2;
			if (!cand_worse(h[i], h[p]))
				break;
			cand t = h[p];
			h[p] = h[i];
			h[i] = t;
			i = p;
		}
		return;
	}
	if (!cand_worse(h[0], c))
		return;
	h[0] = c;
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < *n && cand_worse(h[l], h[m]))
			m = l;
		if (r < *n && cand_worse(h[r], h[m]))
			m = r;
		if (m == i)
			break;
		cand t = h[m];
		h[m] = h[i];
		h[i] = t;
		i = m;
	}
}

/* Re-ranking: the article's tokens against the question's terms. */
typedef struct rr_ctx {
	const loa_qa_index *ix;
	const qterm *qt;
	size_t nq;
	loa_map *qmap; /* key -> qterm index + 1 */
	bool folded;
	bool in_title;
	uint32_t pos;
	char prev[TERM_MAX + 1];
	bool have_prev;
	double title_tot, title_hit; /* idf of title words, of those in the question */
	/* matches */
	struct mt { uint32_t pos; uint16_t q; uint8_t title; size_t s, e; } *m;
	size_t nm, capm;
} rr_ctx;

static void rr_match(rr_ctx *c, const char *key, size_t n, size_t s, size_t e)
{
	void *v = loa_map_get(c->qmap, key, n);
	if (!v || c->qt[(uintptr_t)v - 1].syn)
		return;
	if (c->nm == c->capm) {
		size_t nc = c->capm ? c->capm * 2 : 64;
		void *q = realloc(c->m, nc * sizeof *c->m);
		if (!q)
			return;
		c->m = q;
		c->capm = nc;
	}
	c->m[c->nm].pos = c->pos;
	c->m[c->nm].q = (uint16_t)((uintptr_t)v - 1);
	c->m[c->nm].title = c->in_title;
	c->m[c->nm].s = s;
	c->m[c->nm].e = e;
	c->nm++;
}

static int rr_tok(void *user, const qtok *t)
{
	rr_ctx *c = user;
	char key[KEY_MAX + 2];
	size_t n = make_key(key, c->folded ? 'f' : 'u', c->folded ? t->fold : t->norm, NULL);
	if (c->in_title) {
		uint32_t id = term_find(c->ix, key, n);
		double df = id != UINT32_MAX ? c->ix->tv.items[id].df : 0;
		double idf = idf_of((double)c->ix->docs.len, df);
		c->title_tot += idf;
		void *q = loa_map_get(c->qmap, key, n);
		if (q && !c->qt[(uintptr_t)q - 1].syn)
			c->title_hit += idf;
	}
	rr_match(c, key, n, t->start, t->end);
	if (c->have_prev && !t->brk) {
		n = make_key(key, 'b', c->prev, t->fold);
		rr_match(c, key, n, t->start, t->end);
	}
	memcpy(c->prev, t->fold, strlen(t->fold) + 1);
	c->have_prev = true;
	c->pos++;
	return 0;
}

typedef struct win_res {
	double uni, bi;
	uint32_t p0, p1;
} win_res;

/* The window of `w` tokens with the largest idf mass of distinct
 * question unigrams (ties: bigrams). */
static win_res best_window(const rr_ctx *c, uint32_t w, double tot_u, double tot_b)
{
	win_res best = {0, 0, 0, 0};
	int cnt[LOA_QA_QTERMS_MAX];
	memset(cnt, 0, sizeof cnt);
	double su = 0, sb = 0;
	size_t lo = 0;
	for (size_t hi = 0; hi < c->nm; hi++) {
		const struct mt *m = &c->m[hi];
		if (cnt[m->q]++ == 0) {
			if (c->qt[m->q].bigram)
				sb += c->qt[m->q].idf;
			else
				su += c->qt[m->q].idf;
		}
		while (c->m[lo].pos + w <= m->pos) {
			const struct mt *o = &c->m[lo++];
			if (--cnt[o->q] == 0) {
				if (c->qt[o->q].bigram)
					sb -= c->qt[o->q].idf;
				else
					su -= c->qt[o->q].idf;
			}
		}
		double vu = tot_u > 0 ? su / tot_u : 0, vb = tot_b > 0 ? sb / tot_b : 0;
		if (vu + 0.5 * vb > best.uni + 0.5 * best.bi + 1e-12) {
			best.uni = vu;
			best.bi = vb;
			best.p0 = c->m[lo].pos;
			best.p1 = m->pos;
		}
	}
	return best;
}

static int cmp_hit(const void *a, const void *b)
{
	const loa_qa_hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

static void make_passage(const loa_qa_index *ix, const rr_ctx *c, win_res w, loa_qa_hit *h)
{
	size_t blen;
	const char *body = loa_qa_index_body(ix, h->doc, &blen);
	size_t s = SIZE_MAX, e = 0;
	h->nhl = 0;
	for (size_t i = 0; i < c->nm; i++) {
		const struct mt *m = &c->m[i];
		if (m->title || m->pos < w.p0 || m->pos > w.p1)
			continue;
		if (m->s < s)
			s = m->s;
		if (m->e > e)
			e = m->e;
		if (c->qt[m->q].bigram)
			continue;
		if (h->nhl < LOA_QA_HL_MAX) {
			h->hl[h->nhl][0] = m->s;
			h->hl[h->nhl][1] = m->e;
			h->nhl++;
		}
	}
	if (s == SIZE_MAX) { /* only the title matched: the start of the body */
		s = 0;
		e = blen < PASSAGE_MAX ? blen : PASSAGE_MAX;
	}
	/* widen to the paragraph, within PASSAGE_MAX */
	size_t ps = s, pe = e;
	while (ps > 0 && body[ps - 1] != '\n' && e - ps < PASSAGE_MAX)
		ps--;
	while (pe < blen && body[pe] != '\n' && pe - ps < PASSAGE_MAX)
		pe++;
	while (ps < s && ps > 0 && (body[ps] & 0xC0) == 0x80)
		ps++;
	while (pe > e && pe < blen && (body[pe] & 0xC0) == 0x80)
		pe--;
	h->pass_start = ps;
	h->pass_end = pe;
	/* keep only highlights inside the passage */
	size_t k = 0;
	for (size_t i = 0; i < h->nhl; i++)
		if (h->hl[i][0] >= ps && h->hl[i][1] <= pe) {
			h->hl[k][0] = h->hl[i][0];
			h->hl[k][1] = h->hl[i][1];
			k++;
		}
	h->nhl = k;
}

/* The df under which terms gather candidates: max_df, or the third
 * rarest term's when fewer than 3 are under it. */
static double df_cutoff(const loa_qa_index *ix, const qterm *qt, size_t nq)
{
	double df_cut = ix->p.max_df;
	uint32_t low[3] = {UINT32_MAX, UINT32_MAX, UINT32_MAX};
	size_t under = 0;
	for (size_t i = 0; i < nq; i++) {
		if (qt[i].id == UINT32_MAX)
			continue;
		uint32_t df = ix->tv.items[qt[i].id].df;
		under += df <= ix->p.max_df;
		for (int k = 0; k < 3; k++)
			if (df < low[k]) {
				for (int j = 2; j > k; j--)
					low[j] = low[j - 1];
				low[k] = df;
				break;
			}
	}
	if (under < 3) {
		for (int k = 2; k >= 0; k--)
			if (low[k] != UINT32_MAX) {
				if ((double)low[k] > df_cut)
					df_cut = low[k];
				break;
			}
	}
	return df_cut;
}

/* The query-time weight of a question term (0: the term does not score). */
static double qterm_weight(const loa_qa_params *p, const qterm *t)
{
	if (t->id == UINT32_MAX)
		return 0;
	double w = t->idf * (t->bigram ? p->w_bigram : 1.0) * (t->qtf > 3 ? 3 : t->qtf) *
		   (t->syn ? p->w_syn : 1.0);
	return w > 0 ? w : 0;
}

/* One posting's contribution, as a float (the accumulators' type). */
static inline float contrib(const loa_qa_index *ix, double w, uint32_t d, uint32_t tfb,
			    uint32_t tft)
{
	const loa_qa_params *p = &ix->p;
	double tf = bm_tf(p, &ix->norms[d], tfb, tft);
	float add = (float)(w * tf / (p->k1 + tf));
	return add > 1e-30f ? add : 1e-30f; /* a touched document never stays at 0 */
}

static inline bool valid_on(const doc_rec *dr, int32_t day)
{
	return day == LOA_QA_DAY_MIN || (dr->from <= day && day < dr->to);
}

/* The reference candidate gathering: every posting of every term into
 * accumulators over all documents. Terms under df_cut gather candidates;
 * the frequent ones then only add to candidates already found. The
 * search with `prune 0`; the pruned one finds the same candidates. */
static int gather_full(const loa_qa_index *ix, loa_qa_scratch *scratch, const qterm *qt,
		       size_t nq, double df_cut, int32_t as_of_day, cand *heap, size_t R,
		       size_t *nh)
{
	if (scratch_fit(scratch, ix->docs.len))
		return LOA_ENOMEM;
	float *acc = scratch->acc;
	scratch->ntouched = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < nq; i++) {
			const double w = qterm_weight(&ix->p, &qt[i]);
			if (!(w > 0))
				continue;
			const term *t = &ix->tv.items[qt[i].id];
			bool frequent = t->df > df_cut;
			if (frequent != (pass == 1))
				continue;
			const uint8_t *pp = t->p, *end = t->p + t->len;
			uint32_t d = 0;
			while (pp < end) {
				uint32_t g = get_varint(&pp);
				uint32_t tfb = get_varint(&pp), tft = 0;
				if (g & 1)
					tft = get_varint(&pp);
				d += g >> 1;
				if (frequent && acc[d] == 0.0f)
					continue;
				if (acc[d] == 0.0f)
					scratch->touched[scratch->ntouched++] = d;
				acc[d] += contrib(ix, w, d, tfb, tft);
			}
		}
	}
	for (size_t i = 0; i < scratch->ntouched; i++) {
		uint32_t d = scratch->touched[i];
		if (valid_on(&ix->docs.items[d], as_of_day))
			heap_push(heap, nh, R, (cand){d, acc[d]});
	}
	for (size_t i = 0; i < scratch->ntouched; i++)
		acc[scratch->touched[i]] = 0.0f;
	scratch->ntouched = 0;
	return LOA_OK;
}

/* A cursor over one term's postings, in document order. */
typedef struct cursor {
	const term *t;
	const uint8_t *pp, *end;
	uint32_t doc;  /* current document; UINT32_MAX at the end */
	uint32_t tfb, tft;
	uint32_t k;    /* postings decoded */
	double w, ub;  /* weight in this question, upper bound of its contribution */
	bool gather;   /* gathers candidates (not a frequent term) */
	uint16_t q;    /* index in the question's terms */
} cursor;

static inline void cur_next(cursor *c)
{
	if (c->pp >= c->end) {
		c->doc = UINT32_MAX;
		return;
	}
	uint32_t g = get_varint(&c->pp);
	c->tfb = get_varint(&c->pp);
	c->tft = (g & 1) ? get_varint(&c->pp) : 0;
	c->doc += g >> 1;
	c->k++;
}

/* The block holding the first posting >= target at or after the
 * cursor's block (nblk when none). Needs blocks. */
static inline uint32_t cur_block(const cursor *c, uint32_t target)
{
	const blk *bl = c->t->bl;
	uint32_t lo = c->k ? (c->k - 1) / BLOCK : 0, hi = c->t->nblk;
	if (lo < hi && bl[lo].last >= target)
		return lo;
	/* gallop from the cursor's block (probes move forward by little),
	 * then halve what is left: bl[lo - 1].last < target <= bl[hi].last */
	for (uint32_t step = 1; lo + step < hi; step *= 2) {
		if (bl[lo + step].last >= target) {
			hi = lo + step;
			break;
		}
		lo += step;
	}
	while (lo < hi) { /* first block with last >= target */
		uint32_t mid = lo + (hi - lo) / 2;
		if (bl[mid].last >= target)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The bound of the current posting's contribution: its block's. */
static inline double cur_bound(const cursor *c)
{
	const term *t = c->t;
	double m = t->bl ? t->bl[(c->k - 1) / BLOCK].max : t->max;
	return c->w * m * (1 + 1e-6) + 1e-12;
}

/* Moves to the first posting >= target. */
static inline void cur_seek(cursor *c, uint32_t target)
{
	if (c->k && c->doc >= target) /* also at the end: UINT32_MAX */
		return;
	if (c->t->bl) {
		uint32_t b = cur_block(c, target);
		if (b >= c->t->nblk) {
			c->doc = UINT32_MAX;
			c->pp = c->end;
			return;
		}
		if (b * BLOCK > c->k) { /* jump: the block starts after the previous one's last */
			c->pp = c->t->p + c->t->bl[b].off;
			c->doc = c->t->bl[b - 1].last;
			c->k = b * BLOCK;
		}
	}
	do
		cur_next(c);
	while (c->doc != UINT32_MAX && c->doc < target);
}

/* Orders the cursors: frequent terms first (always probed, never
 * gathering), then by upper bound ascending; prefix[k] gets the sum of the
 * bounds of cs[0..k). Returns the number of frequent terms. */
static size_t cursors_order(cursor *cs, size_t nc, double *prefix)
{
	for (size_t i = 1; i < nc; i++) {
		cursor x = cs[i];
		size_t j = i;
		while (j > 0 && (cs[j - 1].gather > x.gather ||
				 (cs[j - 1].gather == x.gather && cs[j - 1].ub > x.ub))) {
			cs[j] = cs[j - 1];
			j--;
		}
		cs[j] = x;
	}
	size_t nfreq = 0;
	while (nfreq < nc && !cs[nfreq].gather)
		nfreq++;
	prefix[0] = 0;
	for (size_t i = 0; i < nc; i++)
		prefix[i + 1] = prefix[i] + cs[i].ub;
	return nfreq;
}

/* Probes the non-essential cursors cs[ne-1..0] (strongest last) at d,
 * adding their contributions to *part (add[k], has[k]), while the bound
 * can still reach need: pre[k] is the sum of the bounds of cs[0..k), and
 * with full a block's bound prunes too. True when d cannot reach need.
 * Both pruned gatherings use it, so their scores stay the same floats. */
static inline bool probe_rest(const loa_qa_index *ix, cursor *cs, size_t ne, const double *pre, uint32_t d,
			      bool full, double need, double *part, float *add, bool *has)
{
	for (size_t k = ne; k-- > 0;) {
		if (*part + pre[k + 1] <= need)
			return true;
		cursor *c = &cs[k];
		if (c->t->bl && full) {
			uint32_t b = cur_block(c, d);
			double bub = b < c->t->nblk ? c->w * (double)c->t->bl[b].max * (1 + 1e-6) + 1e-12 : 0;
			if (*part + pre[k] + bub <= need)
				return true;
			if (b >= c->t->nblk)
				continue;
		}
		cur_seek(c, d);
		if (c->doc == d) {
			add[k] = contrib(ix, c->w, d, c->tfb, c->tft);
			has[k] = true;
			*part += add[k];
		}
	}
	return false;
}

/* Candidate gathering with dynamic pruning (MaxScore with block-max
 * bounds) over the same candidates and scores as gather_full: terms sorted
 * by their upper bound; frequent terms and the weakest gathering terms
 * whose bounds together cannot reach the R-th best score so far are only
 * probed (with skips) for the documents the others bring, and a document
 * stops being scored as soon as its bound falls under that score. Scores
 * are summed in gather_full's order, so they are the same floats. */
static int gather_pruned(const loa_qa_index *ix, const qterm *qt, size_t nq, double df_cut,
			 int32_t as_of_day, cand *heap, size_t R, size_t *nh)
{
	cursor cs[2 * LOA_QA_QTERMS_MAX];
	size_t nc = 0;
	for (size_t i = 0; i < nq; i++) {
		double w = qterm_weight(&ix->p, &qt[i]);
		if (!(w > 0))
			continue;
		const term *t = &ix->tv.items[qt[i].id];
		cursor *c = &cs[nc++];
		*c = (cursor){.t = t, .pp = t->p, .end = t->p + t->len, .w = w,
			      .ub = w * (double)t->max * (1 + 1e-6) + 1e-12,
			      .gather = t->df <= df_cut, .q = (uint16_t)i};
	}
	double prefix[2 * LOA_QA_QTERMS_MAX + 1];
	size_t nfreq = cursors_order(cs, nc, prefix);
	size_t ne = nfreq; /* cs[0..ne) are probed, cs[ne..nc) gather */
	for (size_t i = ne; i < nc; i++)
		cur_next(&cs[i]);
	float theta = 0; /* the R-th best score once the heap is full */
	bool full = false;
	/* the order in which gather_full adds contributions */
	uint16_t slot[2 * LOA_QA_QTERMS_MAX], order[2 * LOA_QA_QTERMS_MAX];
	for (size_t i = 0; i < nq; i++)
		slot[i] = UINT16_MAX;
	for (size_t i = 0; i < nc; i++)
		slot[cs[i].q] = (uint16_t)i;
	size_t no = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nq; i++)
			if (slot[i] != UINT16_MAX && cs[slot[i]].gather == (pass == 0))
				order[no++] = slot[i];
	float add[2 * LOA_QA_QTERMS_MAX];
	bool has[2 * LOA_QA_QTERMS_MAX];
	while (ne < nc) {
		uint32_t d = UINT32_MAX;
		for (size_t i = ne; i < nc; i++)
			if (cs[i].doc < d)
				d = cs[i].doc;
		if (d == UINT32_MAX)
			break;
		memset(has, 0, nc * sizeof *has);
		/* first a bound from the blocks alone, without reading the document */
		if (full) {
			double ub = prefix[ne];
			for (size_t i = ne; i < nc; i++)
				if (cs[i].doc == d)
					ub += cur_bound(&cs[i]);
			if (ub <= (double)theta * (1 - 1e-4)) {
				for (size_t i = ne; i < nc; i++)
					if (cs[i].doc == d)
						cur_next(&cs[i]);
				continue;
			}
		}
		double part = 0;
		for (size_t i = ne; i < nc; i++) {
			cursor *c = &cs[i];
			if (c->doc != d)
				continue;
			add[i] = contrib(ix, c->w, d, c->tfb, c->tft);
			has[i] = true;
			part += add[i];
			cur_next(c);
		}
		/* probe the others, strongest first, while the bound can still win
		 * (need: theta less a margin for the rounding of float sums) */
		const double need = full ? (double)theta * (1 - 1e-4) : -1.0;
		bool pruned = probe_rest(ix, cs, ne, prefix, d, full, need, &part, add, has);
		if (pruned || !valid_on(&ix->docs.items[d], as_of_day))
			continue;
		float sc = 0.0f;
		for (size_t k = 0; k < no; k++)
			if (has[order[k]])
				sc += add[order[k]];
		if (full && !(sc > theta))
			continue;
		heap_push(heap, nh, R, (cand){d, sc});
		if (*nh == R) {
			full = true;
			theta = heap[0].bm;
			/* gathering terms whose bounds together cannot reach theta
			 * become probed ones */
			while (ne < nc && prefix[ne + 1] <= (double)theta * (1 - 1e-4))
				ne++;
		}
	}
	return LOA_OK;
}

/* Candidate gathering by windows of documents (the default, `prune 1`):
 * the same candidates and scores as gather_full and gather_pruned. Terms
 * are split as in gather_pruned (frequent ones and the weakest gathering
 * ones whose bounds together cannot reach the R-th best score are only
 * probed; the others are "essential"), but the essential lists are read
 * term by term over a window of WIN documents into accumulators, so that
 * each posting costs a decode and an add rather than a pass over every
 * list; then each document touched in the window, in document order, is
 * bounded by its partial sum plus the probed terms' bounds (block maxima
 * when probing), probed, and scored exactly, in gather_full's order, if it
 * can still enter. The split is revised after each window. */
#define WIN_MAX (1u << 14) /* 16,384 documents: 128 KB of accumulators */
#define WIN_MIN (1u << 10) /* at least 16 windows for the split to adapt */

static int gather_window(const loa_qa_index *ix, const qterm *qt, size_t nq, double df_cut,
			 int32_t as_of_day, bool only_gather, uint32_t from, uint32_t to, cand *heap,
			 size_t R, size_t *nh)
{
	cursor cs[2 * LOA_QA_QTERMS_MAX], ex[2 * LOA_QA_QTERMS_MAX];
	size_t nc = 0;
	for (size_t i = 0; i < nq; i++) {
		double w = qterm_weight(&ix->p, &qt[i]);
		if (!(w > 0))
			continue;
		const term *t = &ix->tv.items[qt[i].id];
		if (only_gather && t->df > df_cut)
			continue;
		cursor *c = &cs[nc++];
		*c = (cursor){.t = t, .pp = t->p, .end = t->p + t->len, .w = w,
			      .ub = w * (double)t->max * (1 + 1e-6) + 1e-12,
			      .gather = t->df <= df_cut, .q = (uint16_t)i};
	}
	double prefix[2 * LOA_QA_QTERMS_MAX + 1];
	size_t nfreq = cursors_order(cs, nc, prefix);
	uint16_t slot[2 * LOA_QA_QTERMS_MAX], order[2 * LOA_QA_QTERMS_MAX];
	for (size_t i = 0; i < nq; i++)
		slot[i] = UINT16_MAX;
	for (size_t i = 0; i < nc; i++)
		slot[cs[i].q] = (uint16_t)i;
	size_t no = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nq; i++)
			if (slot[i] != UINT16_MAX && cs[slot[i]].gather == (pass == 0))
				order[no++] = slot[i];
	size_t ne = nfreq; /* cs[0..ne) are probed, cs[ne..nc) essential */
	for (size_t i = ne; i < nc; i++) {
		ex[i] = cs[i];
		cur_seek(&cs[i], from);
	}
	const uint32_t ndocs = to;
	uint32_t WIN = WIN_MIN;
	while (WIN < WIN_MAX && WIN * 16u < ndocs - from)
		WIN *= 2;
	double *acc = malloc(WIN * sizeof *acc);
	uint64_t *bits = calloc(WIN / 64, sizeof *bits);
	if (!acc || !bits) {
		free(acc);
		free(bits);
		return LOA_ENOMEM;
	}
	float theta = 0;
	bool full = false;
	float add[2 * LOA_QA_QTERMS_MAX];
	bool has[2 * LOA_QA_QTERMS_MAX];
	double wpre[2 * LOA_QA_QTERMS_MAX + 1]; /* prefix sums of the probed terms' window bounds */
	uint32_t wblk[2 * LOA_QA_QTERMS_MAX];
	memset(wblk, 0, sizeof wblk);
	for (uint32_t base = from; base < ndocs && ne < nc; base += WIN) {
		const uint32_t lim = ndocs - base > WIN ? base + WIN : ndocs;
		/* the probed terms' bounds in this window: their largest block
		 * maximum over the blocks that overlap it (0 when none does) */
		wpre[0] = 0;
		for (size_t k = 0; k < ne; k++) {
			const cursor *c = &cs[k];
			const term *t = c->t;
			double m = c->ub;
			if (t->bl) {
				uint32_t j = wblk[k];
				while (j < t->nblk && t->bl[j].last < base)
					j++;
				wblk[k] = j;
				float mx = 0;
				for (; j < t->nblk; j++) {
					if (t->bl[j].max > mx)
						mx = t->bl[j].max;
					if (t->bl[j].last >= lim - 1)
						break;
				}
				m = wblk[k] < t->nblk ? c->w * (double)mx * (1 + 1e-6) + 1e-12 : 0;
			}
			wpre[k + 1] = wpre[k] + m;
		}
		for (size_t i = ne; i < nc; i++) {
			cursor *c = &cs[i];
			while (c->doc < lim) {
				uint32_t off = c->doc - base;
				double a = contrib(ix, c->w, c->doc, c->tfb, c->tft);
				uint64_t m = (uint64_t)1 << (off & 63);
				if (bits[off >> 6] & m) {
					acc[off] += a;
				} else {
					bits[off >> 6] |= m;
					acc[off] = a;
				}
				cur_next(c);
			}
		}
		for (uint32_t wi = 0; wi < WIN / 64; wi++) {
			uint64_t b = bits[wi];
			bits[wi] = 0;
			while (b) {
				uint32_t off = wi * 64 + (uint32_t)__builtin_ctzll(b);
				b &= b - 1;
				const uint32_t d = base + off;
				double part = acc[off];
				const double need = full ? (double)theta * (1 - 1e-4) : -1.0;
				if (part + wpre[ne] <= need)
					continue;
				memset(has, 0, nc * sizeof *has);
				bool pruned = probe_rest(ix, cs, ne, wpre, d, full, need, &part, add, has);
				if (pruned || !valid_on(&ix->docs.items[d], as_of_day))
					continue;
				for (size_t i = ne; i < nc; i++) { /* the essential terms, exactly */
					cursor *c = &ex[i];
					cur_seek(c, d);
					if (c->doc == d) {
						add[i] = contrib(ix, c->w, d, c->tfb, c->tft);
						has[i] = true;
					}
				}
				float sc = 0.0f;
				for (size_t k = 0; k < no; k++)
					if (has[order[k]])
						sc += add[order[k]];
				if (full && !(sc > theta))
					continue;
				heap_push(heap, nh, R, (cand){d, sc});
				if (*nh == R) {
					full = true;
					theta = heap[0].bm;
				}
			}
		}
		/* gathering terms whose bounds together cannot reach theta are
		 * only probed from the next window on */
		while (full && ne < nc && prefix[ne + 1] <= (double)theta * (1 - 1e-4))
			ne++;
	}
	free(acc);
	free(bits);
	return LOA_OK;
}

/* gather_window over parts of the documents at once: part 0 in the
 * calling thread, the others in threads of their own, each with its own
 * heap of the best R and its own threshold; the parts' heaps then go into
 * one. The same candidates as one pass: each part keeps its best R by
 * (score, document), so the best R of the union are among them. Used when
 * every part has at least `split_docs` documents. */
typedef struct part_job {
	const loa_qa_index *ix;
	const qterm *qt;
	size_t nq;
	double df_cut;
	int32_t as_of_day;
	uint32_t from, to;
	cand *heap;
	size_t R, nh;
	int rc;
} part_job;

static void *part_run(void *arg)
{
	part_job *j = arg;
	j->rc = gather_window(j->ix, j->qt, j->nq, j->df_cut, j->as_of_day, false, j->from, j->to,
			      j->heap, j->R, &j->nh);
	return NULL;
}

#define PARTS_MAX 8

static int gather_parts(const loa_qa_index *ix, const qterm *qt, size_t nq, double df_cut,
			int32_t as_of_day, cand *heap, size_t R, size_t *nh)
{
	const uint32_t ndocs = (uint32_t)ix->docs.len;
	double per = ix->p.split_docs >= 1 ? ix->p.split_docs : 1;
	size_t parts = (size_t)ix->p.threads;
	while (parts > 1 && (double)ndocs / (double)parts < per)
		parts--;
	if (parts > PARTS_MAX)
		parts = PARTS_MAX;
	if (parts <= 1)
		return gather_window(ix, qt, nq, df_cut, as_of_day, false, 0, ndocs, heap, R, nh);
	part_job job[PARTS_MAX];
	pthread_t th[PARTS_MAX];
	bool started[PARTS_MAX] = {false};
	cand *mem = malloc(parts * R * sizeof *mem);
	if (!mem)
		return LOA_ENOMEM;
	for (size_t i = 0; i < parts; i++)
		job[i] = (part_job){ix, qt, nq, df_cut, as_of_day,
				    (uint32_t)((uint64_t)ndocs * i / parts),
				    (uint32_t)((uint64_t)ndocs * (i + 1) / parts), mem + i * R, R, 0, LOA_OK};
	for (size_t i = 1; i < parts; i++)
		started[i] = pthread_create(&th[i], NULL, part_run, &job[i]) == 0;
	part_run(&job[0]);
	for (size_t i = 1; i < parts; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else /* no thread: this one does the part */
			part_run(&job[i]);
	}
	int rc = LOA_OK;
	for (size_t i = 0; i < parts; i++) {
		if (job[i].rc && !rc)
			rc = job[i].rc;
		for (size_t k = 0; !rc && k < job[i].nh; k++)
			heap_push(heap, nh, R, job[i].heap[k]);
	}
	free(mem);
	return rc;
}

static bool has_frequent(const loa_qa_index *ix, const qterm *qt, size_t nq, double df_cut)
{
	for (size_t i = 0; i < nq; i++)
		if (qterm_weight(&ix->p, &qt[i]) > 0 && ix->tv.items[qt[i].id].df > df_cut)
			return true;
	return false;
}

static int cmp_cand_doc(const void *a, const void *b)
{
	uint32_t x = ((const cand *)a)->doc, y = ((const cand *)b)->doc;
	return x < y ? -1 : x > y;
}

/* Two phases (`refine` N > 0, when the question has frequent terms): the
 * best N articles by the gathering terms alone (gather_window), then their
 * exact scores with every term, in gather_full's order; the best R of
 * those. Approximate: an article outside the N whose frequent terms would
 * have lifted it into the R is missed; the work on the frequent terms'
 * long lists drops from every article touched to N seeks each. */
static int gather_refine(const loa_qa_index *ix, const qterm *qt, size_t nq, double df_cut,
			 int32_t as_of_day, size_t N, cand *heap, size_t R, size_t *nh)
{
	if (N < R)
		N = R;
	cand *c1 = malloc(N * sizeof *c1);
	if (!c1)
		return LOA_ENOMEM;
	size_t n1 = 0;
	int rc = gather_window(ix, qt, nq, df_cut, as_of_day, true, 0, (uint32_t)ix->docs.len, c1, N,
			       &n1);
	if (rc) {
		free(c1);
		return rc;
	}
	qsort(c1, n1, sizeof *c1, cmp_cand_doc);
	cursor cs[2 * LOA_QA_QTERMS_MAX];
	size_t nc = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nq; i++) {
			double w = qterm_weight(&ix->p, &qt[i]);
			if (!(w > 0))
				continue;
			const term *t = &ix->tv.items[qt[i].id];
			if ((t->df > df_cut) != (pass == 1))
				continue;
			cs[nc++] = (cursor){.t = t, .pp = t->p, .end = t->p + t->len, .w = w};
		}
	for (size_t j = 0; j < n1; j++) {
		uint32_t d = c1[j].doc;
		float sc = 0.0f;
		for (size_t k = 0; k < nc; k++) {
			cursor *c = &cs[k];
			cur_seek(c, d);
			if (c->doc == d)
				sc += contrib(ix, c->w, d, c->tfb, c->tft);
		}
		heap_push(heap, nh, R, (cand){d, sc});
	}
	free(c1);
	return LOA_OK;
}

int loa_qa_search(const loa_qa_index *ix, loa_qa_scratch *scratch, const char *q, size_t qn,
		  int32_t as_of_day, loa_qa_hit *hits, size_t max, size_t *nout, loa_err *err)
{
	*nout = 0;
	if (!ix->finished)
		return loa_err_set(err, LOA_EINVAL, "index not finished");
	loa_str qs = loa_str_trim((loa_str){q, qn});
	if (qs.n == 0)
		return loa_err_set(err, LOA_EINVAL, "câu hỏi rỗng / empty question");
	if (max > LOA_QA_LIMIT_MAX)
		max = LOA_QA_LIMIT_MAX;
	const loa_qa_params *p = &ix->p;
	int rc = LOA_OK;
	qparse *qp = malloc(sizeof *qp);
	qterm *qt = malloc(2 * LOA_QA_QTERMS_MAX * sizeof *qt);
	cand *heap = NULL;
	loa_qa_hit *all = NULL;
	loa_qa_scratch *own = NULL;
	loa_map qmap;
	loa_map_init(&qmap, NULL);
	rr_ctx rc_ctx = {0};
	if (!qp || !qt) {
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto out;
	}
	if ((rc = parse_question(ix, qs.p, qs.n, qp, err)))
		goto out;
	/* question terms */
	size_t nq = 0;
	const char *prev = NULL;
	for (size_t i = 0; i < qp->n; i++) {
		const qword *w = &qp->w[i];
		if (w->drop) {
			prev = NULL;
			continue;
		}
		for (int fam = 0; fam < 2; fam++) {
			char key[KEY_MAX + 2];
			size_t kn;
			if (fam == 0)
				kn = make_key(key, qp->folded ? 'f' : 'u', qp->folded ? w->fold : w->norm,
					      NULL);
			else if (prev && !w->brk)
				kn = make_key(key, 'b', prev, w->fold);
			else
				continue;
			void *v = loa_map_get(&qmap, key, kn);
			if (v) {
				if (!w->syn)
					qt[(uintptr_t)v - 1].qtf++;
				continue;
			}
			if (nq >= LOA_QA_QTERMS_MAX)
				continue;
			qterm *t = &qt[nq];
			memcpy(t->key, key, kn + 1);
			t->bigram = fam == 1;
			t->syn = w->syn;
			t->qtf = 1;
			t->id = term_find(ix, key, kn);
			double df = t->id != UINT32_MAX ? ix->tv.items[t->id].df : 0;
			t->idf = idf_of((double)ix->docs.len, df);
			if (loa_map_set(&qmap, key, kn, (void *)(uintptr_t)(nq + 1))) {
				rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
				goto out;
			}
			nq++;
		}
		prev = w->fold;
	}
	if (nq == 0)
		goto out;
	const doc_rec *docs = ix->docs.items;
	double df_cut = df_cutoff(ix, qt, nq);
	size_t nh = 0;
	size_t R = (size_t)p->rerank;
	if (R < max)
		R = max;
	heap = malloc(R * sizeof *heap);
	if (!heap) {
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto out;
	}
	if (p->prune >= 2) {
		rc = gather_pruned(ix, qt, nq, df_cut, as_of_day, heap, R, &nh);
	} else if (p->prune > 0 && p->refine > 0 && has_frequent(ix, qt, nq, df_cut)) {
		rc = gather_refine(ix, qt, nq, df_cut, as_of_day, (size_t)p->refine, heap, R, &nh);
	} else if (p->prune > 0) {
		rc = gather_parts(ix, qt, nq, df_cut, as_of_day, heap, R, &nh);
	} else {
		if (!scratch) {
			own = loa_qa_scratch_new();
			scratch = own;
		}
		rc = scratch ? gather_full(ix, scratch, qt, nq, df_cut, as_of_day, heap, R, &nh)
			     : LOA_ENOMEM;
	}
	if (rc) {
		rc = loa_err_set(err, rc, "hết bộ nhớ / out of memory");
		goto out;
	}
	if (nh == 0)
		goto out;
	/* re-rank */
	double tot_u = 0, tot_b = 0, bm_max = 0, tot_all = 0;
	for (size_t i = 0; i < nq; i++) {
		if (qt[i].syn)
			continue; /* the re-ranker looks at the question's own words */
		if (!qt[i].bigram)
			tot_all += qt[i].idf; /* words the corpus never uses count here */
		if (qt[i].id == UINT32_MAX)
			continue; /* words the corpus never uses do not count */
		if (qt[i].bigram)
			tot_b += qt[i].idf;
		else
			tot_u += qt[i].idf;
	}
	for (size_t i = 0; i < nh; i++)
		if (heap[i].bm > bm_max)
			bm_max = heap[i].bm;
	/* laws named in the question */
	char *qfold;
	{
		loa_buf qb;
		loa_buf_init(&qb, (TERM_MAX + 2) * LOA_QA_QTERMS_MAX + 8);
		loa_buf_putc(&qb, ' ');
		for (size_t i = 0; i < qp->n; i++) {
			if (qp->w[i].syn)
				continue;
			loa_buf_puts(&qb, qp->w[i].fold);
			loa_buf_putc(&qb, ' ');
		}
		qfold = loa_buf_detach(&qb, NULL);
	}
	all = calloc(nh, sizeof *all);
	if (!all || !qfold) {
		free(qfold);
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto out;
	}
	rc_ctx.ix = ix;
	rc_ctx.qt = qt;
	rc_ctx.nq = nq;
	rc_ctx.qmap = &qmap;
	rc_ctx.folded = qp->folded;
	for (size_t i = 0; i < nh; i++) {
		loa_qa_hit *h = &all[i];
		h->doc = heap[i].doc;
		rc_ctx.nm = 0;
		rc_ctx.pos = 0;
		rc_ctx.have_prev = false;
		rc_ctx.in_title = true;
		rc_ctx.title_tot = rc_ctx.title_hit = 0;
		size_t tl, bl;
		const char *tt = loa_qa_index_title(ix, h->doc, &tl);
		const char *bb = loa_qa_index_body(ix, h->doc, &bl);
		each_token(tt, tl, rr_tok, &rc_ctx);
		rc_ctx.in_title = false;
		rc_ctx.have_prev = false;
		rc_ctx.pos += 2;
		each_token(bb, bl, rr_tok, &rc_ctx);
		/* coverage of the whole article */
		bool seen[2 * LOA_QA_QTERMS_MAX] = {0};
		double cu = 0;
		for (size_t k = 0; k < rc_ctx.nm; k++) {
			uint16_t qi = rc_ctx.m[k].q;
			if (!seen[qi] && !qt[qi].bigram)
				cu += qt[qi].idf;
			seen[qi] = true;
		}
		win_res w = best_window(&rc_ctx, (uint32_t)p->window, tot_u, tot_b);
		const law_rec *lr = &ix->laws.items[docs[h->doc].law];
		bool law = strlen(lr->fold) > 6 && strstr(qfold, lr->fold) != NULL;
		h->feat[0] = bm_max > 0 ? heap[i].bm / bm_max : 0;
		h->feat[1] = w.uni;
		h->feat[2] = w.bi;
		h->feat[3] = tot_u > 0 ? cu / tot_u : 0;
		h->feat[4] = law ? 1.0 : 0.0;
		h->feat[5] = rc_ctx.title_tot > 0 ? rc_ctx.title_hit / rc_ctx.title_tot : 0;
		h->score = p->w_bm25 * h->feat[0] + p->w_window * h->feat[1] +
			   p->w_bwindow * h->feat[2] + p->w_cover * h->feat[3] + p->w_law * h->feat[4] +
			   p->w_tcover * h->feat[5];
		/* confidence: the idf share of all the question's words (also those
		 * the corpus never uses) in the best window */
		h->confidence = tot_all > 0 ? w.uni * tot_u / tot_all : 0;
		make_passage(ix, &rc_ctx, w, h);
	}
	free(qfold);
	qsort(all, nh, sizeof *all, cmp_hit);
	size_t k = nh < max ? nh : max;
	memcpy(hits, all, k * sizeof *hits);
	*nout = k;
out:
	free(rc_ctx.m);
	loa_map_release(&qmap);
	loa_qa_scratch_free(own);
	free(all);
	free(heap);
	free(qt);
	free(qp);
	return rc;
}
