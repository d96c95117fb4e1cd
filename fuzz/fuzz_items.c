/*
 * fuzz_items.c - libFuzzer harness for the store's item codec
 * (store/item_json.h): every line of the input goes through
 * loa_item_parse_line(), and what parses through loa_item_normalize() and
 * loa_item_ident() (no database). Round trips:
 *   - the normalised item written as a JSON line parses again, normalises
 *     again, and keeps its identity key and content hash;
 *   - the item as read (not normalised) written as a JSON line gives the
 *     same identity after normalisation;
 *   - the CSV record read back by a small RFC 4180 reader gives the same
 *     strings, field by field.
 * Also: URL canonicalisation is idempotent.
 *
 * Build with -DLOA_FUZZ=ON (clang); the normal build replays the seed
 * corpus in fuzz/corpus/items through replay_main.c.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/ltime.h"
#include "store/item_json.h"
#include "store/store.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                           \
	do {                                                                               \
		if (!(c)) {                                                                \
			fprintf(stderr, "fuzz_items: check failed: %s (line %d)\n", #c, __LINE__); \
			abort();                                                           \
		}                                                                          \
	} while (0)

#define MAX_LINES 32
#define NFIELDS 18 /* loa_item_fields */

/* Identity key and content hash of a normalised item. */
static void ident_of(const loa_item *norm, loa_buf *out, uint64_t *hash)
{
	loa_buf_reset(out);
	CHECK(loa_item_ident(norm, out) == LOA_OK);
	CHECK(out->len > 0);
	*hash = loa_item_content_hash(norm);
}

/* Writes *it as a JSON line, parses it back, normalises it: must work and
 * give the same identity key (and the same content hash when want_hash). */
static void jsonl_round_trip(const loa_item *it, const char *ident, uint64_t hash, bool want_hash)
{
	loa_buf line, scratch, id2;
	loa_buf_init(&line, (size_t)64 << 20);
	loa_buf_init(&scratch, (size_t)64 << 20);
	loa_buf_init(&id2, (size_t)64 << 20);
	CHECK(loa_item_write_jsonl(&line, it) == LOA_OK);
	CHECK(line.len > 1 && line.data[line.len - 1] == '\n');
	json_t *root = NULL;
	loa_item again, norm;
	loa_err err;
	int rc = loa_item_parse_line(line.data, line.len - 1, &root, &again, &err);
	if (rc != LOA_OK) {
		fprintf(stderr, "written line does not parse: %s\n%s", err.msg, line.data);
		abort();
	}
	rc = loa_item_normalize(&again, &norm, &scratch, &err);
	if (rc != LOA_OK) {
		fprintf(stderr, "written line does not normalise: %s\n%s", err.msg, line.data);
		abort();
	}
	uint64_t h2;
	ident_of(&norm, &id2, &h2);
	if (strcmp(ident, id2.data) != 0 || (want_hash && hash != h2)) {
		fprintf(stderr, "identity changed: '%s' -> '%s' (hash %llx -> %llx)\n%s", ident,
			id2.data, (unsigned long long)hash, (unsigned long long)h2, line.data);
		abort();
	}
	json_decref(root);
	loa_buf_release(&line);
	loa_buf_release(&scratch);
	loa_buf_release(&id2);
}

/* Reads one RFC 4180 record ending in CRLF from s[0..n) into fields
 * (malloc'd copies). Returns the number of fields, -1 when malformed. */
static int csv_read(const char *s, size_t n, char **fields, int max)
{
	size_t i = 0;
	int nf = 0;
	for (;;) {
		if (nf == max)
			return -1;
		loa_buf f;
		loa_buf_init(&f, n + 1);
		if (i < n && s[i] == '"') {
			i++;
			for (;;) {
				if (i >= n) {
					loa_buf_release(&f);
					return -1;
				}
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						CHECK(loa_buf_putc(&f, '"') == LOA_OK);
						i += 2;
						continue;
					}
					i++;
					break;
				}
				CHECK(loa_buf_putc(&f, s[i]) == LOA_OK);
				i++;
			}
		} else {
			while (i < n && s[i] != ',' && s[i] != '\r' && s[i] != '\n' && s[i] != '"')
				CHECK(loa_buf_putc(&f, s[i++]) == LOA_OK);
		}
		char *fd = loa_buf_detach(&f, NULL);
		fields[nf++] = fd ? fd : strdup("");
		CHECK(fields[nf - 1]);
		if (i < n && s[i] == ',') {
			i++;
			continue;
		}
		if (i + 2 == n && s[i] == '\r' && s[i + 1] == '\n')
			return nf;
		return -1;
	}
}

