/*
 * schema.c - the network room's tables (store/sql.h migrations) and the
 * helpers every file of the room shares.
 */
#include "network/net_int.h"
#include "store/sql.h"

#include <string.h>

#include "core/banned.h"

static const char *const migrations[] = {
	/* 1: directory, keys, official publishing, WebSub hub and subscriber,
	 * verification status of incoming entries */
	"CREATE TABLE net_channels(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  org TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL,\n"
	"  url TEXT NOT NULL DEFAULT '',\n"
	"  handle TEXT NOT NULL DEFAULT '',\n"
	"  name TEXT,\n"
	"  created_at INTEGER NOT NULL,\n"
	"  UNIQUE(org, kind, url, handle));\n"
	"CREATE TABLE net_journalists(\n"
	"  login TEXT PRIMARY KEY,\n"
	"  org TEXT NOT NULL,\n"
	"  name TEXT NOT NULL,\n"
	"  email TEXT NOT NULL DEFAULT '',\n"
	"  beat TEXT NOT NULL DEFAULT '',\n"
	"  created_at INTEGER NOT NULL);\n"
	"CREATE TABLE net_keys(\n"
	"  key_id TEXT PRIMARY KEY,\n"
	"  org TEXT NOT NULL,\n"
	"  public_key BLOB NOT NULL,\n"
	"  valid_from INTEGER NOT NULL,\n"
	"  valid_to INTEGER,\n"
	"  created_at INTEGER NOT NULL);\n"
	"CREATE INDEX net_keys_org ON net_keys(org, valid_from);\n"
	"CREATE TABLE net_key_secrets(\n"
	"  key_id TEXT PRIMARY KEY,\n"
	"  nonce BLOB NOT NULL,\n"
	"  sealed BLOB NOT NULL);\n"
	"CREATE TABLE net_remote_keys(\n"
	"  key_id TEXT PRIMARY KEY,\n"
	"  org TEXT,\n"
	"  public_key BLOB NOT NULL,\n"
	"  valid_from INTEGER,\n"
	"  valid_to INTEGER,\n"
	"  origin TEXT,\n"
	"  fetched_at INTEGER NOT NULL);\n"
	"CREATE TABLE net_official(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  org TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL,\n"
	"  state TEXT NOT NULL,\n"
	"  title TEXT NOT NULL,\n"
	"  body TEXT NOT NULL,\n"
	"  topic TEXT,\n"
	"  embargo_until INTEGER,\n"
	"  created_by TEXT NOT NULL,\n"
	"  created_at INTEGER NOT NULL,\n"
	"  updated_at INTEGER NOT NULL,\n"
	"  approved_by TEXT,\n"
	"  version INTEGER NOT NULL DEFAULT 0,\n"
	"  first_published INTEGER);\n"
	"CREATE INDEX net_official_org ON net_official(org, state);\n"
	"CREATE TABLE net_versions(\n"
	"  official_id INTEGER NOT NULL,\n"
	"  version INTEGER NOT NULL,\n"
	"  status TEXT NOT NULL,\n"
	"  title TEXT NOT NULL,\n"
	"  body TEXT NOT NULL,\n"
	"  reason TEXT,\n"
	"  signed TEXT NOT NULL,\n"
	"  sig TEXT NOT NULL,\n"
	"  key_id TEXT NOT NULL,\n"
	"  at INTEGER NOT NULL,\n"
	"  visible_at INTEGER NOT NULL,\n"
	"  released INTEGER NOT NULL DEFAULT 0,\n"
	"  actor TEXT NOT NULL,\n"
	"  PRIMARY KEY(official_id, version));\n"
	"CREATE INDEX net_versions_release ON net_versions(released, visible_at);\n"
	"CREATE TABLE net_hub_subs(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  topic TEXT NOT NULL,\n"
	"  callback TEXT NOT NULL,\n"
	"  secret TEXT,\n"
	"  lease_s INTEGER NOT NULL,\n"
	"  expires_at INTEGER NOT NULL,\n"
	"  created_at INTEGER NOT NULL,\n"
	"  verified_at INTEGER NOT NULL,\n"
	"  UNIQUE(topic, callback));\n"
	"CREATE TABLE net_hub_intents(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  mode TEXT NOT NULL,\n"
	"  topic TEXT NOT NULL,\n"
	"  callback TEXT NOT NULL,\n"
	"  secret TEXT,\n"
	"  lease_s INTEGER NOT NULL,\n"
	"  created_at INTEGER NOT NULL);\n"
	"CREATE TABLE net_hub_events(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  topic TEXT NOT NULL,\n"
	"  created_at INTEGER NOT NULL,\n"
	"  state TEXT NOT NULL DEFAULT 'new',\n"
	"  content_type TEXT,\n"
	"  body BLOB,\n"
	"  attempts INTEGER NOT NULL DEFAULT 0,\n"
	"  next_at INTEGER NOT NULL DEFAULT 0,\n"
	"  last_error TEXT);\n"
	"CREATE INDEX net_hub_events_state ON net_hub_events(state, next_at);\n"
	"CREATE TABLE net_hub_deliveries(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  event_id INTEGER NOT NULL,\n"
	"  sub_id INTEGER NOT NULL,\n"
	"  state TEXT NOT NULL DEFAULT 'pending',\n"
	"  attempts INTEGER NOT NULL DEFAULT 0,\n"
	"  next_at INTEGER NOT NULL,\n"
	"  last_status INTEGER,\n"
	"  last_error TEXT,\n"
	"  done_at INTEGER);\n"
	"CREATE INDEX net_hub_deliveries_due ON net_hub_deliveries(state, next_at);\n"
	"CREATE TABLE net_subs(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  topic TEXT NOT NULL,\n"
	"  hub TEXT NOT NULL,\n"
	"  source TEXT,\n"
	"  secret TEXT,\n"
	"  state TEXT NOT NULL,\n"
	"  lease_s INTEGER,\n"
	"  expires_at INTEGER,\n"
	"  created_at INTEGER NOT NULL,\n"
	"  last_push INTEGER);\n"
	"CREATE TABLE net_sub_seen(\n"
	"  sub_id INTEGER NOT NULL,\n"
	"  digest TEXT NOT NULL,\n"
	"  at INTEGER NOT NULL,\n"
	"  PRIMARY KEY(sub_id, digest));\n"
	"CREATE TABLE net_entry_status(\n"
	"  source TEXT NOT NULL,\n"
	"  entry_id TEXT NOT NULL,\n"
	"  status TEXT NOT NULL,\n"
	"  key_id TEXT,\n"
	"  detail TEXT,\n"
	"  checked_at INTEGER NOT NULL,\n"
	"  PRIMARY KEY(source, entry_id));\n",
	/* 2: when loa last asked a hub to renew one of its own subscriptions */
	"ALTER TABLE net_subs ADD COLUMN renew_at INTEGER;\n",
};

