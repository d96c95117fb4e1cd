/* The workflow engine: transitions by role, due dates across Tết, 30/4–1/5
 * and weekends, midnight in Asia/Ho_Chi_Minh, pause and resume, closure,
 * routing without diacritics, grouping, reminders and escalation with
 * mail to a local SMTP sink, corrections linked from monitoring,
 * publication, policies and comments, conferences and cadence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth/auth.h"
#include "core/calendar.h"
#include "store/sql.h"
#include "store/store.h"
#include "workflow/diff.h"
#include "workflow/engine.h"
#include "workflow/workflow.h"

static char dir[256];
static loa_store *S;
static loa_calendar cal;
static loa_wf W;

static const loa_wf_actor JOURNO = {"nhabao", LOA_ROLE_JOURNALIST, "bao-a"};
static const loa_wf_actor JOURNO2 = {"nhabao2", LOA_ROLE_JOURNALIST, "bao-a"};
static const loa_wf_actor SPOKES = {"phatngon", LOA_ROLE_SPOKESPERSON, "bo-y-te"};
static const loa_wf_actor UNITED = {"vuduoc", LOA_ROLE_EDITOR, "vu-duoc"};
static const loa_wf_actor OTHER = {"khac", LOA_ROLE_SPOKESPERSON, "bo-khac"};
static const loa_wf_actor SYSTEM = {"system", -1, NULL};

static loa_ms at(const char *rfc)
{
	loa_ms t;
	assert_int_equal(loa_time_parse_rfc3339(rfc, strlen(rfc), &t), LOA_OK);
	return t;
}

static int64_t day(int y, unsigned m, unsigned d) { return loa_days_from_civil(y, m, d); }

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/loa-wf-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char path[300];
	snprintf(path, sizeof path, "%s/wf.db", dir);
	loa_err err;
	assert_int_equal(loa_store_open(path, 0, &S, &err), LOA_OK);
	assert_int_equal(loa_auth_migrate(S, &err), LOA_OK);
	static const char *const orgs[][3] = {{"bo-y-te", "Bộ Y tế", "ministry"}, {"vu-duoc", "Cục Quản lý Dược", "unit"},
					      {"vu-kcb", "Cục Quản lý Khám, chữa bệnh", "unit"}, {"bao-a", "Báo A", "press"},
					      {"bo-khac", "Bộ Khác", "ministry"}};
	for (size_t i = 0; i < 5; i++) {
		loa_org o = {0, orgs[i][0], orgs[i][1], orgs[i][2], NULL, LOA_TIME_NONE, LOA_TIME_NONE, NULL};
		assert_int_equal(loa_store_org_add(S, &o, NULL, &err), LOA_OK);
	}
	loa_calendar_init(&cal);
	assert_int_equal(loa_wf_open(&W, S, &cal, &err), LOA_OK);
	loa_wf_rule r1 = {"bo-y-te", "vu-duoc", "Dược", "giá thuốc, thuốc biệt dược, nhà thuốc", "duoc@byt.test", 0};
	loa_wf_rule r2 = {"bo-y-te", "vu-kcb", NULL, "bệnh viện, khám chữa bệnh, bảo hiểm y tế", NULL, 0};
	assert_int_equal(loa_wf_rule_add(&W, &r1, NULL, NULL, &err), LOA_OK);
	assert_int_equal(loa_wf_rule_add(&W, &r2, NULL, NULL, &err), LOA_OK);
	return 0;
}

static int teardown(void **state)
{
	loa_store_close(S);
	loa_calendar_release(&cal);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return 0;
}

static int64_t new_question(const char *body, const loa_wf_actor *a, loa_ms now)
{
	W.now = now;
	loa_wf_new n = {0};
	n.type = "question";
	n.org = "bo-y-te";
	n.body = body;
	n.due_at = LOA_TIME_NONE;
	int64_t id = 0;
	loa_err err;
	assert_int_equal(loa_wf_case_create(&W, &n, a, &id, &err), LOA_OK);
	return id;
}

static json_t *get(int64_t id)
{
	json_t *c = NULL;
	loa_err err;
	assert_int_equal(loa_wf_case_get(&W, id, true, &c, &err), LOA_OK);
	return c;
}

static const char *sget(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static int act(int64_t id, const char *action, const loa_wf_actor *a, const char *text, const char *note,
	       const char *unit)
{
	loa_wf_act x = {action, text, note, unit, NULL};
	loa_err err;
	loa_err_clear(&err);
	return loa_wf_case_act(&W, id, &x, a, NULL, &err);
}

/* ---- due dates ---- */

