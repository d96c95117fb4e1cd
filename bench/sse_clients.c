/*
 * sse_clients.c - N Server-Sent Events clients on GET /api/v1/events of a
 * `loa serve` on loopback, then a burst of K items stored by a command run
 * once every client is connected (e.g. `loa import burst.jsonl`); measures
 * the time until every client has every one of the K "item" events.
 * Used by bench/load.sh (built there with cc).
 *
 *   sse_clients --port P --token T [--clients 1000] [--items 1000]
 *               [--timeout 180] -- COMMAND [ARGS...]
 *
 * Checks, per client: each of the K new item ids (consecutive: the items
 * are stored in one import) exactly once, no "reset" event, no gap in the
 * event ids. Prints one bench: line (bench/README.md):
 *   seconds         from the command's start to the last client's last item
 *   p50/p99_latency_ms  per (client, item): delivery time minus the time
 *                   the first client got that item (the fan-out delay)
 *   p99_from_start_ms   per (client, item): delivery time minus the
 *                   command's start (includes storing and the tailer's poll)
 * Requests are HTTP/1.0, so the stream is not chunked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

typedef struct got {
	int64_t item;
	double t;
} got;

typedef struct conn {
	int fd;
	int state; /* 0 connecting, 1 sent, 2 headers read, 3 hello seen, -1 dead */
	char buf[1 << 16];
	size_t len;
	/* the event being parsed */
	int64_t ev_id;
	char ev_type[32];
	int64_t ev_item;
	int64_t last_id;
	got *items;
	size_t nitems, capitems;
	unsigned resets, gaps;
} conn;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void dispatch(conn *c, double t)
{
	if (c->ev_id > 0) {
		if (c->last_id > 0 && c->ev_id != c->last_id + 1 && strcmp(c->ev_type, "reset") != 0)
			c->gaps++;
		c->last_id = c->ev_id;
	}
	if (strcmp(c->ev_type, "reset") == 0)
		c->resets++;
	else if (strcmp(c->ev_type, "item") == 0 && c->ev_item > 0) {
		if (c->nitems == c->capitems) {
			c->capitems = c->capitems ? c->capitems * 2 : 1024;
			c->items = realloc(c->items, c->capitems * sizeof *c->items);
			if (!c->items) {
				perror("sse_clients: realloc");
				exit(1);
			}
		}
		c->items[c->nitems].item = c->ev_item;
		c->items[c->nitems++].t = t;
	}
	c->ev_id = 0;
	c->ev_type[0] = '\0';
	c->ev_item = 0;
}

/* One line of the stream (without its newline). */
static void line(conn *c, char *s, size_t n, double t)
{
	if (n && s[n - 1] == '\r')
		s[--n] = '\0';
	if (n == 0) {
		if (c->ev_type[0] || c->ev_id)
			dispatch(c, t);
		return;
	}
	if (s[0] == ':' || strncmp(s, "retry:", 6) == 0) {
		if (c->state == 2)
			c->state = 3; /* the server's hello: subscribed */
		return;
	}
	if (strncmp(s, "id: ", 4) == 0)
		c->ev_id = strtoll(s + 4, NULL, 10);
	else if (strncmp(s, "event: ", 7) == 0)
		snprintf(c->ev_type, sizeof c->ev_type, "%s", s + 7);
	else if (strncmp(s, "data: ", 6) == 0) {
		const char *p = strstr(s, "\"item_id\":");
		if (p)
			c->ev_item = strtoll(p + 10, NULL, 10);
	}
}