int loa_network_migrate(loa_store *s, loa_err *err)
{
	return loa_sql_room_migrate(s, "network", migrations,
				    (int)(sizeof migrations / sizeof migrations[0]), err);
}

int loa_network_base_url(const loa_config *cfg, loa_buf *out)
{
	const char *b = cfg ? loa_config_get(cfg, "network.base_url") : NULL;
	if (b && *b) {
		size_t n = strlen(b);
		while (n > 0 && b[n - 1] == '/')
			n--;
		return loa_buf_append(out, b, n);
	}
	const char *listen = cfg ? loa_config_get(cfg, "listen") : NULL;
	if (!listen || !*listen)
		listen = "127.0.0.1:8080";
	if (listen[0] == ':')
		return loa_buf_printf(out, "http://127.0.0.1%s", listen);
	return loa_buf_printf(out, "http://%s", listen);
}

int net_audit(loa_store *s, const char *actor, const char *action, const char *target,
	      const char *detail, loa_err *err)
{
	loa_audit a = {0};
	a.at = LOA_TIME_NONE;
	a.actor = actor && *actor ? actor : "cli";
	a.action = action;
	a.target = target;
	a.detail = detail;
	return loa_store_audit_append(s, &a, err);
}

bool net_slug_ok(const char *s)
{
	if (!s || !*s || strlen(s) > LOA_SLUG_MAX)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		      *p == '.'))
			return false;
	return true;
}

void net_collapse_ws(const char *s, loa_buf *out)
{
	bool space = false, any = false;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		/* ASCII whitespace and U+00A0 (C2 A0) count as one space */
		bool ws = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v';
		if (!ws && p[0] == 0xc2 && p[1] == 0xa0) {
			ws = true;
			p++;
		}
		if (ws) {
			space = any;
			continue;
		}
		if (space)
			loa_buf_putc(out, ' ');
		space = false;
		any = true;
		loa_buf_putc(out, (char)*p);
	}
	if (!out->data)
		loa_buf_puts(out, "");
}