static void due_dates(void **state)
{
	/* Tết Ất Tỵ 2025: 28/1 (last day of the year) to 1/2 off */
	assert_int_equal(loa_wf_due_day(&cal, at("2025-01-27T09:00:00+07:00"), 5), day(2025, 2, 7));
	/* 30/4 and 1/5 2025 (Wed, Thu), then the weekend */
	assert_int_equal(loa_wf_due_day(&cal, at("2025-04-29T09:00:00+07:00"), 3), day(2025, 5, 6));
	/* a weekend */
	assert_int_equal(loa_wf_due_day(&cal, at("2025-03-14T10:00:00+07:00"), 1), day(2025, 3, 17));
	/* midnight in Vietnam: Thursday 23:30 counts Thursday, 00:10 Friday counts Friday */
	assert_int_equal(loa_wf_due_day(&cal, at("2025-03-13T23:30:00+07:00"), 1), day(2025, 3, 14));
	assert_int_equal(loa_wf_due_day(&cal, at("2025-03-13T17:10:00Z"), 1), day(2025, 3, 17));
	/* the end of the due day is 23:59:59.999 in Vietnam */
	assert_int_equal(loa_wf_day_end(day(2025, 3, 17)), at("2025-03-17T23:59:59.999+07:00"));
	/* a question on Tết's eve: due after the holiday */
	int64_t id = new_question("Bộ Y tế có kế hoạch gì về giá thuốc dịp Tết?", &JOURNO, at("2025-01-27T16:00:00+07:00"));
	json_t *c = get(id);
	assert_string_equal(sget(c, "due_date"), "2025-02-07");
	assert_string_equal(sget(c, "suggested_unit"), "vu-duoc");
	json_decref(c);
	/* configured extra days off move it */
	loa_calendar c2;
	loa_calendar_init(&c2);
	loa_err err;
	assert_int_equal(loa_calendar_add_days(&c2, "2025-02-03", true, &err), LOA_OK);
	assert_int_equal(loa_wf_due_day(&c2, at("2025-01-27T09:00:00+07:00"), 5), day(2025, 2, 10));
	loa_calendar_release(&c2);
}

/* ---- transitions by role, closure ---- */

static void transitions(void **state)
{
	int64_t id = new_question("Xin hỏi về giá thuốc biệt dược tăng mạnh tại các nhà thuốc?", &JOURNO,
				  at("2025-03-03T09:00:00+07:00"));
	W.now = at("2025-03-03T10:00:00+07:00");
	/* a journalist cannot route; another ministry's spokesperson neither */
	assert_int_equal(act(id, "route", &JOURNO, NULL, NULL, NULL), LOA_EPERM);
	assert_int_equal(act(id, "route", &OTHER, NULL, NULL, NULL), LOA_EPERM);
	/* an unknown action; an action of the wrong state */
	assert_int_equal(act(id, "fly", &SPOKES, NULL, NULL, NULL), LOA_EINVAL);
	assert_int_equal(act(id, "approve", &SPOKES, NULL, NULL, NULL), LOA_WF_ECONFLICT);
	/* the spokesperson routes by the rules' suggestion */
	assert_int_equal(act(id, "route", &SPOKES, NULL, NULL, NULL), LOA_OK);
	json_t *c = get(id);
	assert_string_equal(sget(c, "state"), "routed");
	assert_string_equal(sget(c, "unit"), "vu-duoc");
	json_decref(c);
	/* the unit drafts (an answer is required), the journalist cannot */
	assert_int_equal(act(id, "draft", &UNITED, NULL, NULL, NULL), LOA_EINVAL);
	assert_int_equal(act(id, "draft", &JOURNO, "x", NULL, NULL), LOA_EPERM);
	assert_int_equal(act(id, "draft", &UNITED, "Giá thuốc được bình ổn theo Luật Dược.", NULL, NULL), LOA_OK);
	/* only the spokesperson approves */
	assert_int_equal(act(id, "approve", &UNITED, NULL, NULL, NULL), LOA_EPERM);
	assert_int_equal(act(id, "approve", &SPOKES, NULL, NULL, NULL), LOA_OK);
	c = get(id);
	assert_string_equal(sget(c, "state"), "answered");
	assert_true(json_is_true(json_object_get(c, "closed")));
	assert_string_equal(sget(c, "answer"), "Giá thuốc được bình ổn theo Luật Dược.");
	assert_true(json_array_size(json_object_get(c, "events")) >= 4);
	json_decref(c);
	/* closed: edits and other actions refused */
	loa_err err;
	assert_int_equal(loa_wf_case_edit(&W, id, NULL, "sửa", NULL, NULL, &JOURNO, &err), LOA_WF_ECONFLICT);
	assert_int_equal(loa_wf_case_edit(&W, id, "t", NULL, NULL, NULL, &SPOKES, &err), LOA_WF_ECONFLICT);
	assert_int_equal(act(id, "route", &SPOKES, NULL, NULL, "vu-kcb"), LOA_WF_ECONFLICT);
	assert_int_equal(act(id, "withdraw", &JOURNO, NULL, NULL, NULL), LOA_WF_ECONFLICT);
	/* publishing is declared from answered: a publication waits for the network */
	assert_int_equal(act(id, "publish", &SPOKES, NULL, NULL, NULL), LOA_OK);
	c = get(id);
	assert_string_equal(sget(c, "state"), "published");
	assert_string_equal(sget(c, "publish"), "to_publish");
	json_decref(c);
	json_t *pubs = NULL;
	assert_int_equal(loa_wf_publications(&W, "bo-y-te", 10, &pubs, &err), LOA_OK);
	assert_true(json_array_size(pubs) >= 1);
	assert_string_equal(sget(json_array_get(pubs, 0), "state"), "to_publish");
	json_decref(pubs);
	/* every state change is audited */
	int n = 0;
	loa_stmt *st;
	assert_int_equal(loa_sql_prepare(S, "SELECT COUNT(*) FROM audit WHERE action LIKE 'workflow.question.%'", &st, &err),
			 LOA_OK);
	if (loa_sql_step(st, &err) == LOA_SQL_ROW)
		n = (int)loa_sql_col_i64(st, 0);
	loa_sql_finalize(st);
	assert_true(n >= 5);
	/* the journalist heard of it */
	json_t *notes = NULL;
	assert_int_equal(loa_wf_notices(&W, &JOURNO, false, 50, &notes, &err), LOA_OK);
	assert_true(json_array_size(notes) >= 2);
	json_decref(notes);
	/* the requester may withdraw an open case; others may not */
	int64_t id2 = new_question("Câu hỏi khác về bệnh viện tuyến tỉnh quá tải", &JOURNO, at("2025-03-03T11:00:00+07:00"));
	assert_int_equal(act(id2, "withdraw", &JOURNO2, NULL, NULL, NULL), LOA_EPERM);
	assert_int_equal(loa_wf_case_edit(&W, id2, NULL, "Câu hỏi đã sửa về bệnh viện", NULL, NULL, &JOURNO, &err), LOA_OK);
	assert_int_equal(act(id2, "withdraw", &JOURNO, NULL, NULL, NULL), LOA_OK);
}

