/*
 * reach.c - reach and fidelity of official items (see reach.h).
 */
#include "network/reach.h"
#include "network/net_int.h"
#include "analyze/lang.h"
#include "analyze/story.h"
#include "core/map.h"
#include "core/utf8.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define CONTEXT_WORDS 4
#define MAX_PICKUPS 2000

/* ---- words ---- */

typedef struct word {
	const char *p; /* as written */
	size_t n;
	const char *k; /* the key compared: punctuation at the ends dropped */
	size_t kn;
} word;

static bool is_punct(unsigned char c)
{
	return c < 0x80 && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z');
}

static size_t split_words(const char *s, word *w, size_t max)
{
	size_t n = 0;
	const char *p = s;
	while (*p && n < max) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		const char *q = p;
		while (*q && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r')
			q++;
		w[n].p = p;
		w[n].n = (size_t)(q - p);
		const char *a = p, *b = q;
		while (a < b && is_punct((unsigned char)*a))
			a++;
		while (b > a && is_punct((unsigned char)b[-1]))
			b--;
		w[n].k = a;
		w[n].kn = (size_t)(b - a);
		if (w[n].kn == 0) { /* punctuation only: compare as written */
			w[n].k = p;
			w[n].kn = w[n].n;
		}
		n++;
		p = q;
	}
	return n;
}

static bool word_eq(const word *a, const word *b)
{
	return a->kn == b->kn && memcmp(a->k, b->k, a->kn) == 0;
}

static bool has_digit(const word *w)
{
	for (size_t i = 0; i < w->kn; i++)
		if (w->k[i] >= '0' && w->k[i] <= '9')
			return true;
	return false;
}

static bool is_negation(const word *w)
{
	static const char *const neg[] = {"không", "Không", "chưa", "Chưa", "chẳng", "Chẳng", "đừng",
					  "Đừng", "chớ", "Chớ", "chả", "not", "no", "never"};
	for (size_t i = 0; i < sizeof neg / sizeof neg[0]; i++)
		if (w->kn == strlen(neg[i]) && memcmp(w->k, neg[i], w->kn) == 0)
			return true;
	return false;
}

/* A capitalised word (Latin or Vietnamese capital letter first). */
static bool is_capital(const word *w)
{
	if (!w->kn)
		return false;
	unsigned char c = (unsigned char)w->k[0];
	if (c >= 'A' && c <= 'Z')
		return true;
	if (c < 0x80)
		return false;
	/* decode the first code point and ask whether lower-casing changes it */
	int32_t cp = 0;
	size_t len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1;
	if (len > w->kn)
		return false;
	cp = len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
	for (size_t i = 1; i < len; i++)
		cp = (cp << 6) | ((unsigned char)w->k[i] & 0x3f);
	/* Latin-1 Supplement and Latin Extended capitals used by Vietnamese:
	 * À-Ý (not ×), Ă Đ Ĩ Ũ Ơ Ư, and the Ạ-Ỹ block's even code points */
	if (cp >= 0xc0 && cp <= 0xdd && cp != 0xd7)
		return true;
	if (cp == 0x102 || cp == 0x110 || cp == 0x128 || cp == 0x168 || cp == 0x1a0 || cp == 0x1af)
		return true;
	if (cp >= 0x1ea0 && cp <= 0x1ef9 && (cp % 2) == 0)
		return true;
	return false;
}

static bool sentence_start(const word *w, size_t i)
{
	if (i == 0)
		return true;
	const word *prev = &w[i - 1];
	char last = prev->p[prev->n - 1];
	return last == '.' || last == '!' || last == '?' || last == ':' || last == '"';
}

static bool ends_open(const loa_buf *b)
{
	if (!b->len)
		return true;
	char c = b->data[b->len - 1];
	if (c == ' ')
		return true;
	return b->len >= 2 && ((b->data[b->len - 2] == '[' && c == '-') || (b->data[b->len - 2] == '{' && c == '+'));
}

static void put_words(loa_buf *b, const word *w, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		if (!ends_open(b))
			loa_buf_putc(b, ' ');
		loa_buf_append(b, w[i].p, w[i].n);
	}
}