/* Consumes what is in c->buf; returns -1 on a bad answer. */
static int consume(conn *c, double t)
{
	size_t off = 0;
	if (c->state == 1) {
		c->buf[c->len < sizeof c->buf ? c->len : sizeof c->buf - 1] = '\0';
		char *end = strstr(c->buf, "\r\n\r\n");
		if (!end)
			return c->len < sizeof c->buf - 1 ? 0 : -1;
		if (strncmp(c->buf, "HTTP/1.", 7) != 0 || strncmp(c->buf + 9, "200", 3) != 0) {
			fprintf(stderr, "sse_clients: answer %.40s\n", c->buf);
			return -1;
		}
		c->state = 2;
		off = (size_t)(end + 4 - c->buf);
	}
	for (;;) {
		char *nl = memchr(c->buf + off, '\n', c->len - off);
		if (!nl)
			break;
		*nl = '\0';
		line(c, c->buf + off, (size_t)(nl - (c->buf + off)), t);
		off = (size_t)(nl + 1 - c->buf);
	}
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
	return c->len == sizeof c->buf ? -1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: sse_clients --port P --token T [--clients N] [--items K] "
			"[--timeout S] -- COMMAND [ARGS...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int port = 0, nclients = 1000, nitems = 1000, timeout = 180, ai;
	const char *token = NULL;
	for (ai = 1; ai < argc; ai++) {
		if (strcmp(argv[ai], "--") == 0) {
			ai++;
			break;
		}
		if (ai + 1 >= argc)
			usage();
		if (strcmp(argv[ai], "--port") == 0)
			port = atoi(argv[++ai]);
		else if (strcmp(argv[ai], "--token") == 0)
			token = argv[++ai];
		else if (strcmp(argv[ai], "--clients") == 0)
			nclients = atoi(argv[++ai]);
		else if (strcmp(argv[ai], "--items") == 0)
			nitems = atoi(argv[++ai]);
		else if (strcmp(argv[ai], "--timeout") == 0)
			timeout = atoi(argv[++ai]);
		else
			usage();
	}
	if (!port || !token || ai >= argc || nclients < 1 || nitems < 1)
		usage();

	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < (rlim_t)nclients + 64) {
		rl.rlim_cur = rl.rlim_max < 8192 ? rl.rlim_max : 8192;
		if (rl.rlim_cur < (rlim_t)nclients + 64)
			rl.rlim_cur = (rlim_t)nclients + 64;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
			perror("sse_clients: setrlimit (raise the fd limit: ulimit -n 8192)");
			return 1;
		}
	}
	char req[1024];
	int reqlen = snprintf(req, sizeof req,
			      "GET /api/v1/events HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n"
			      "Authorization: Bearer %s\r\nAccept: text/event-stream\r\n\r\n",
			      port, token);
	conn *cs = calloc((size_t)nclients, sizeof *cs);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (!cs || ep < 0) {
		perror("sse_clients");
		return 1;
	}
	struct sockaddr_in sa = {0};
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	double t_start = now_s();
	for (int i = 0; i < nclients; i++) {
		conn *c = &cs[i];
		c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (c->fd < 0) {
			perror("sse_clients: socket");
			return 1;
		}
		if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0 && errno != EINPROGRESS) {
			perror("sse_clients: connect");
			return 1;
		}
		struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
		epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
	}

	pid_t child = 0;
	int child_status = -1;
	double t0 = 0, t_child = 0, t_ready = 0;
	int dead = 0;
	struct epoll_event evs[256];
	for (;;) {
		double t = now_s();
		if (!child) {
			int ready = 0;
			for (int i = 0; i < nclients; i++)
				ready += cs[i].state == 3;
			if (ready + dead == nclients) {
				t_ready = t;
				fprintf(stderr, "sse_clients: %d of %d subscribed in %.2f s; running the command\n",
					ready, nclients, t - t_start);
				t0 = now_s();
				if (posix_spawnp(&child, argv[ai], NULL, NULL, argv + ai, environ) != 0) {
					perror("sse_clients: spawn");
					return 1;
				}
			} else if (t - t_start > 60) {
				fprintf(stderr, "sse_clients: only %d of %d subscribed after 60 s\n", ready, nclients);
				return 1;
			}
		} else {
			if (!t_child) {
				int st;
				if (waitpid(child, &st, WNOHANG) == child) {
					t_child = t;
					child_status = st;
				}
			}
			int done = 0;
			for (int i = 0; i < nclients; i++)
				done += cs[i].state == -1 || cs[i].nitems >= (size_t)nitems;
			if ((done == nclients && t_child) || t - t0 > timeout)
				break;
		}
		int n = epoll_wait(ep, evs, 256, 50);
		t = now_s();
		for (int k = 0; k < n; k++) {
			conn *c = evs[k].data.ptr;
			if (c->state == 0 && (evs[k].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
				int err = 0;
				socklen_t el = sizeof err;
				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
				if (err || send(c->fd, req, (size_t)reqlen, MSG_NOSIGNAL) != reqlen) {
					fprintf(stderr, "sse_clients: connect: %s\n", strerror(err ? err : errno));
					c->state = -1;
					dead++;
					close(c->fd);
					continue;
				}
				c->state = 1;
				struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
				epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
				continue;
			}
			if (c->state <= 0)
				continue;
			for (;;) {
				ssize_t r = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
				if (r > 0) {
					c->len += (size_t)r;
					if (consume(c, t) != 0) {
						r = 0;
					} else {
						continue;
					}
				}
				if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
					break;
				if (r < 0 && errno == EINTR)
					continue;
				fprintf(stderr, "sse_clients: client %ld: stream ended (%s) after %zu items\n",
					(long)(c - cs), r == 0 ? "closed" : strerror(errno), c->nitems);
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				close(c->fd);
				c->state = -1;
				dead++;
				break;
			}
		}
	}
	double t_end = now_s();
	if (!t_child) {
		int st;
		waitpid(child, &st, 0);
		t_child = now_s();
		child_status = st;
	}

	/* the burst's item ids: the K consecutive ids from the smallest seen */
	int64_t base = INT64_MAX;
	for (int i = 0; i < nclients; i++)
		for (size_t j = 0; j < cs[i].nitems; j++)
			if (cs[i].items[j].item < base)
				base = cs[i].items[j].item;
	double *first = malloc((size_t)nitems * sizeof *first);
	unsigned char *seen = malloc((size_t)nitems);
	double *lat = malloc((size_t)nclients * (size_t)nitems * sizeof *lat);
	double *lat0 = malloc((size_t)nclients * (size_t)nitems * sizeof *lat0);
	if (!first || !seen || !lat || !lat0) {
		perror("sse_clients");
		return 1;
	}
	for (int k = 0; k < nitems; k++)
		first[k] = 1e300;
	for (int i = 0; i < nclients; i++)
		for (size_t j = 0; j < cs[i].nitems; j++) {
			int64_t k = cs[i].items[j].item - base;
			if (k >= 0 && k < nitems && cs[i].items[j].t < first[k])
				first[k] = cs[i].items[j].t;
		}
	size_t nl = 0;
	long complete = 0, missing = 0, dups = 0, foreign = 0, resets = 0, gaps = 0, dead_c = 0;
	double last = t0;
	for (int i = 0; i < nclients; i++) {
		conn *c = &cs[i];
		memset(seen, 0, (size_t)nitems);
		int have = 0;
		for (size_t j = 0; j < c->nitems; j++) {
			int64_t k = c->items[j].item - base;
			if (k < 0 || k >= nitems) {
				foreign++;
				continue;
			}
			if (seen[k]++) {
				dups++;
				continue;
			}
			have++;
			lat[nl] = (c->items[j].t - first[k]) * 1000;
			lat0[nl++] = (c->items[j].t - t0) * 1000;
			if (c->items[j].t > last)
				last = c->items[j].t;
		}
		complete += have == nitems;
		missing += nitems - have;
		resets += c->resets;
		gaps += c->gaps;
		dead_c += c->state == -1;
	}
	qsort(lat, nl, sizeof *lat, cmp_double);
	qsort(lat0, nl, sizeof *lat0, cmp_double);
#define PCT(a, p) (nl ? (a)[(size_t)((double)(nl - 1) * (p))] : -1.0)
	int ok = complete == nclients && dups == 0 && resets == 0 && gaps == 0;
	fprintf(stderr,
		"sse_clients: subscribe %.2f s; command %.2f s (status %d); first item id %lld; "
		"%ld/%d clients complete, %ld (client, item) missing, %ld duplicates, %ld other items, "
		"%ld resets, %ld id gaps, %ld streams ended; waited %.2f s\n",
		t_ready - t_start, t_child - t0, WIFEXITED(child_status) ? WEXITSTATUS(child_status) : -1,
		(long long)(base == INT64_MAX ? 0 : base), complete, nclients, missing, dups, foreign,
		resets, gaps, dead_c, t_end - t0);
	printf("bench: name=sse sse_clients=%d items=%d all_received=%s seconds=%.3f "
	       "p50_latency_ms=%.1f p99_latency_ms=%.1f max_latency_ms=%.1f p99_from_start_ms=%.1f "
	       "import_seconds=%.3f missing=%ld duplicates=%ld resets=%ld gaps=%ld\n",
	       nclients, nitems, ok ? "yes" : "no", last - t0, PCT(lat, 0.5), PCT(lat, 0.99),
	       nl ? lat[nl - 1] : -1.0, PCT(lat0, 0.99), t_child - t0, missing, dups, resets, gaps);
	return ok ? 0 : 3;
}