static void pause_resume(void **state)
{
	int64_t id = new_question("Đề nghị cho biết số liệu khám chữa bệnh bảo hiểm y tế năm 2024", &JOURNO,
				  at("2025-03-03T09:00:00+07:00"));
	json_t *c = get(id);
	assert_string_equal(sget(c, "due_date"), "2025-03-10");
	json_decref(c);
	W.now = at("2025-03-03T10:00:00+07:00");
	assert_int_equal(act(id, "route", &SPOKES, NULL, NULL, NULL), LOA_OK);
	/* Wednesday: the unit asks the journalist for details (a note is required) */
	W.now = at("2025-03-05T15:00:00+07:00");
	loa_wf_actor kcb = {"kcb", LOA_ROLE_ANALYST, "vu-kcb"};
	assert_int_equal(act(id, "ask_info", &UNITED, NULL, "x", NULL), LOA_EPERM); /* not its unit */
	assert_int_equal(act(id, "ask_info", &kcb, NULL, NULL, NULL), LOA_EINVAL);
	assert_int_equal(act(id, "ask_info", &kcb, NULL, "Xin nêu rõ tỉnh nào", NULL), LOA_OK);
	c = get(id);
	assert_true(json_is_true(json_object_get(c, "paused")));
	assert_int_equal(json_integer_value(json_object_get(c, "days_left")), 3);
	json_decref(c);
	/* paused: no escalation even long after */
	W.now = at("2025-03-12T09:00:00+07:00");
	loa_wf_tick_stats st;
	loa_err err;
	assert_int_equal(loa_wf_tick(&W, NULL, NULL, &st, &err), LOA_OK);
	c = get(id);
	assert_false(json_is_true(json_object_get(c, "escalated")));
	json_decref(c);
	/* the journalist replies a week later: 3 working days from then */
	W.now = at("2025-03-12T09:30:00+07:00");
	assert_int_equal(act(id, "reply", &JOURNO2, NULL, "x", NULL), LOA_EPERM);
	assert_int_equal(act(id, "reply", &JOURNO, NULL, "Tỉnh Nghệ An", NULL), LOA_OK);
	c = get(id);
	assert_false(json_is_true(json_object_get(c, "paused")));
	assert_string_equal(sget(c, "due_date"), "2025-03-17");
	assert_string_equal(sget(c, "state"), "routed");
	json_decref(c);
}

/* ---- routing, grouping, similarity ---- */

