/*
 * robots.c - robots.txt (RFC 9309) for page fetches: the groups that name
 * our product token (else "*"), Allow/Disallow with `*` and `$`, longest
 * match wins, Allow on a tie.
 */
#include "feed/fetch.h"
#include "core/str.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/banned.h"

/* Caps keep a hostile robots.txt cheap: matching is O(pattern x path) at
 * worst, so rules x pattern x path stays well under a second. */
#define ROBOTS_MAX_RULES 1024
#define ROBOTS_MAX_PATTERN 256
#define ROBOTS_MAX_PATH 2048

typedef struct rule {
	char *pat;
	size_t n;
	bool allow;
} rule;

struct loa_robots {
	int mode; /* 0 = rules, 1 = allow all, 2 = disallow all */
	rule *rules;
	size_t nrules;
};

void loa_robots_agent_token(const char *ua, char *out, size_t cap)
{
	size_t n = 0;
	if (!cap)
		return;
	while (ua && ua[n] && ua[n] != '/' && ua[n] != ' ' && n + 1 < cap) {
		char c = ua[n];
		out[n] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		n++;
	}
	out[n] = '\0';
}

/* Does pattern p[0..pn) match the start of s (RFC 9309: '*' any run,
 * a final '$' anchors the end)? Iterative with one backtrack point. */
static bool match(const char *p, size_t pn, const char *s)
{
	bool anchored = pn > 0 && p[pn - 1] == '$';
	if (anchored)
		pn--;
	size_t sn = strlen(s), i = 0, j = 0, star = (size_t)-1, mark = 0;
	while (i < pn || j < sn) {
		if (i < pn && p[i] == '*') {
			star = i++;
			mark = j;
			continue;
		}
		if (i == pn) {
			if (!anchored)
				return true; /* a prefix match */
		} else if (j < sn && p[i] == s[j]) {
			i++;
			j++;
			continue;
		}
		if (star != (size_t)-1 && mark < sn) {
			i = star + 1;
			j = ++mark;
			continue;
		}
		return false;
	}
	return true;
}

static bool ua_matches(loa_str v, const char *agent)
{
	size_t an = strlen(agent);
	if (!an)
		return false;
	/* The line's token must equal ours, case-insensitively (a trailing
	 * version "/1.0" or more words are ignored). */
	size_t n = 0;
	while (n < v.n && v.p[n] != '/' && v.p[n] != ' ' && v.p[n] != '\t')
		n++;
	return n == an && strncasecmp(v.p, agent, an) == 0;
}

static int add_rule(loa_robots *r, loa_str v, bool allow, size_t *cap)
{
	if (r->nrules >= ROBOTS_MAX_RULES || v.n > ROBOTS_MAX_PATTERN)
		return LOA_OK;
	if (r->nrules == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		rule *nr = realloc(r->rules, nc * sizeof *nr);
		if (!nr)
			return LOA_ENOMEM;
		r->rules = nr;
		*cap = nc;
	}
	char *p = malloc(v.n + 1);
	if (!p)
		return LOA_ENOMEM;
	memcpy(p, v.p, v.n);
	p[v.n] = '\0';
	r->rules[r->nrules++] = (rule){p, v.n, allow};
	return LOA_OK;
}

/* Collects the rules of the groups for `agent` (want_star = false) or for
 * "*" (want_star = true). Returns the number of matching groups, or -1 when
 * out of memory. */
static int collect(loa_robots *r, const char *body, size_t len, const char *agent,
		   bool want_star, size_t *cap)
{
	loa_str all = {body, len};
	bool in_agents = false, selected = false;
	int groups = 0;
	while (all.n) {
		loa_str line = loa_str_split(&all, '\n');
		const char *hash = memchr(line.p, '#', line.n);
		if (hash)
			line.n = (size_t)(hash - line.p);
		line = loa_str_trim(line);
		const char *colon = memchr(line.p, ':', line.n);
		if (!colon)
			continue;
		loa_str key = loa_str_trim((loa_str){line.p, (size_t)(colon - line.p)});
		loa_str val = loa_str_trim((loa_str){colon + 1, line.n - (size_t)(colon + 1 - line.p)});
		if (loa_str_ieq(key, "user-agent")) {
			if (!in_agents)
				selected = false; /* a new group starts */
			in_agents = true;
			bool m = want_star ? (val.n == 1 && val.p[0] == '*') : ua_matches(val, agent);
			if (m && !selected) {
				selected = true;
				groups++;
			}
			continue;
		}
		bool allow = loa_str_ieq(key, "allow"), disallow = loa_str_ieq(key, "disallow");
		if (!allow && !disallow)
			continue; /* sitemap, crawl-delay, …: not group rules we use */
		in_agents = false;
		if (!selected)
			continue;
		if (disallow && val.n == 0)
			continue; /* "Disallow:" allows everything */
		if (add_rule(r, val, allow, cap))
			return -1;
	}
	return groups;
}

loa_robots *loa_robots_new(long status, const char *body, size_t len, const char *agent)
{
	loa_robots *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	if (status >= 400 && status < 500) {
		r->mode = 1;
		return r;
	}
	if (status < 200 || status >= 300) {
		r->mode = 2;
		return r;
	}
	if (len > LOA_ROBOTS_MAX_BODY)
		len = LOA_ROBOTS_MAX_BODY;
	size_t cap = 0;
	int g = collect(r, body ? body : "", body ? len : 0, agent ? agent : "", false, &cap);
	if (g == 0)
		g = collect(r, body ? body : "", body ? len : 0, agent ? agent : "", true, &cap);
	if (g < 0) {
		loa_robots_free(r);
		return NULL;
	}
	return r;
}

void loa_robots_free(loa_robots *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nrules; i++)
		free(r->rules[i].pat);
	free(r->rules);
	free(r);
}

bool loa_robots_allowed(const loa_robots *r, const char *path)
{
	if (!r || r->mode == 1)
		return true;
	if (r->mode == 2)
		return false;
	const char *p = path ? path : "/";
	const char *scheme = strstr(p, "://");
	if (scheme) {
		const char *slash = strchr(scheme + 3, '/');
		const char *q = strchr(scheme + 3, '?');
		p = slash && (!q || slash < q) ? slash : q ? q : "/";
	}
	if (strcmp(p, "/robots.txt") == 0)
		return true;
	char cut[ROBOTS_MAX_PATH + 1];
	if (strlen(p) > ROBOTS_MAX_PATH) {
		memcpy(cut, p, ROBOTS_MAX_PATH);
		cut[ROBOTS_MAX_PATH] = '\0';
		p = cut;
	}
	size_t best = 0;
	bool found = false, allow = true;
	for (size_t i = 0; i < r->nrules; i++) {
		const rule *ru = &r->rules[i];
		if (!match(ru->pat, ru->n, p))
			continue;
		if (!found || ru->n > best || (ru->n == best && ru->allow)) {
			allow = (!found || ru->n > best) ? ru->allow : (allow || ru->allow);
			best = ru->n;
			found = true;
		}
	}
	return allow;
}
