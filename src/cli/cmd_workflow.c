/*
 * cmd_workflow.c - `loa workflow`: the press office's cases (journalists'
 * questions, corrections, feedback, comments, rebuttals), routing rules,
 * statistics, the tick, conferences, cadence, policies, plans, the
 * rebuttal kit (docs/rooms/workflow.md).
 */
#include "auth/auth.h"
#include "cli/cli.h"
#include "core/buf.h"
#include "core/str.h"
#include "search/search.h"
#include "workflow/workflow.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

enum {
	O_TYPE = CLI_OPT_FIRST_FREE, O_STATE, O_ORG, O_UNIT, O_TOPIC, O_KEYWORDS, O_EMAIL, O_PRIORITY, O_TITLE,
	O_BODY, O_TEXT, O_NOTE, O_LABEL, O_BY, O_OPEN, O_OVERDUE, O_LIMIT, O_JSON, O_SINCE, O_YEAR, O_HOUR,
	O_START, O_END, O_LOCATION, O_SUMMARY, O_HELD, O_CANCEL, O_FILE, O_SLUG, O_QUERY, O_FORM, O_LEGAL,
	O_AGENCY, O_CLAIM, O_MIN, O_HTML, O_KIND, O_LOGIN, O_NAME, O_DEADLINE, O_DAYS, O_QUARTER, O_OWNER,
	O_DUE, O_THEME, O_LINK, O_MESSAGE, O_CHANNELS, O_NOW,
};

typedef struct opts {
	const char *type, *state, *org, *unit, *topic, *keywords, *email, *title, *body, *text, *note, *label, *by;
	const char *since, *start, *end, *location, *summary, *file, *slug, *query, *form, *legal, *agency, *kind;
	const char *login, *name, *deadline, *owner, *due, *link, *message, *channels, *now;
	int64_t priority, limit, year, hour, claim, min, days, quarter, theme;
	bool open, overdue, json, held, cancel, html;
} opts;

static int read_file(const char *path, loa_buf *out)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return LOA_EIO;
	char buf[65536];
	size_t n;
	int rc = LOA_OK;
	while (!rc && (n = fread(buf, 1, sizeof buf, f)) > 0)
		rc = loa_buf_append(out, buf, n);
	if (f != stdin)
		fclose(f);
	return rc;
}

static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s)
		puts(s);
	free(s);
}

static int fail_rc(int rc, const loa_err *err)
{
	cli_fail("workflow", "%s", loa_err_msg(err));
	return rc == LOA_EINVAL || rc == LOA_EPARSE ? LOA_EXIT_USAGE : LOA_EXIT_FAIL;
}

static int parse_time(const char *s, loa_ms *out)
{
	if (!s)
		return LOA_EINVAL;
	if (loa_time_parse_rfc3339(s, strlen(s), out) == LOA_OK)
		return LOA_OK;
	int64_t y, m, d;
	if (strlen(s) == 10 && !loa_parse_i64n((loa_str){s, 4}, &y) && !loa_parse_i64n((loa_str){s + 5, 2}, &m) &&
	    !loa_parse_i64n((loa_str){s + 8, 2}, &d) && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
		*out = (loa_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 - LOA_VN_OFFSET_MIN * 60) * 1000;
		return LOA_OK;
	}
	return LOA_EPARSE;
}

static void print_cases(json_t *arr)
{
	size_t i;
	json_t *c;
	json_array_foreach(arr, i, c) {
		const char *due = json_string_value(json_object_get(c, "due_date"));
		const char *t = json_string_value(json_object_get(c, "title"));
		const char *ex = json_string_value(json_object_get(c, "excerpt"));
		printf("#%-6" JSON_INTEGER_FORMAT " %-10s %-12s %-16s %-10s %s%s\n",
		       json_integer_value(json_object_get(c, "id")), json_string_value(json_object_get(c, "type")),
		       json_string_value(json_object_get(c, "state")),
		       json_string_value(json_object_get(c, "unit")) ? json_string_value(json_object_get(c, "unit")) : "-",
		       due ? due : "-", json_is_true(json_object_get(c, "overdue")) ? "[QUÁ HẠN] " : "",
		       t ? t : (ex ? ex : ""));
	}
}