static void routing_grouping(void **state)
{
	char unit[LOA_SLUG_MAX + 1];
	int score;
	loa_err err;
	/* without diacritics, upper case */
	assert_int_equal(loa_wf_route_suggest(&W, "bo-y-te", NULL, "VI SAO GIA THUOC TANG?", unit, &score, &err), LOA_OK);
	assert_string_equal(unit, "vu-duoc");
	assert_int_equal(loa_wf_route_suggest(&W, "bo-y-te", NULL, "Bệnh viện Bạch Mai quá tải", unit, &score, &err), LOA_OK);
	assert_string_equal(unit, "vu-kcb");
	/* whole words only: "thuốc lá" is not "nhà thuốc"; a topic counts */
	assert_int_equal(loa_wf_route_suggest(&W, "bo-y-te", NULL, "thời tiết hôm nay", unit, &score, &err), LOA_OK);
	assert_string_equal(unit, "");
	assert_int_equal(loa_wf_route_suggest(&W, "bo-y-te", "duoc", "câu hỏi chung", unit, &score, &err), LOA_OK);
	assert_string_equal(unit, "vu-duoc");
	assert_int_equal(score, 3);

	const char *a = "Xin hỏi Bộ Y tế có kế hoạch gì để bình ổn giá thuốc điều trị ung thư trong năm nay?";
	const char *b = "Bộ Y tế có kế hoạch gì để bình ổn giá thuốc điều trị ung thư năm nay không ạ?";
	const char *c = "Bo Y te co ke hoach gi de binh on gia thuoc dieu tri ung thu trong nam nay";
	const char *d = "Khi nào bệnh viện tuyến huyện được nâng cấp trang thiết bị chẩn đoán hình ảnh?";
	assert_true(loa_wf_similarity(a, b) >= LOA_WF_GROUP_MIN);
	assert_true(loa_wf_similarity(a, c) >= LOA_WF_GROUP_MIN);
	assert_true(loa_wf_similarity(a, d) < 0.2);
	assert_true(loa_wf_similarity("", d) == 0);
	int64_t i1 = new_question(a, &JOURNO, at("2025-03-20T09:00:00+07:00"));
	int64_t i2 = new_question(b, &JOURNO2, at("2025-03-20T10:00:00+07:00"));
	int64_t i3 = new_question(d, &JOURNO2, at("2025-03-20T11:00:00+07:00"));
	json_t *c1 = get(i1), *c2 = get(i2), *c3 = get(i3);
	assert_int_equal(json_integer_value(json_object_get(c1, "group_id")), json_integer_value(json_object_get(c2, "group_id")));
	assert_int_not_equal(json_integer_value(json_object_get(c1, "group_id")), json_integer_value(json_object_get(c3, "group_id")));
	json_decref(c1);
	json_decref(c2);
	json_decref(c3);
	json_t *groups = NULL;
	assert_int_equal(loa_wf_groups(&W, "question", NULL, 2, LOA_TIME_NONE, 10, &groups, &err), LOA_OK);
	assert_true(json_array_size(groups) >= 1);
	assert_true(json_integer_value(json_object_get(json_array_get(groups, 0), "size")) >= 2);
	json_decref(groups);
}

/* ---- the tick: reminders, escalation, mail ---- */

static int smtp_fd, smtp_port;
static char smtp_data[262144];
static char smtp_rcpt[1024];
static int smtp_mails;

static void say(int fd, const char *s)
{
	ssize_t w = write(fd, s, strlen(s));
	(void)w;
}

static void *smtp_thread(void *arg)
{
	for (;;) {
		int c = accept(smtp_fd, NULL, NULL);
		if (c < 0)
			return NULL;
		say(c, "220 sink ESMTP\r\n");
		char buf[8192], line[8192];
		size_t ln = 0, dn = strlen(smtp_data);
		int in_data = 0, quit = 0;
		while (!quit) {
			ssize_t r = read(c, buf, sizeof buf);
			if (r <= 0)
				break;
			for (ssize_t i = 0; i < r && !quit; i++) {
				if (ln < sizeof line - 1)
					line[ln++] = buf[i];
				if (buf[i] != '\n')
					continue;
				line[ln] = '\0';
				if (in_data) {
					if (strcmp(line, ".\r\n") == 0) {
						in_data = 0;
						smtp_mails++;
						say(c, "250 queued\r\n");
					} else if (dn + ln < sizeof smtp_data - 1) {
						memcpy(smtp_data + dn, line, ln);
						dn += ln;
						smtp_data[dn] = '\0';
					}
				} else if (strncasecmp(line, "RCPT", 4) == 0) {
					size_t k = strlen(smtp_rcpt);
					snprintf(smtp_rcpt + k, sizeof smtp_rcpt - k, "%.200s", line);
					say(c, "250 ok\r\n");
				} else if (strncasecmp(line, "DATA", 4) == 0) {
					in_data = 1;
					say(c, "354 go on\r\n");
				} else if (strncasecmp(line, "QUIT", 4) == 0) {
					say(c, "221 bye\r\n");
					quit = 1;
				} else {
					say(c, "250 ok\r\n");
				}
				ln = 0;
			}
		}
		close(c);
	}
}