static void csv_round_trip(const loa_item *it)
{
	loa_buf out;
	loa_buf_init(&out, (size_t)64 << 20);
	CHECK(loa_item_write_csv(&out, it) == LOA_OK);
	char *f[NFIELDS + 1];
	int nf = csv_read(out.data, out.len, f, NFIELDS + 1);
	if (nf != NFIELDS) {
		fprintf(stderr, "CSV record does not read back (%d fields): %s\n", nf, out.data);
		abort();
	}
	const char *want[NFIELDS] = {it->source, it->id, it->kind, it->platform, it->url,
				     it->title, it->text, it->html, it->author, it->lang,
				     NULL, NULL, it->parent_id, it->shared_from, it->org};
	for (int k = 0; k < NFIELDS; k++) {
		if (k == 10 || k == 11 || k >= 15)
			continue; /* times and counts */
		const char *w = want[k] ? want[k] : "";
		if (strcmp(w, f[k]) != 0) {
			fprintf(stderr, "CSV field %s changed: '%s' -> '%s'\n", loa_item_fields[k], w,
				f[k]);
			abort();
		}
	}
	if (it->published_at != LOA_TIME_NONE) {
		loa_ms t;
		CHECK(loa_time_parse_rfc3339(f[10], strlen(f[10]), &t) == LOA_OK);
		CHECK(t == it->published_at);
	}
	for (int k = 0; k < nf; k++)
		free(f[k]);
	loa_buf_release(&out);
}

static void url_idempotent(const char *url)
{
	loa_buf a, b;
	loa_buf_init(&a, LOA_ITEM_URL_MAX * 4);
	loa_buf_init(&b, LOA_ITEM_URL_MAX * 4);
	if (loa_url_canonical(url, &a) == LOA_OK && a.data) {
		CHECK(loa_url_canonical(a.data, &b) == LOA_OK);
		if (strcmp(a.data, b.data ? b.data : "") != 0) {
			fprintf(stderr, "URL canonical form not idempotent: '%s' -> '%s' -> '%s'\n",
				url, a.data, b.data ? b.data : "");
			abort();
		}
	}
	loa_buf_release(&a);
	loa_buf_release(&b);
}

static void one_line(const char *s, size_t n)
{
	json_t *root = NULL;
	loa_item it, norm;
	loa_err err;
	int rc = loa_item_parse_line(s, n, &root, &it, &err);
	if (rc != LOA_OK) {
		CHECK(rc == LOA_EPARSE || rc == LOA_ENOMEM);
		json_decref(root);
		return;
	}
	if (it.url)
		url_idempotent(it.url);
	loa_buf scratch, ident;
	loa_buf_init(&scratch, (size_t)64 << 20);
	loa_buf_init(&ident, (size_t)64 << 20);
	rc = loa_item_normalize(&it, &norm, &scratch, &err);
	if (rc == LOA_OK) {
		uint64_t hash;
		ident_of(&norm, &ident, &hash);
		/* a fixed fetch time so that the content hash can be compared */
		norm.fetched_at = 1700000000000;
		jsonl_round_trip(&norm, ident.data, hash, true);
		loa_item raw = it;
		jsonl_round_trip(&raw, ident.data, hash, false);
		csv_round_trip(&norm);
		csv_round_trip(&it);
	} else {
		CHECK(rc == LOA_EINVAL);
		/* what does not normalise is still written */
		loa_buf out;
		loa_buf_init(&out, (size_t)64 << 20);
		CHECK(loa_item_write_jsonl(&out, &it) == LOA_OK);
		CHECK(loa_item_write_csv(&out, &it) == LOA_OK);
		loa_buf_release(&out);
	}
	loa_buf_release(&scratch);
	loa_buf_release(&ident);
	json_decref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t start = 0;
	int lines = 0;
	for (size_t i = 0; i <= size && lines < MAX_LINES; i++) {
		if (i == size || s[i] == '\n') {
			if (i > start)
				one_line(s + start, i - start);
			start = i + 1;
			lines++;
		}
	}
	return 0;
}
