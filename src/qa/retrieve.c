/*
 * retrieve.c - the in-memory legal article index: tokens, BM25F over
 * title and body with exact, folded and bigram term families, question
 * rewriting, and a linear re-ranker over proximity and coverage features.
 */
#include "qa/retrieve.h"
#include "core/map.h"
#include "core/str.h"
#include "core/utf8.h"
#include "core/vec.h"
#include "text/text.h"

#include <math.h>
#include <pthread.h>
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
	{"prune", offsetof(loa_qa_params, prune), 0, 1},
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
	loa_tok_type type;
} qtok;

typedef int (*term_fn)(void *user, const qtok *t);

typedef struct tok_run {
	term_fn fn;
	void *user;
	const char *src;
	bool brk;
	bool paren;
	int rc;
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

/* The lengths the scores read, apart from the records for locality. */
typedef struct doc_len {
	uint32_t body, title;
} doc_len;

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
	char *text;
	size_t text_len, text_cap;
	double avg_title, avg_body;
	doc_len *lens; /* per document, from finish */
	bool finished;
	uint64_t postings, posting_bytes;
	/* building */
	LOA_VEC(uint64_t) codes;
	char prev_fold[ALIAS_SCAN][TERM_MAX + 1];
	char prev_norm[ALIAS_SCAN][TERM_MAX + 1];
	int nprev;
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
	*out = ix;
	return LOA_OK;
}

void loa_qa_index_free(loa_qa_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->tv.len; i++) {
		free(ix->tv.items[i].p);
		free(ix->tv.items[i].bl);
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
	free(ix->text);
	free(ix->lens);
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
static inline double bm_tf(const loa_qa_index *ix, const loa_qa_params *p, const doc_len *dl,
			   uint32_t tfb, uint32_t tft)
{
	double tf = (double)tfb / (1.0 - p->b_body + p->b_body * dl->body / ix->avg_body);
	if (tft)
		tf += p->w_title * tft / (1.0 - p->b_title + p->b_title * dl->title / ix->avg_title);
	return tf;
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
 * parameters. Allocates the blocks the first time only. */
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
			uint32_t g = get_varint(&pp);
			uint32_t tfb = get_varint(&pp), tft = 0;
			if (g & 1)
				tft = get_varint(&pp);
			d += g >> 1;
			double tf = bm_tf(ix, p, &ix->lens[d], tfb, tft);
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
	int rc = bounds_compute(ix);
	if (rc)
		return loa_err_set(err, rc, "hết bộ nhớ / out of memory");
	ix->finished = true;
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
		if (qp->w[i].drop)
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
	if (!v)
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
		void *id = loa_map_get(&c->ix->terms, key, n);
		double df = id ? c->ix->tv.items[(uintptr_t)id - 1].df : 0;
		double idf = idf_of((double)c->ix->docs.len, df);
		c->title_tot += idf;
		if (loa_map_get(c->qmap, key, n))
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
	double w = t->idf * (t->bigram ? p->w_bigram : 1.0) * (t->qtf > 3 ? 3 : t->qtf);
	return w > 0 ? w : 0;
}

/* One posting's contribution, as a float (the accumulators' type). */
static inline float contrib(const loa_qa_index *ix, double w, uint32_t d, uint32_t tfb,
			    uint32_t tft)
{
	const loa_qa_params *p = &ix->p;
	double tf = bm_tf(ix, p, &ix->lens[d], tfb, tft);
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
	/* order: frequent terms first (always probed), then by bound ascending */
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
	double prefix[2 * LOA_QA_QTERMS_MAX + 1];
	prefix[0] = 0;
	for (size_t i = 0; i < nc; i++)
		prefix[i + 1] = prefix[i] + cs[i].ub;
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
		bool pruned = false;
		for (size_t k = ne; k-- > 0;) {
			double rest = prefix[k + 1];
			if (part + rest <= need) {
				pruned = true;
				break;
			}
			cursor *c = &cs[k];
			if (c->t->bl && full) {
				uint32_t b = cur_block(c, d);
				double bub = b < c->t->nblk ? c->w * (double)c->t->bl[b].max * (1 + 1e-6) + 1e-12
							   : 0;
				if (part + prefix[k] + bub <= need) {
					pruned = true;
					break;
				}
				if (b >= c->t->nblk)
					continue;
			}
			cur_seek(c, d);
			if (c->doc == d) {
				add[k] = contrib(ix, c->w, d, c->tfb, c->tft);
				has[k] = true;
				part += add[k];
			}
		}
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
				qt[(uintptr_t)v - 1].qtf++;
				continue;
			}
			if (nq >= LOA_QA_QTERMS_MAX)
				continue;
			qterm *t = &qt[nq];
			memcpy(t->key, key, kn + 1);
			t->bigram = fam == 1;
			t->qtf = 1;
			void *id = loa_map_get(&ix->terms, key, kn);
			t->id = id ? (uint32_t)((uintptr_t)id - 1) : UINT32_MAX;
			double df = id ? ix->tv.items[t->id].df : 0;
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
	if (p->prune > 0) {
		rc = gather_pruned(ix, qt, nq, df_cut, as_of_day, heap, R, &nh);
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