static void start_sink(void)
{
	smtp_fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(smtp_fd, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t al = sizeof a;
	getsockname(smtp_fd, (struct sockaddr *)&a, &al);
	smtp_port = ntohs(a.sin_port);
	listen(smtp_fd, 4);
	pthread_t th;
	pthread_create(&th, NULL, smtp_thread, NULL);
	pthread_detach(th);
}

static void tick_mail(void **state)
{
	start_sink();
	char su[64];
	snprintf(su, sizeof su, "smtp://127.0.0.1:%d", smtp_port);
	loa_wf_tick_cfg cfg = {su, "loa@byt.test", 5, 50};
	loa_err err;
	assert_int_equal(loa_wf_contact_add(&W, NULL, "bo-y-te", "leader", "lanhdao@byt.test", &err), LOA_OK);
	int64_t id = new_question("Giá thuốc kháng sinh tại nhà thuốc có được kiểm soát?", &JOURNO,
				  at("2025-06-02T09:00:00+07:00"));
	W.now = at("2025-06-02T09:30:00+07:00");
	assert_int_equal(act(id, "route", &SPOKES, NULL, NULL, NULL), LOA_OK);
	/* due Monday 9/6; Friday 6/6 is one working day before: a reminder */
	loa_wf_tick_stats st;
	W.now = at("2025-06-05T09:00:00+07:00");
	assert_int_equal(loa_wf_tick(&W, &cfg, NULL, &st, &err), LOA_OK);
	json_t *c = get(id);
	bool reminded = false;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(c, "events"), i, e) reminded = reminded || strcmp(sget(e, "action"), "remind") == 0;
	json_decref(c);
	assert_false(reminded);
	W.now = at("2025-06-06T09:00:00+07:00");
	assert_int_equal(loa_wf_tick(&W, &cfg, NULL, &st, &err), LOA_OK);
	assert_true(st.reminded >= 1);
	assert_true(st.mailed >= 1);
	assert_non_null(strstr(smtp_rcpt, "duoc@byt.test"));
	/* a second tick does not remind again */
	assert_int_equal(loa_wf_tick(&W, &cfg, NULL, &st, &err), LOA_OK);
	assert_int_equal(st.reminded, 0);
	/* Tuesday 10/6 00:00 Vietnam: overdue, escalated to the office and its leaders */
	W.now = at("2025-06-09T17:00:01Z");
	assert_int_equal(loa_wf_tick(&W, &cfg, NULL, &st, &err), LOA_OK);
	assert_true(st.escalated >= 1);
	c = get(id);
	assert_true(json_is_true(json_object_get(c, "overdue")));
	assert_true(json_is_true(json_object_get(c, "escalated")));
	json_decref(c);
	assert_non_null(strstr(smtp_rcpt, "lanhdao@byt.test"));
	json_t *notes = NULL;
	loa_wf_actor office = {"phatngon", LOA_ROLE_SPOKESPERSON, "bo-y-te"};
	assert_int_equal(loa_wf_notices(&W, &office, true, 100, &notes, &err), LOA_OK);
	bool overdue = false;
	json_array_foreach(notes, i, e) overdue = overdue || strcmp(sget(e, "kind"), "overdue") == 0;
	assert_true(overdue);
	json_decref(notes);
	/* statistics per unit */
	json_t *stats = NULL;
	assert_int_equal(loa_wf_stats(&W, "question", "bo-y-te", LOA_TIME_NONE, &stats, &err), LOA_OK);
	assert_true(json_array_size(stats) >= 1);
	json_decref(stats);
	/* a conference invitation with its .ics goes through the same queue */
	assert_int_equal(loa_wf_contact_add(&W, NULL, "bao-a", "journalist", "phongvien@baoa.test", &err), LOA_OK);
	loa_wf_conf cf = {"bo-y-te", "Họp báo thường kỳ tháng 6, 2025; Bộ Y tế", "Hà Nội, 138A Giảng Võ", NULL, NULL,
			  at("2025-06-12T15:00:00+07:00"), at("2025-06-12T16:30:00+07:00")};
	int64_t conf = 0;
	assert_int_equal(loa_wf_conf_create(&W, &cf, &SPOKES, &conf, &err), LOA_OK);
	int n = 0;
	assert_int_equal(loa_wf_conf_invite(&W, conf, "loa@byt.test", &SPOKES, &n, &err), LOA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(loa_wf_tick(&W, &cfg, NULL, &st, &err), LOA_OK);
	assert_true(st.mailed >= 1);
	assert_non_null(strstr(smtp_data, "Content-Type: text/calendar"));
	assert_non_null(strstr(smtp_data, "filename=\"hop-bao.ics\""));
	assert_non_null(strstr(smtp_rcpt, "phongvien@baoa.test"));
}

/* ---- corrections linked from monitoring ---- */

static void corrections(void **state)
{
	loa_err err;
	loa_source src = {0};
	src.slug = "bao-a-rss";
	src.type = "feed";
	src.outlet = "press";
	src.org = "bao-a";
	src.url = "https://baoa.test/rss";
	assert_int_equal(loa_store_source_add(S, &src, NULL, &err), LOA_OK);
	loa_item it;
	loa_item_init(&it);
	it.source = "bao-a-rss";
	it.id = "bai-1";
	it.url = "https://baoa.test/bai-1";
	it.title = "Bộ Y tế cấm bán thuốc hạ sốt không kê đơn từ tháng sau";
	it.text = "Theo nguồn tin, Bộ Y tế sẽ cấm bán mọi loại thuốc hạ sốt không kê đơn tại nhà thuốc từ tháng sau.";
	it.published_at = at("2025-07-01T08:00:00+07:00");
	assert_int_equal(loa_store_item_upsert(S, &it, NULL, &err), LOA_OK);
	int64_t item_id = 0;
	loa_stmt *st;
	assert_int_equal(loa_sql_prepare(S, "SELECT MAX(rowid) FROM items", &st, &err), LOA_OK);
	if (loa_sql_step(st, &err) == LOA_SQL_ROW)
		item_id = loa_sql_col_i64(st, 0);
	loa_sql_finalize(st);
	assert_true(item_id > 0);
	W.now = at("2025-07-01T10:00:00+07:00");
	loa_wf_correction c = {item_id, "correction", "Đề nghị cải chính: Bộ Y tế không có chủ trương cấm bán thuốc hạ sốt.",
			       "Điều 42 Luật Báo chí 2016; Điều 16 Nghị định 09/2017/NĐ-CP", "bo-y-te", NULL, LOA_TIME_NONE, 2};
	int64_t id = 0;
	assert_int_equal(loa_wf_correction_create(&W, &c, &SPOKES, &id, &err), LOA_OK);
	json_t *k = get(id);
	assert_string_equal(sget(k, "unit"), "bao-a");
	assert_string_equal(sget(k, "state"), "draft");
	json_decref(k);
	assert_int_equal(act(id, "send", &SPOKES, NULL, NULL, NULL), LOA_OK);
	k = get(id);
	assert_string_equal(sget(k, "due_date"), "2025-07-03");
	json_decref(k);
	/* a journalist of the agency acknowledges; one of another cannot */
	loa_wf_actor other_j = {"x", LOA_ROLE_JOURNALIST, "bo-khac"};
	assert_int_equal(act(id, "acknowledge", &other_j, NULL, NULL, NULL), LOA_EPERM);
	assert_int_equal(act(id, "acknowledge", &JOURNO, NULL, NULL, NULL), LOA_OK);
	/* the same URL updated */
	it.text = "Bộ Y tế khẳng định không có chủ trương cấm bán thuốc hạ sốt không kê đơn. Báo A xin cải chính.";
	assert_int_equal(loa_store_item_upsert(S, &it, NULL, &err), LOA_OK);
	/* and a new item of the agency */
	loa_item it2;
	loa_item_init(&it2);
	it2.source = "bao-a-rss";
	it2.id = "bai-2";
	it2.url = "https://baoa.test/bai-2";
	it2.title = "Cải chính thông tin về thuốc hạ sốt không kê đơn";
	it2.text = "Báo A cải chính: Bộ Y tế không cấm bán thuốc hạ sốt không kê đơn tại nhà thuốc.";
	it2.published_at = at("2025-07-02T08:00:00+07:00");
	assert_int_equal(loa_store_item_upsert(S, &it2, NULL, &err), LOA_OK);
	W.now = at("2025-07-02T09:00:00+07:00");
	loa_wf_tick_stats ts;
	assert_int_equal(loa_wf_tick(&W, NULL, NULL, &ts, &err), LOA_OK);
	assert_true(ts.linked >= 2);
	k = get(id);
	json_t *links = json_object_get(k, "links");
	assert_true(json_array_size(links) >= 2);
	json_decref(k);
	/* a second tick links nothing new */
	assert_int_equal(loa_wf_tick(&W, NULL, NULL, &ts, &err), LOA_OK);
	assert_int_equal(ts.linked, 0);
	assert_int_equal(act(id, "corrected", &SYSTEM, NULL, NULL, NULL), LOA_OK);
	k = get(id);
	assert_string_equal(sget(k, "state"), "corrected");
	json_decref(k);
}

/* ---- policies and comments ---- */

static void policies(void **state)
{
	loa_err err;
	int64_t pid = 0;
	const char *v1 = "Điều 1. Phạm vi điều chỉnh\nNghị định này quy định về quản lý giá thuốc.\n"
			 "Điều 2. Đối tượng áp dụng\nCơ sở kinh doanh dược.";
	const char *v2 = "Điều 1. Phạm vi điều chỉnh\nNghị định này quy định về quản lý giá thuốc và thiết bị y tế.\n"
			 "Điều 2. Đối tượng áp dụng\nCơ sở kinh doanh dược, cơ sở khám bệnh, chữa bệnh.";
	assert_int_equal(loa_wf_policy_create(&W, "bo-y-te", "nd-gia-thuoc", "Dự thảo Nghị định về giá thuốc", v1, NULL,
					      &SPOKES, &pid, &err), LOA_OK);
	int n = 0;
	assert_int_equal(loa_wf_policy_version_add(&W, pid, v2, "sau góp ý", &SPOKES, &n, &err), LOA_OK);
	assert_int_equal(n, 2);
	json_t *d = NULL;
	assert_int_equal(loa_wf_policy_diff(&W, pid, 1, 2, &d, &err), LOA_OK);
	assert_true(json_integer_value(json_object_get(d, "words_inserted")) >= 8);
	assert_int_equal(json_integer_value(json_object_get(d, "words_deleted")), 0);
	assert_non_null(strstr(json_string_value(json_object_get(d, "html")), "<ins> và thiết bị y tế</ins>"));
	json_decref(d);
	/* comments only while open */
	loa_wf_comment cm = {pid, 0, -1, -1, "Đề nghị bổ sung quy định về thiết bị y tế nhập khẩu.", "Nguyễn Văn A", NULL};
	int64_t cid = 0;
	loa_wf_actor pub = {NULL, LOA_ROLE_PUBLIC, NULL};
	assert_int_equal(loa_wf_comment_submit(&W, &cm, NULL, &pub, &cid, &err), LOA_WF_ECONFLICT);
	assert_int_equal(loa_wf_policy_stage(&W, pid, "consultation", NULL, &SPOKES, &err), LOA_OK);
	/* anchored: "quản lý giá thuốc" in version 2 */
	const char *p = strstr(v2, "quản lý giá thuốc");
	cm.start = p - v2;
	cm.end = cm.start + (int64_t)strlen("quản lý giá thuốc");
	assert_int_equal(loa_wf_comment_submit(&W, &cm, NULL, &pub, &cid, &err), LOA_OK);
	json_t *c = get(cid);
	assert_string_equal(sget(json_object_get(c, "data"), "quote"), "quản lý giá thuốc");
	assert_string_equal(sget(c, "state"), "pending");
	json_decref(c);
	/* offsets inside a UTF-8 sequence are refused */
	loa_wf_comment bad = cm;
	bad.start = cm.start + 3; /* inside "ả" */
	bad.end = cm.start + 6;
	assert_int_equal(loa_wf_comment_submit(&W, &bad, NULL, &pub, NULL, &err), LOA_EINVAL);
	/* moderation, then a disposition with its answer */
	loa_wf_act x = {"dispose", "Tiếp thu, đã bổ sung Điều 1.", NULL, NULL, "accepted"};
	assert_int_equal(loa_wf_case_act(&W, cid, &x, &SPOKES, NULL, &err), LOA_WF_ECONFLICT);
	assert_int_equal(act(cid, "approve", &JOURNO, NULL, NULL, NULL), LOA_EPERM);
	assert_int_equal(act(cid, "approve", &SPOKES, NULL, NULL, NULL), LOA_OK);
	x.label = "maybe";
	assert_int_equal(loa_wf_case_act(&W, cid, &x, &SPOKES, NULL, &err), LOA_EINVAL);
	x.label = "accepted";
	assert_int_equal(loa_wf_case_act(&W, cid, &x, &SPOKES, NULL, &err), LOA_OK);
	c = get(cid);
	assert_string_equal(sget(c, "state"), "answered");
	assert_string_equal(sget(c, "label"), "accepted");
	json_decref(c);
	/* issued: no more versions, no more comments */
	assert_int_equal(loa_wf_policy_stage(&W, pid, "issued", NULL, &SPOKES, &err), LOA_EINVAL);
	assert_int_equal(loa_wf_policy_stage(&W, pid, "issued", v2, &SPOKES, &err), LOA_OK);
	assert_int_equal(loa_wf_policy_version_add(&W, pid, v1, NULL, &SPOKES, &n, &err), LOA_WF_ECONFLICT);
	assert_int_equal(loa_wf_policy_stage(&W, pid, "drafting", NULL, &SPOKES, &err), LOA_WF_ECONFLICT);
	json_t *page = NULL;
	assert_int_equal(loa_wf_policy_get(&W, pid, true, &page, &err), LOA_OK);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(page, "comments"), "answered:accepted")), 1);
	assert_int_equal(json_array_size(json_object_get(page, "versions")), 2);
	json_decref(page);
}