int loa_fidelity_compare(const char *original, const char *copy, loa_fidelity *f, loa_buf *diff)
{
	memset(f, 0, sizeof *f);
	word *a = calloc(LOA_DIFF_MAX_WORDS, sizeof *a), *b = calloc(LOA_DIFF_MAX_WORDS, sizeof *b);
	if (!a || !b) {
		free(a);
		free(b);
		return LOA_ENOMEM;
	}
	size_t na = split_words(original ? original : "", a, LOA_DIFF_MAX_WORDS);
	size_t nb = split_words(copy ? copy : "", b, LOA_DIFF_MAX_WORDS);
	/* LCS lengths from the end: L[i][j] for a[i..], b[j..] */
	size_t w = nb + 1;
	uint16_t *L = calloc((na + 1) * w, sizeof *L);
	if (!L) {
		free(a);
		free(b);
		return LOA_ENOMEM;
	}
	for (size_t i = na; i-- > 0;)
		for (size_t j = nb; j-- > 0;)
			L[i * w + j] = word_eq(&a[i], &b[j]) ? (uint16_t)(L[(i + 1) * w + j + 1] + 1)
			: L[(i + 1) * w + j] >= L[i * w + j + 1] ? L[(i + 1) * w + j] : L[i * w + j + 1];
	/* walk the alignment into hunks: runs of deleted / inserted words
	 * between equal words */
	size_t i = 0, j = 0;
	bool seen_equal = false;
	size_t last_eq_a = 0; /* end of the last equal run in a */
	size_t hunks_out = 0;
	while (i < na || j < nb) {
		if (i < na && j < nb && word_eq(&a[i], &b[j])) {
			seen_equal = true;
			i++;
			j++;
			last_eq_a = i;
			continue;
		}
		size_t di = i, dj = j;
		while ((i < na || j < nb) && !(i < na && j < nb && word_eq(&a[i], &b[j]))) {
			if (j >= nb || (i < na && L[(i + 1) * w + j] >= L[i * w + j + 1]))
				i++;
			else
				j++;
		}
		bool interior = seen_equal && i < na && j < nb; /* equal words on both sides */
		if (!interior)
			continue;
		f->hunks++;
		bool repl = i > di && j > dj;
		for (size_t k = di; k < i; k++) {
			if (has_digit(&a[k]) && (repl || j > dj))
				f->numbers = true;
			if (is_negation(&a[k]))
				f->negations = true;
			if (repl && is_capital(&a[k]) && !sentence_start(a, k))
				f->names = true;
		}
		for (size_t k = dj; k < j; k++) {
			if (has_digit(&b[k]))
				f->numbers = true;
			if (is_negation(&b[k]))
				f->negations = true;
			if (repl && is_capital(&b[k]) && !sentence_start(b, k))
				f->names = true;
		}
		if (diff && hunks_out < 20) {
			size_t ctx = di >= CONTEXT_WORDS ? di - CONTEXT_WORDS : 0;
			(void)last_eq_a;
			if (diff->len)
				loa_buf_puts(diff, " … ");
			else if (ctx > 0)
				loa_buf_puts(diff, "… ");
			put_words(diff, a, ctx, di);
			if (i > di) {
				loa_buf_puts(diff, ends_open(diff) ? "[-" : " [-");
				put_words(diff, a, di, i);
				loa_buf_puts(diff, "-]");
			}
			if (j > dj) {
				loa_buf_puts(diff, ends_open(diff) ? "{+" : " {+");
				put_words(diff, b, dj, j);
				loa_buf_puts(diff, "+}");
			}
			size_t end = i + CONTEXT_WORDS < na ? i + CONTEXT_WORDS : na;
			put_words(diff, a, i, end);
			if (end < na)
				loa_buf_puts(diff, " …");
			hunks_out++;
		}
	}
	if (diff && !diff->data)
		loa_buf_puts(diff, "");
	free(L);
	free(a);
	free(b);
	return LOA_OK;
}

/* ---- reach ---- */

#define MAX_VERSIONS 64

typedef struct orig {
	bool found;
	int64_t id;
	char org[LOA_SLUG_MAX + 1];
	char *title, *body; /* the newest version that is not a withdrawal */
	loa_ms published;
	int version;
	/* every version but withdrawals, oldest first: a pickup is compared
	 * with the version that was current when it was published */
	int nv;
	int vnum[MAX_VERSIONS];
	loa_ms vat[MAX_VERSIONS];
	char *vbody[MAX_VERSIONS];
} orig;

static int orig_cb(void *arg, const loa_official_version *v)
{
	orig *o = arg;
	if (strcmp(v->status, "withdrawn") == 0 && o->found)
		return 0;
	free(o->title);
	free(o->body);
	o->found = true;
	o->id = v->id;
	loa_strlcpy(o->org, v->org, sizeof o->org);
	o->title = strdup(v->title);
	o->body = strdup(v->body);
	o->published = v->first_published;
	o->version = v->version;
	if (strcmp(v->status, "withdrawn") != 0 && o->nv < MAX_VERSIONS) {
		o->vnum[o->nv] = v->version;
		o->vat[o->nv] = v->visible_at;
		o->vbody[o->nv] = strdup(v->body);
		if (!o->vbody[o->nv])
			return LOA_ENOMEM;
		o->nv++;
	}
	return 0;
}

