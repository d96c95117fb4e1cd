/*
 * item_json.h - the one item codec: JSON lines (docs/formats/items.md) in
 * and out, and CSV out, shared by `loa import`, `loa export` and the HTTP
 * API (POST /api/v1/items).
 *
 * Ownership (jansson references): loa_item_from_json() *borrows* obj and
 * points the strings of *it into it, so *it is valid only while obj lives
 * and is not modified; it may replace a numeric "id"/"parent_id" in obj by
 * its string form. loa_item_parse_line() returns a new reference in *root
 * that the caller json_decref()s (also after an error; NULL then is fine).
 * loa_item_to_json() returns a new reference. The writers append to a
 * loa_buf owned by the caller.
 */
#ifndef LOA_STORE_ITEM_JSON_H
#define LOA_STORE_ITEM_JSON_H

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "store/store.h"

/* The field names, in the order export writes them; NULL-terminated. */
extern const char *const loa_item_fields[];

/* Decodes an item object. Unknown keys are ignored, null means absent.
 * LOA_EPARSE for a wrong type or a bad time, with a message naming the
 * field. Required fields are checked by loa_item_normalize() (the store). */
int loa_item_from_json(json_t *obj, loa_item *it, loa_err *err);

/* Parses one line (s[0..n), no newline) and decodes it.
 * LOA_EPARSE: bad JSON (with the column) or not an object or bad field. */
int loa_item_parse_line(const char *s, size_t n, json_t **root, loa_item *it, loa_err *err);

/* A new JSON object with the fields of *it that are present. NULL when
 * out of memory. */
json_t *loa_item_to_json(const loa_item *it);

/* Appends *it as one JSON line (with "\n"). */
int loa_item_write_jsonl(loa_buf *out, const loa_item *it);
/* Appends the CSV header / one CSV record (RFC 4180: CRLF, fields quoted
 * when they hold a comma, quote, CR or LF, quotes doubled). */
int loa_item_write_csv_header(loa_buf *out);
int loa_item_write_csv(loa_buf *out, const loa_item *it);

#endif