static int sub_cases(loa_wf *w, opts *o)
{
	loa_wf_filter f = {0};
	f.type = o->type;
	f.state = o->state;
	f.org = o->org;
	f.unit = o->unit;
	f.label = o->label;
	f.open_only = o->open;
	f.overdue_only = o->overdue;
	f.limit = (int)(o->limit ? o->limit : 100);
	json_t *arr = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_cases_list(w, &f, &arr, &err);
	if (rc)
		return fail_rc(rc, &err);
	if (o->json)
		print_json(arr);
	else
		print_cases(arr);
	json_decref(arr);
	return LOA_EXIT_OK;
}

static int sub_stats(loa_wf *w, opts *o)
{
	loa_ms since = LOA_TIME_NONE;
	if (o->since && parse_time(o->since, &since))
		return cli_usage_error("workflow", "--since không hợp lệ / bad --since");
	json_t *arr = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_stats(w, o->type ? o->type : "question", o->org, since, &arr, &err);
	if (rc)
		return fail_rc(rc, &err);
	if (o->json) {
		print_json(arr);
	} else {
		printf("%-24s %6s %8s %6s %8s %8s %10s %10s\n", "đơn vị/unit", "hồ sơ", "đã trả lời", "mở", "quá hạn",
		       "đúng hạn", "TB ngày", "trung vị");
		size_t i;
		json_t *u;
		json_array_foreach(arr, i, u) {
			json_t *mean = json_object_get(u, "mean_days"), *med = json_object_get(u, "median_days");
			printf("%-24s %6" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT " %6" JSON_INTEGER_FORMAT
			       " %8" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT " %10.1f %10.1f\n",
			       json_string_value(json_object_get(u, "unit")), json_integer_value(json_object_get(u, "cases")),
			       json_integer_value(json_object_get(u, "answered")), json_integer_value(json_object_get(u, "open")),
			       json_integer_value(json_object_get(u, "overdue")),
			       json_integer_value(json_object_get(u, "answered_on_time")), mean ? json_real_value(mean) : 0.0,
			       med ? json_real_value(med) : 0.0);
		}
	}
	json_decref(arr);
	return LOA_EXIT_OK;
}

/* The actor: --by LOGIN acts as that user (its role and organisation);
 * without it the command line acts as an administrator ("cli"). */
static int actor_for(loa_store *s, const char *by, loa_user *u, loa_wf_actor *a)
{
	if (!by) {
		*a = (loa_wf_actor){"cli", LOA_ROLE_ADMIN, NULL};
		return LOA_OK;
	}
	loa_err err;
	loa_err_clear(&err);
	if (loa_auth_migrate(s, &err) || loa_user_get(s, by, u, &err))
		return cli_fail("workflow", "không có người dùng / no such user: %s", by);
	*a = (loa_wf_actor){u->login, u->role, u->org[0] ? u->org : NULL};
	return LOA_OK;
}

static int64_t pos_id(const char *s)
{
	int64_t v;
	return s && loa_parse_i64(s, &v) == LOA_OK && v > 0 ? v : -1;
}