/* ---- conferences and cadence ---- */

static void cadence(void **state)
{
	loa_err err;
	W.now = at("2026-05-15T09:00:00+07:00");
	int made = 0;
	assert_int_equal(loa_wf_conf_schedule_year(&W, "bo-khac", 2026, 15, &OTHER, &made, &err), LOA_OK);
	assert_int_equal(made, 12);
	assert_int_equal(loa_wf_conf_schedule_year(&W, "bo-khac", 2026, 15, &OTHER, &made, &err), LOA_OK);
	assert_int_equal(made, 0);
	json_t *list = NULL;
	assert_int_equal(loa_wf_conf_list(&W, "bo-khac", LOA_TIME_NONE, &list, &err), LOA_OK);
	assert_int_equal(json_array_size(list), 12);
	/* January 2026: the first Thursday is 1/1 (New Year): the 2nd */
	assert_string_equal(sget(json_array_get(list, 0), "starts_at"), "2026-01-02T08:00:00Z");
	/* hold February's */
	int64_t feb = json_integer_value(json_object_get(json_array_get(list, 1), "id"));
	json_decref(list);
	assert_int_equal(loa_wf_conf_close(&W, feb, true, NULL, &OTHER, &err), LOA_EINVAL);
	assert_int_equal(loa_wf_conf_close(&W, feb, true, "Bộ thông tin về kết quả quý I.", &OTHER, &err), LOA_OK);
	assert_int_equal(loa_wf_conf_close(&W, feb, false, NULL, &OTHER, &err), LOA_WF_ECONFLICT);
	json_t *cad = NULL;
	assert_int_equal(loa_wf_cadence(&W, "bo-khac", 2026, &cad, &err), LOA_OK);
	json_t *q = json_object_get(cad, "quarters");
	assert_string_equal(sget(json_array_get(q, 0), "status"), "done");
	assert_string_equal(sget(json_array_get(q, 1), "status"), "due");
	assert_string_equal(sget(json_array_get(q, 2), "status"), "due");
	json_t *m = json_object_get(cad, "months");
	assert_string_equal(sget(json_array_get(m, 0), "status"), "missed");
	assert_string_equal(sget(json_array_get(m, 1), "status"), "done");
	json_decref(cad);
}