static int version_at(const orig *o, loa_ms t)
{
	int k = 0;
	for (int i = 0; i < o->nv; i++)
		if (o->vat[i] <= t)
			k = i;
	return k;
}

typedef struct src_info {
	char outlet[LOA_KIND_MAX + 1];
	char org[LOA_SLUG_MAX + 1];
	bool network;
	bool picked;
} src_info;

typedef struct scan {
	loa_map sources; /* slug -> src_info */
	const orig *o;
	char own_source[LOA_SLUG_MAX + 16];
	loa_story_sig sig;
	loa_an_doc doc;
	loa_shingles sh;
	loa_buf text;
	json_t *pickups;
	int64_t scanned;
	loa_ms first;
	int faithful, changed;
	int rc;
} scan;

static int src_cb(void *arg, const loa_source *src)
{
	scan *x = arg;
	src_info *si = calloc(1, sizeof *si);
	if (!si)
		return LOA_ENOMEM;
	loa_strlcpy(si->outlet, src->outlet ? src->outlet : "", sizeof si->outlet);
	loa_strlcpy(si->org, src->org ? src->org : "", sizeof si->org);
	/* the network's outlets: press and portals of organisations in the directory */
	si->network = (strcmp(si->outlet, "press") == 0 || strcmp(si->outlet, "portal") == 0) && si->org[0] &&
		      strcmp(src->slug, x->own_source) != 0;
	if (loa_map_set(&x->sources, src->slug, strlen(src->slug), si)) {
		free(si);
		return LOA_ENOMEM;
	}
	return 0;
}

static int sig_of(scan *x, const char *title, const char *text, loa_story_sig *sig)
{
	loa_buf_reset(&x->text);
	if (title)
		loa_buf_puts(&x->text, title);
	loa_buf_puts(&x->text, "\n");
	if (text)
		loa_buf_puts(&x->text, text);
	int rc = loa_an_doc_set(&x->doc, x->text.data, x->text.len);
	if (rc == LOA_OK)
		rc = loa_shingles_make(&x->doc, LOA_STORY_SHINGLE, &x->sh);
	if (rc == LOA_OK)
		loa_story_signature(&x->sh, sig);
	return rc;
}

static int item_cb(void *arg, const loa_item *it)
{
	scan *x = arg;
	if (++x->scanned > LOA_REACH_MAX_SCAN)
		return 1;
	if (strcmp(it->source, x->own_source) == 0 || (it->kind && strcmp(it->kind, "official") == 0))
		return 0;
	if (json_array_size(x->pickups) >= MAX_PICKUPS)
		return 1;
	loa_story_sig sig;
	if ((x->rc = sig_of(x, it->title, it->text, &sig)) != LOA_OK)
		return 1;
	double score = 0;
	if (!loa_story_same(&x->sig, &sig, &score))
		return 0;
	/* "the same story" also holds for a short text quoted whole inside the
	 * official one (the claim a rebuttal answers); a pickup carries a good
	 * part of the official text: the estimated shared shingles, J (|A| +
	 * |B|) / (1 + J), over the official text's |A| */
	double j = loa_story_jaccard(&x->sig, &sig);
	double cover = x->sig.shingles ? j * (double)(x->sig.shingles + sig.shingles) /
						 ((1 + j) * (double)x->sig.shingles)
				       : 0;
	if (cover < LOA_REACH_MIN_COVER)
		return 0;
	src_info *si = loa_map_get(&x->sources, it->source, strlen(it->source));
	if (si)
		si->picked = true;
	loa_fidelity f;
	loa_buf diff;
	loa_buf_init(&diff, 64 * 1024);
	int vi = version_at(x->o, it->published_at);
	const char *against = x->o->nv ? x->o->vbody[vi] : x->o->body;
	if ((x->rc = loa_fidelity_compare(against, it->text ? it->text : it->title, &f, &diff)) != LOA_OK) {
		loa_buf_release(&diff);
		return 1;
	}
	bool faithful = !f.numbers && !f.names && !f.negations;
	if (faithful)
		x->faithful++;
	else
		x->changed++;
	if (x->first == LOA_TIME_NONE || it->published_at < x->first)
		x->first = it->published_at;
	char pub[LOA_TIME_STR_MAX];
	json_t *p = json_pack("{s:I,s:s,s:s,s:s?,s:s?,s:s,s:I,s:f,s:b,s:{s:b,s:b,s:b},s:i,s:s}", "item_id",
			      (json_int_t)it->rowid, "source", it->source, "outlet", si && si->outlet[0] ? si->outlet : "-",
			      "url", it->url, "title", it->title, "published", loa_time_format_rfc3339(it->published_at, pub),
			      "delay_s", (json_int_t)((it->published_at - x->o->published) / 1000), "similarity", score,
			      "faithful", faithful, "changed", "numbers", f.numbers, "names", f.names, "negations",
			      f.negations, "changes", f.hunks, "diff", diff.data ? diff.data : "");
	if (p) {
		const char *k;
		json_t *v;
		void *tmp;
		json_object_foreach_safe(p, tmp, k, v) if (json_is_null(v)) json_object_del(p, k);
		json_object_set_new(p, "version", json_integer(x->o->nv ? x->o->vnum[vi] : x->o->version));
		json_array_append_new(x->pickups, p);
	}
	loa_buf_release(&diff);
	return 0;
}