int cmd_workflow(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = {
		{"type", required_argument, NULL, O_TYPE}, {"state", required_argument, NULL, O_STATE},
		{"org", required_argument, NULL, O_ORG}, {"unit", required_argument, NULL, O_UNIT},
		{"topic", required_argument, NULL, O_TOPIC}, {"keywords", required_argument, NULL, O_KEYWORDS},
		{"email", required_argument, NULL, O_EMAIL}, {"priority", required_argument, NULL, O_PRIORITY},
		{"title", required_argument, NULL, O_TITLE}, {"body", required_argument, NULL, O_BODY},
		{"text", required_argument, NULL, O_TEXT}, {"note", required_argument, NULL, O_NOTE},
		{"label", required_argument, NULL, O_LABEL}, {"by", required_argument, NULL, O_BY},
		{"open", no_argument, NULL, O_OPEN}, {"overdue", no_argument, NULL, O_OVERDUE},
		{"limit", required_argument, NULL, O_LIMIT}, {"json", no_argument, NULL, O_JSON},
		{"since", required_argument, NULL, O_SINCE}, {"year", required_argument, NULL, O_YEAR},
		{"hour", required_argument, NULL, O_HOUR}, {"start", required_argument, NULL, O_START},
		{"end", required_argument, NULL, O_END}, {"location", required_argument, NULL, O_LOCATION},
		{"summary", required_argument, NULL, O_SUMMARY}, {"held", no_argument, NULL, O_HELD},
		{"cancel", no_argument, NULL, O_CANCEL}, {"file", required_argument, NULL, O_FILE},
		{"slug", required_argument, NULL, O_SLUG}, {"query", required_argument, NULL, O_QUERY},
		{"form", required_argument, NULL, O_FORM}, {"legal-basis", required_argument, NULL, O_LEGAL},
		{"agency", required_argument, NULL, O_AGENCY}, {"claim", required_argument, NULL, O_CLAIM},
		{"min", required_argument, NULL, O_MIN}, {"html", no_argument, NULL, O_HTML},
		{"kind", required_argument, NULL, O_KIND}, {"login", required_argument, NULL, O_LOGIN},
		{"name", required_argument, NULL, O_NAME}, {"deadline", required_argument, NULL, O_DEADLINE},
		{"days", required_argument, NULL, O_DAYS}, {"quarter", required_argument, NULL, O_QUARTER},
		{"owner", required_argument, NULL, O_OWNER}, {"due", required_argument, NULL, O_DUE},
		{"theme", required_argument, NULL, O_THEME}, {"link", required_argument, NULL, O_LINK},
		{"message", required_argument, NULL, O_MESSAGE}, {"channels", required_argument, NULL, O_CHANNELS},
		{"now", required_argument, NULL, O_NOW},
		CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("workflow");
	opts o;
	memset(&o, 0, sizeof o);
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		int64_t *num = NULL;
		switch (c) {
		case O_TYPE: o.type = optarg; break;
		case O_STATE: o.state = optarg; break;
		case O_ORG: o.org = optarg; break;
		case O_UNIT: o.unit = optarg; break;
		case O_TOPIC: o.topic = optarg; break;
		case O_KEYWORDS: o.keywords = optarg; break;
		case O_EMAIL: o.email = optarg; break;
		case O_TITLE: o.title = optarg; break;
		case O_BODY: o.body = optarg; break;
		case O_TEXT: o.text = optarg; break;
		case O_NOTE: o.note = optarg; break;
		case O_LABEL: o.label = optarg; break;
		case O_BY: o.by = optarg; break;
		case O_OPEN: o.open = true; break;
		case O_OVERDUE: o.overdue = true; break;
		case O_JSON: o.json = true; break;
		case O_SINCE: o.since = optarg; break;
		case O_START: o.start = optarg; break;
		case O_END: o.end = optarg; break;
		case O_LOCATION: o.location = optarg; break;
		case O_SUMMARY: o.summary = optarg; break;
		case O_HELD: o.held = true; break;
		case O_CANCEL: o.cancel = true; break;
		case O_FILE: o.file = optarg; break;
		case O_SLUG: o.slug = optarg; break;
		case O_QUERY: o.query = optarg; break;
		case O_FORM: o.form = optarg; break;
		case O_LEGAL: o.legal = optarg; break;
		case O_AGENCY: o.agency = optarg; break;
		case O_HTML: o.html = true; break;
		case O_KIND: o.kind = optarg; break;
		case O_LOGIN: o.login = optarg; break;
		case O_NAME: o.name = optarg; break;
		case O_DEADLINE: o.deadline = optarg; break;
		case O_OWNER: o.owner = optarg; break;
		case O_DUE: o.due = optarg; break;
		case O_LINK: o.link = optarg; break;
		case O_MESSAGE: o.message = optarg; break;
		case O_CHANNELS: o.channels = optarg; break;
		case O_NOW: o.now = optarg; break;
		case O_PRIORITY: num = &o.priority; break;
		case O_LIMIT: num = &o.limit; break;
		case O_YEAR: num = &o.year; break;
		case O_HOUR: num = &o.hour; break;
		case O_CLAIM: num = &o.claim; break;
		case O_MIN: num = &o.min; break;
		case O_DAYS: num = &o.days; break;
		case O_QUARTER: num = &o.quarter; break;
		case O_THEME: num = &o.theme; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
		if (num && (loa_parse_i64(optarg, num) || *num < 0))
			return cli_usage_error("workflow", "số không hợp lệ / bad number: %s", optarg);
	}
	if (optind >= argc)
		return cli_usage_error("workflow", "cần lệnh con / expected a subcommand");
	const char *sub = argv[optind++];
	int npos = argc - optind;
	char **pos = argv + optind;
	if (strcmp(sub, "types") == 0) {
		json_t *t = loa_wf_types_json();
		print_json(t);
		json_decref(t);
		return LOA_EXIT_OK;
	}
	loa_err err;
	loa_err_clear(&err);
	loa_store *s;
	if (loa_store_open_config(ctx->cfg, 0, &s, &err))
		return cli_fail("workflow", "%s", loa_err_msg(&err));
	loa_calendar cal;
	loa_calendar_init(&cal);
	loa_wf w;
	int status = LOA_EXIT_OK, rc;
	loa_user u;
	loa_wf_actor a;
	loa_buf buf;
	loa_buf_init(&buf, (size_t)64 << 20);
	json_t *j = NULL;
	if ((rc = loa_wf_open(&w, s, &cal, &err)) || (rc = loa_wf_config(&w, &cal, ctx->cfg, &err)) ||
	    (rc = loa_auth_migrate(s, &err))) {
		status = fail_rc(rc, &err);
		goto out;
	}
	if (o.now && parse_time(o.now, &w.now)) {
		status = cli_usage_error("workflow", "--now không hợp lệ / bad --now");
		goto out;
	}
	if ((status = actor_for(s, o.by, &u, &a)))
		goto out;
	int64_t id = npos ? pos_id(pos[0]) : -1;

	if (strcmp(sub, "cases") == 0) {
		status = sub_cases(&w, &o);
	} else if (strcmp(sub, "show") == 0) {
		if (id < 0) {
			status = cli_usage_error("workflow", "cần mã hồ sơ / expected a case id");
		} else if ((rc = loa_wf_case_get(&w, id, true, &j, &err))) {
			status = fail_rc(rc, &err);
		} else {
			print_json(j);
		}
	} else if (strcmp(sub, "new") == 0) {
		loa_wf_new n = {0};
		n.type = o.type ? o.type : "question";
		n.org = o.org;
		n.unit = o.unit;
		n.title = o.title;
		n.body = o.body ? o.body : o.text;
		n.topic = o.topic;
		n.label = o.label;
		n.email = o.email;
		n.name = o.name;
		n.due_days = (int)o.days;
		if ((rc = loa_wf_case_create(&w, &n, &a, &id, &err)))
			status = fail_rc(rc, &err);
		else
			printf("%" PRId64 "\n", id);
	} else if (strcmp(sub, "act") == 0) {
		char to[LOA_SLUG_MAX + 1];
		loa_wf_act act = {npos > 1 ? pos[1] : NULL, o.text, o.note, o.unit, o.label};
		if (id < 0 || npos != 2)
			status = cli_usage_error("workflow", "cần MÃ THAO_TÁC / expected ID ACTION");
		else if ((rc = loa_wf_case_act(&w, id, &act, &a, to, &err)))
			status = fail_rc(rc, &err);
		else
			printf("#%" PRId64 " -> %s\n", id, to);
	} else if (strcmp(sub, "edit") == 0) {
		if (id < 0)
			status = cli_usage_error("workflow", "cần mã hồ sơ / expected a case id");
		else if ((rc = loa_wf_case_edit(&w, id, o.title, o.body ? o.body : o.text, o.topic, NULL, &a, &err)))
			status = fail_rc(rc, &err);
	} else if (strcmp(sub, "rules") == 0) {
		const char *what = npos ? pos[0] : "list";
		if (strcmp(what, "add") == 0) {
			loa_wf_rule r = {o.org, o.unit, o.topic, o.keywords, o.email, (int)o.priority};
			int64_t rid;
			if ((rc = loa_wf_rule_add(&w, &r, &a, &rid, &err)))
				status = fail_rc(rc, &err);
			else
				printf("%" PRId64 "\n", rid);
		} else if (strcmp(what, "remove") == 0) {
			int64_t rid = npos > 1 ? pos_id(pos[1]) : -1;
			if (rid < 0)
				status = cli_usage_error("workflow", "cần mã quy tắc / expected a rule id");
			else if ((rc = loa_wf_rule_remove(&w, rid, &a, &err)))
				status = fail_rc(rc, &err);
		} else if ((rc = loa_wf_rules_list(&w, &j, &err))) {
			status = fail_rc(rc, &err);
		} else {
			print_json(j);
		}
	} else if (strcmp(sub, "route") == 0) {
		char unit[LOA_SLUG_MAX + 1];
		int score = 0;
		if ((rc = loa_wf_route_suggest(&w, o.org, o.topic, o.text ? o.text : (npos ? pos[0] : ""), unit, &score, &err)))
			status = fail_rc(rc, &err);
		else
			printf("%s\t%d\n", unit[0] ? unit : "-", score);
	} else if (strcmp(sub, "stats") == 0) {
		status = sub_stats(&w, &o);
	} else if (strcmp(sub, "groups") == 0) {
		loa_ms since = LOA_TIME_NONE;
		if (o.since && parse_time(o.since, &since))
			status = cli_usage_error("workflow", "--since không hợp lệ / bad --since");
		else if ((rc = loa_wf_groups(&w, o.type ? o.type : "feedback", o.org, (int)(o.min ? o.min : 2), since,
					     (int)(o.limit ? o.limit : 50), &j, &err)))
			status = fail_rc(rc, &err);
		else
			print_json(j);
	} else if (strcmp(sub, "tick") == 0) {
		loa_wf_tick_cfg tc = {loa_config_get(ctx->cfg, "smtp.url"), loa_config_get(ctx->cfg, "smtp.from"), 20, 200};
		loa_wf_tick_stats st;
		if ((rc = loa_wf_tick(&w, &tc, NULL, &st, &err)))
			status = fail_rc(rc, &err);
		else
			printf("tick: reminded=%" PRId64 " escalated=%" PRId64 " mailed=%" PRId64 " mail_failed=%" PRId64
			       " linked=%" PRId64 "\n", st.reminded, st.escalated, st.mailed, st.mail_failed, st.linked);
	} else if (strcmp(sub, "public") == 0) {
		bool pub = false;
		if (npos != 2 || (strcmp(pos[1], "on") && strcmp(pos[1], "off")))
			status = cli_usage_error("workflow", "cần ORG on|off / expected ORG on|off");
		else if ((rc = loa_wf_setting_public(&w, pos[0], strcmp(pos[1], "on") == 0, &pub, &err)))
			status = fail_rc(rc, &err);
	} else if (strcmp(sub, "contact") == 0) {
		if ((rc = loa_wf_contact_add(&w, o.login, o.org, o.kind, o.email, &err)))
			status = fail_rc(rc, &err);
	} else if (strcmp(sub, "notices") == 0) {
		if ((rc = loa_wf_notices(&w, &a, false, (int)(o.limit ? o.limit : 50), &j, &err)))
			status = fail_rc(rc, &err);
		else
			print_json(j);
	} else if (strcmp(sub, "correct") == 0) {
		loa_wf_correction cr = {id, o.form, o.text, o.legal, o.org, o.agency, LOA_TIME_NONE, (int)o.days};
		if (o.deadline && parse_time(o.deadline, &cr.deadline)) {
			status = cli_usage_error("workflow", "--deadline không hợp lệ / bad --deadline");
		} else if (id < 0) {
			status = cli_usage_error("workflow", "cần mã tin / expected an item id");
		} else if ((rc = loa_wf_correction_create(&w, &cr, &a, &id, &err))) {
			status = fail_rc(rc, &err);
		} else {
			printf("%" PRId64 "\n", id);
		}
	} else if (strcmp(sub, "conf") == 0) {
		const char *what = npos ? pos[0] : "list";
		int64_t cid = npos > 1 ? pos_id(pos[1]) : -1;
		if (strcmp(what, "add") == 0) {
			loa_wf_conf cf = {o.org, o.title, o.location, NULL, NULL, LOA_TIME_NONE, LOA_TIME_NONE};
			if (parse_time(o.start, &cf.start) || parse_time(o.end, &cf.end))
				status = cli_usage_error("workflow", "cần --start và --end / --start and --end required");
			else if ((rc = loa_wf_conf_create(&w, &cf, &a, &cid, &err)))
				status = fail_rc(rc, &err);
			else
				printf("%" PRId64 "\n", cid);
		} else if (strcmp(what, "schedule") == 0) {
			int made = 0;
			if ((rc = loa_wf_conf_schedule_year(&w, o.org, (int)o.year, (int)(o.hour ? o.hour : 15), &a, &made, &err)))
				status = fail_rc(rc, &err);
			else
				printf("scheduled=%d\n", made);
		} else if (strcmp(what, "ics") == 0) {
			if ((rc = loa_wf_conf_ics(&w, cid, loa_config_get(ctx->cfg, "smtp.from"), &buf, &err)))
				status = fail_rc(rc, &err);
			else
				fwrite(buf.data, 1, buf.len, stdout);
		} else if (strcmp(what, "invite") == 0) {
			int n = 0;
			if ((rc = loa_wf_conf_invite(&w, cid, loa_config_get(ctx->cfg, "smtp.from"), &a, &n, &err)))
				status = fail_rc(rc, &err);
			else
				printf("recipients=%d\n", n);
		} else if (strcmp(what, "close") == 0) {
			if (o.held == o.cancel)
				status = cli_usage_error("workflow", "cần --held hoặc --cancel / --held or --cancel");
			else if ((rc = loa_wf_conf_close(&w, cid, o.held, o.summary, &a, &err)))
				status = fail_rc(rc, &err);
		} else if (strcmp(what, "show") == 0) {
			if ((rc = loa_wf_conf_get(&w, cid, &j, &err)))
				status = fail_rc(rc, &err);
			else
				print_json(j);
		} else if ((rc = loa_wf_conf_list(&w, o.org, LOA_TIME_NONE, &j, &err))) {
			status = fail_rc(rc, &err);
		} else {
			print_json(j);
		}
	} else if (strcmp(sub, "cadence") == 0) {
		int64_t y;
		unsigned mm, dd;
		loa_civil_from_days(loa_vn_day(loa_wf_now(&w)), &y, &mm, &dd);
		if (!npos)
			status = cli_usage_error("workflow", "cần ORG / expected ORG");
		else if ((rc = loa_wf_cadence(&w, pos[0], (int)(o.year ? o.year : y), &j, &err)))
			status = fail_rc(rc, &err);
		else
			print_json(j);
	} else if (strcmp(sub, "policy") == 0) {
		const char *what = npos ? pos[0] : "list";
		int64_t pid = -1;
		if (npos > 1 && (pid = pos_id(pos[1])) < 0 && loa_wf_policy_id(&w, pos[1], &pid, &err))
			pid = -1;
		if (o.file && read_file(o.file, &buf)) {
			status = cli_fail("workflow", "không đọc được tệp / cannot read file: %s", o.file);
		} else if (strcmp(what, "add") == 0) {
			if ((rc = loa_wf_policy_create(&w, o.org, o.slug, o.title, buf.data ? buf.data : o.text, o.query, &a,
						       &pid, &err)))
				status = fail_rc(rc, &err);
			else
				printf("%" PRId64 "\n", pid);
		} else if (strcmp(what, "version") == 0) {
			int n = 0;
			if ((rc = loa_wf_policy_version_add(&w, pid, buf.data ? buf.data : o.text, o.note, &a, &n, &err)))
				status = fail_rc(rc, &err);
			else
				printf("%d\n", n);
		} else if (strcmp(what, "stage") == 0) {
			if (npos != 3)
				status = cli_usage_error("workflow", "cần ID GIAI_ĐOẠN / expected ID STAGE");
			else if ((rc = loa_wf_policy_stage(&w, pid, pos[2], buf.data ? buf.data : o.text, &a, &err)))
				status = fail_rc(rc, &err);
		} else if (strcmp(what, "diff") == 0) {
			int64_t va = npos > 2 ? pos_id(pos[2]) : 1, vb = npos > 3 ? pos_id(pos[3]) : 0;
			if (va < 0 || vb < 0) {
				status = cli_usage_error("workflow", "cần số phiên bản / expected version numbers");
			} else if ((rc = loa_wf_policy_diff(&w, pid, (int)va, (int)vb, &j, &err))) {
				status = fail_rc(rc, &err);
			} else if (o.html) {
				puts(json_string_value(json_object_get(j, "html")));
			} else {
				json_object_del(j, "html");
				print_json(j);
			}
		} else if (strcmp(what, "show") == 0) {
			if ((rc = loa_wf_policy_get(&w, pid, true, &j, &err)))
				status = fail_rc(rc, &err);
			else
				print_json(j);
		} else if ((rc = loa_wf_policy_list(&w, &j, &err))) {
			status = fail_rc(rc, &err);
		} else {
			print_json(j);
		}
	} else if (strcmp(sub, "plan") == 0) {
		const char *what = npos ? pos[0] : "list";
		int64_t pid = npos > 1 ? pos_id(pos[1]) : -1;
		int64_t nid = 0;
		if (strcmp(what, "add") == 0) {
			if ((rc = loa_wf_plan_create(&w, o.org, o.title, (int)o.year, (int)o.quarter, &a, &nid, &err)))
				status = fail_rc(rc, &err);
			else
				printf("%" PRId64 "\n", nid);
		} else if (strcmp(what, "theme") == 0) {
			if ((rc = loa_wf_plan_theme_add(&w, pid, o.title, o.message, o.channels, o.query, &nid, &err)))
				status = fail_rc(rc, &err);
			else
				printf("%" PRId64 "\n", nid);
		} else if (strcmp(what, "task") == 0) {
			if ((rc = loa_wf_plan_task_add(&w, pid, o.theme, o.title, o.owner, o.due, &nid, &err)))
				status = fail_rc(rc, &err);
			else
				printf("%" PRId64 "\n", nid);
		} else if (strcmp(what, "done") == 0) {
			if ((rc = loa_wf_plan_task_done(&w, pid, o.link, &a, &err)))
				status = fail_rc(rc, &err);
		} else if (strcmp(what, "show") == 0) {
			if ((rc = loa_wf_plan_get(&w, pid, &j, &err)))
				status = fail_rc(rc, &err);
			else
				print_json(j);
		} else if ((rc = loa_wf_plan_list(&w, o.org, &j, &err))) {
			status = fail_rc(rc, &err);
		} else {
			print_json(j);
		}
	} else if (strcmp(sub, "kit") == 0) {
		loa_wf_kit_in in = {o.claim, o.text, o.title, o.org};
		loa_search *se = NULL;
		if (loa_search_open_config(ctx->cfg, &se, NULL))
			se = NULL;
		if ((rc = loa_wf_kit_build(&w, &in, se, &a, &id, &err)))
			status = fail_rc(rc, &err);
		else
			printf("%" PRId64 "\n", id);
		loa_search_close(se);
	} else {
		status = cli_usage_error("workflow", "lệnh con không hợp lệ / unknown subcommand: %s", sub);
	}
out:
	json_decref(j);
	loa_buf_release(&buf);
	loa_calendar_release(&cal);
	loa_store_close(s);
	return status;
}
