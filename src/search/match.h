/*
 * match.h - streaming match: many saved queries compiled together and
 * checked against one item at a time.
 *
 * The term layer is one vectorscan (Hyperscan) literal database of units:
 * every syllable of the queries' terms as the "loa" FTS5 tokenizer emits it
 * ("\x01syllable\x01"; a prefix "\x01pre"), scanned over the item's
 * distinct terms, each written once ("\x01term\x01term...\x01"; the
 * terms are the index's: same normalisation, folding, numbers,
 * abbreviations, positions). A query term (an atom) is one unit or a
 * phrase of several. Above the scan: an atom of one unit occurs where its
 * term does; a phrase is found in one walk over the item's terms in order,
 * at each two adjacent syllables that start a phrase (a table of those
 * pairs, compiled with the queries; a phrase ending in a prefix along the
 * occurrences of its first syllable), in one column (title or text).
 * Positions are gathered only for the operands of NEAR/n and ONEAR/n of
 * the queries evaluated. Above that, each query whose anchor terms were
 * hit (and each query that can match without any term, e.g. source:x NOT
 * y) whose required atoms were all hit is evaluated as a boolean
 * expression, unless it is only terms ANDed (then the hits decide).
 * Each query is compiled once into a flat program (atoms as small ints);
 * candidates are a bitset over queries.
 *
 * Ownership: a loa_matcher owns its queries (parsed copies), the vectorscan
 * database and scratch; freed by loa_matcher_free(). The id array returned
 * by loa_matcher_match() belongs to the matcher and is valid until the next
 * call. One thread at a time per matcher.
 */
#ifndef LOA_SEARCH_MATCH_H
#define LOA_SEARCH_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/ltime.h"
#include "search/query.h"
#include "search/search.h"

#define LOA_MATCH_MAX_QUERIES 100000
#define LOA_MATCH_MAX_TEXT ((size_t)16 << 20) /* longer items are cut */

typedef struct loa_matcher loa_matcher;

int loa_matcher_new(loa_matcher **out, loa_err *err);
void loa_matcher_free(loa_matcher *m);
/* Parses and adds a query under `id` (the caller's key, e.g. the saved
 * query's id). Parse errors are returned with the parser's message. */
int loa_matcher_add(loa_matcher *m, int64_t id, const char *query, loa_ms now, loa_err *err);
/* Compiles the term layer; call after the last add, before matching. */
int loa_matcher_compile(loa_matcher *m, loa_err *err);
size_t loa_matcher_count(const loa_matcher *m);
/* The ids of the queries that match *it (order of addition). */
int loa_matcher_match(loa_matcher *m, const loa_search_item *it, const int64_t **ids, size_t *n,
		      loa_err *err);

#endif