int loa_reach(loa_store *s, int64_t official_id, loa_ms window, json_t **out, loa_err *err)
{
	if (window <= 0)
		window = LOA_REACH_WINDOW_MS;
	orig o;
	memset(&o, 0, sizeof o);
	loa_official_query q = {0};
	q.id = official_id;
	q.now = LOA_TIME_NONE;
	q.all_versions = true;
	q.limit = 1000;
	int rc = loa_official_versions_each(s, &q, orig_cb, &o, err);
	if (rc == LOA_OK && !o.found)
		rc = loa_err_set(err, LOA_ENOTFOUND, "tin chưa công bố hoặc không có / no such published item: %" PRId64,
				 official_id);
	if (rc == LOA_OK && (!o.title || !o.body))
		rc = LOA_ENOMEM;
	if (rc) {
		free(o.title);
		free(o.body);
		for (int i = 0; i < o.nv; i++)
			free(o.vbody[i]);
		return rc;
	}
	scan x;
	memset(&x, 0, sizeof x);
	x.o = &o;
	x.first = LOA_TIME_NONE;
	snprintf(x.own_source, sizeof x.own_source, "%s-portal", o.org);
	loa_map_init(&x.sources, free);
	loa_an_doc_init(&x.doc);
	loa_buf_init(&x.text, (size_t)32 << 20);
	x.pickups = json_array();
	rc = loa_store_sources_each(s, src_cb, &x, err);
	if (rc == LOA_OK)
		rc = sig_of(&x, o.title, o.body, &x.sig);
	if (rc == LOA_OK) {
		loa_item_filter f;
		loa_item_filter_init(&f);
		f.since = o.published - 3600 * 1000; /* clocks of outlets differ */
		f.until = o.published + window;
		rc = loa_store_items_each(s, &f, item_cb, &x, err);
		if (rc == 1)
			rc = LOA_OK;
		if (rc == LOA_OK)
			rc = x.rc;
	}
	if (rc == LOA_OK) {
		int64_t total = 0, picked = 0;
		size_t it = 0;
		loa_map_entry *e;
		while (loa_map_next(&x.sources, &it, &e)) {
			src_info *si = e->value;
			total += si->network;
			picked += si->network && si->picked;
		}
		char pub[LOA_TIME_STR_MAX];
		*out = json_pack("{s:I,s:s,s:s,s:i,s:s,s:o,s:I,s:I,s:I,s:f,s:i,s:i,s:I}", "id", (json_int_t)o.id, "org",
				 o.org, "title", o.title, "version", o.version, "published",
				 loa_time_format_rfc3339(o.published, pub), "pickups", x.pickups, "pickup_count",
				 (json_int_t)json_array_size(x.pickups), "outlets_total", (json_int_t)total,
				 "outlets_picked", (json_int_t)picked, "coverage", total ? (double)picked / (double)total : 0.0,
				 "faithful", x.faithful, "changed", x.changed, "scanned", (json_int_t)x.scanned);
		x.pickups = NULL;
		if (*out)
			json_object_set_new(*out, "first_pickup_s", x.first == LOA_TIME_NONE ? json_null()
								    : json_integer((x.first - o.published) / 1000));
		else
			rc = LOA_ENOMEM;
	}
	json_decref(x.pickups);
	loa_map_release(&x.sources);
	loa_an_doc_release(&x.doc);
	loa_shingles_release(&x.sh);
	loa_buf_release(&x.text);
	free(o.title);
	free(o.body);
	for (int i = 0; i < o.nv; i++)
		free(o.vbody[i]);
	return rc;
}
