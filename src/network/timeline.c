/*
 * timeline.c - the network-wide timeline (SPEC N6): official items and the
 * items of the network's portals and press, newest first, with the
 * signature status recorded for each entry that came in signed.
 */
#include "network/net_int.h"
#include "core/map.h"
#include "store/item_json.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define TIMELINE_SCAN_MAX 100000

typedef struct tl {
	loa_store *s;
	loa_map net; /* source slug -> (void *)1 */
	json_t *items;
	int limit;
	int64_t scanned;
	loa_ms last_t;
	int64_t last_id;
} tl;

static int src_cb(void *arg, const loa_source *src)
{
	tl *t = arg;
	bool outlet = src->outlet && (strcmp(src->outlet, "portal") == 0 || strcmp(src->outlet, "press") == 0 ||
				      strcmp(src->outlet, "agency") == 0);
	if (outlet && src->org && *src->org)
		return loa_map_set(&t->net, src->slug, strlen(src->slug), (void *)1) ? LOA_ENOMEM : 0;
	return 0;
}

static int item_cb(void *arg, const loa_item *it)
{
	tl *t = arg;
	if (++t->scanned > TIMELINE_SCAN_MAX)
		return 1;
	bool official = it->kind && strcmp(it->kind, "official") == 0;
	if (!official && !loa_map_has(&t->net, it->source, strlen(it->source)))
		return 0;
	json_t *j = loa_item_to_json(it);
	if (!j)
		return LOA_ENOMEM;
	json_object_set_new(j, "item_id", json_integer(it->rowid));
	char st[32] = "";
	if (official)
		loa_strlcpy(st, "ok", sizeof st);
	else if (it->id)
		loa_network_entry_status(t->s, it->source, it->id, st, NULL);
	json_object_set_new(j, "signature", json_string(st[0] ? st : "unsigned"));
	json_array_append_new(t->items, j);
	t->last_t = it->published_at;
	t->last_id = it->rowid;
	return (int)json_array_size(t->items) >= t->limit ? 1 : 0;
}

int loa_network_timeline(loa_store *s, loa_ms before, int64_t before_rowid, int limit, json_t **out, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	tl t;
	memset(&t, 0, sizeof t);
	t.s = s;
	t.limit = limit > 0 ? limit : 50;
	t.items = json_array();
	loa_map_init(&t.net, NULL);
	rc = loa_store_sources_each(s, src_cb, &t, err);
	if (rc == LOA_OK) {
		loa_item_filter f;
		loa_item_filter_init(&f);
		f.newest_first = true;
		f.before_time = before;
		f.before_rowid = before_rowid;
		rc = loa_store_items_each(s, &f, item_cb, &t, err);
		if (rc == 1)
			rc = LOA_OK;
	}
	if (rc == LOA_OK) {
		json_t *next = json_null();
		if ((int)json_array_size(t.items) >= t.limit) {
			char c[64];
			snprintf(c, sizeof c, "%" PRId64 ".%" PRId64, t.last_t, t.last_id);
			next = json_string(c);
		}
		*out = json_pack("{s:O,s:o}", "items", t.items, "next_cursor", next);
		if (!*out)
			rc = LOA_ENOMEM;
	}
	json_decref(t.items);
	loa_map_release(&t.net);
	return rc;
}