static void attachments(void **state)
{
	assert_string_equal(loa_wf_attach_type("a.pdf", "%PDF-1.7\n", 9), "application/pdf");
	assert_null(loa_wf_attach_type("a.html", "<html></html>", 13));
	assert_null(loa_wf_attach_type("a.txt", "hello <script>alert(1)</script>", 31));
	assert_null(loa_wf_attach_type("a.pdf", "<html>", 6));
	assert_null(loa_wf_attach_type("a.svg", "<svg/>", 6));
	assert_null(loa_wf_attach_type("a.exe", "MZ\x90\x00", 4));
	assert_null(loa_wf_attach_type("a.zip", "PK\x03\x04", 4));
	assert_non_null(loa_wf_attach_type("a.docx", "PK\x03\x04", 4));
	assert_non_null(loa_wf_attach_type("ghi-chú.txt", "Nội dung", strlen("Nội dung")));
	int64_t id = new_question("Câu hỏi có tệp đính kèm về giá thuốc", &JOURNO, at("2025-08-01T09:00:00+07:00"));
	loa_err err;
	int64_t aid = 0;
	assert_int_equal(loa_wf_attach(&W, id, "../../etc/x.pdf", "%PDF-1.4 x", 10, 1024, &JOURNO, &aid, &err), LOA_OK);
	assert_int_equal(loa_wf_attach(&W, id, "a.pdf", "%PDF-1.4 x", 10, 5, &JOURNO, NULL, &err), LOA_ETOOBIG);
	assert_int_equal(loa_wf_attach(&W, id, "a.html", "<html>", 6, 1024, &JOURNO, NULL, &err), LOA_EINVAL);
	assert_int_equal(loa_wf_attach(&W, id, "a.pdf", "%PDF-1.4 x", 10, 1024, &JOURNO2, NULL, &err), LOA_EPERM);
	loa_buf b;
	loa_buf_init(&b, 1024);
	char type[64], name[LOA_WF_ATTACH_NAME_MAX + 1];
	int64_t cid;
	assert_int_equal(loa_wf_attachment_get(&W, aid, &b, type, name, &cid, &err), LOA_OK);
	assert_string_equal(name, "x.pdf");
	assert_string_equal(type, "application/pdf");
	assert_int_equal(cid, id);
	loa_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(due_dates), cmocka_unit_test(transitions), cmocka_unit_test(pause_resume),
		cmocka_unit_test(routing_grouping), cmocka_unit_test(tick_mail), cmocka_unit_test(corrections),
		cmocka_unit_test(policies), cmocka_unit_test(cadence), cmocka_unit_test(attachments),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
