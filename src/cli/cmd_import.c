/*
 * cmd_import.c - `loa import FILE|-`: JSON lines of items into the store
 * (docs/formats/items.md).
 *
 * Lines are read through one reusable buffer that grows up to
 * import.max_line bytes; a longer line is skipped and reported. Items are
 * committed in transactions of import.batch items, so a killed import
 * loses at most the batch in flight (never acknowledged) and a rerun
 * stores it: identity keys make the import idempotent.
 */
#include "cli/cli.h"
#include "core/log.h"
#include "core/ltime.h"
#include "core/progress.h"
#include "core/str.h"
#include "analyze/pipeline.h"
#include "store/item_json.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/banned.h"

#define READ_CHUNK ((size_t)1 << 20)

typedef struct line_reader {
	int fd;
	char *buf;
	size_t cap, start, end;
	size_t max_line;
	bool eof;
} line_reader;

enum { RD_EOF = 0, RD_LINE = 1, RD_TOOLONG = 2, RD_ERROR = -1 };

static int rd_fill(line_reader *r)
{
	for (;;) {
		ssize_t k = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (k > 0) {
			r->end += (size_t)k;
			return 0;
		}
		if (k == 0) {
			r->eof = true;
			return 0;
		}
		if (errno != EINTR)
			return -1;
	}
}

/* The next line (without its newline) in *line and *n, valid until the next
 * call. RD_TOOLONG: a line longer than max_line was skipped. */
static int rd_line(line_reader *r, const char **line, size_t *n)
{
	size_t scan = r->start;
	for (;;) {
		char *nl = memchr(r->buf + scan, '\n', r->end - scan);
		if (nl) {
			*line = r->buf + r->start;
			*n = (size_t)(nl - *line);
			r->start = (size_t)(nl - r->buf) + 1;
			if (*n > r->max_line)
				return RD_TOOLONG;
			return RD_LINE;
		}
		size_t have = r->end - r->start;
		if (have > r->max_line) {
			/* Skip the rest of this line without keeping it. */
			r->start = r->end = 0;
			for (;;) {
				if (r->eof)
					return RD_TOOLONG;
				if (rd_fill(r))
					return RD_ERROR;
				nl = memchr(r->buf, '\n', r->end);
				if (nl) {
					r->start = (size_t)(nl - r->buf) + 1;
					return RD_TOOLONG;
				}
				r->end = 0;
			}
		}
		if (r->eof) {
			if (have == 0)
				return RD_EOF;
			*line = r->buf + r->start;
			*n = have;
			r->start = r->end;
			return RD_LINE;
		}
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, have);
			r->start = 0;
			r->end = have;
		}
		scan = r->end;
		if (r->end == r->cap) {
			size_t ncap = r->cap * 2;
			if (ncap > r->max_line + 1)
				ncap = r->max_line + 1;
			char *p = realloc(r->buf, ncap);
			if (!p)
				return RD_ERROR;
			r->buf = p;
			r->cap = ncap;
		}
		if (rd_fill(r))
			return RD_ERROR;
	}
}

typedef struct counts {
	uint64_t read, stored, updated, unchanged, refused;
} counts;

static void add_counts(counts *a, const counts *b)
{
	a->read += b->read;
	a->stored += b->stored;
	a->updated += b->updated;
	a->unchanged += b->unchanged;
	a->refused += b->refused;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

static void print_summary(const counts *c, double secs)
{
	printf("import: read=%" PRIu64 " stored=%" PRIu64 " updated=%" PRIu64 " unchanged=%" PRIu64
	       " refused=%" PRIu64 " seconds=%.2f\n",
	       c->read, c->stored, c->updated, c->unchanged, c->refused, secs);
	fflush(stdout);
}

static int audit_import(loa_store *st, const char *name, const counts *c, loa_err *err)
{
	char detail[256];
	snprintf(detail, sizeof detail,
		 "{\"read\":%" PRIu64 ",\"stored\":%" PRIu64 ",\"updated\":%" PRIu64
		 ",\"unchanged\":%" PRIu64 ",\"refused\":%" PRIu64 "}",
		 c->read, c->stored, c->updated, c->unchanged, c->refused);
	loa_audit a = {0, LOA_TIME_NONE, "cli", "import", name, detail};
	return loa_store_audit_append(st, &a, err);
}

int cmd_import(loa_ctx *ctx, int argc, char **argv)
{
	enum { OPT_BATCH = CLI_OPT_FIRST_FREE, OPT_ANALYZE };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"batch", required_argument, NULL, OPT_BATCH},
		{"analyze", no_argument, NULL, OPT_ANALYZE},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("import");
	const char *batch_arg = NULL;
	bool analyze = false; /* --analyze: run the analysis pipeline after storing */
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == OPT_ANALYZE) {
			analyze = true;
			continue;
		}
		if (c == OPT_BATCH) {
			batch_arg = optarg;
			continue;
		}
		int rc = cli_common_opt(ctx, self, c, optarg, argv);
		if (rc)
			return rc;
	}
	if (optind + 1 != argc)
		return cli_usage_error("import", "cần đúng một tệp hoặc - / expected one FILE or -");
	const char *path = argv[optind];

	int64_t batch = loa_config_get_i64(ctx->cfg, "import.batch", -1);
	if (batch_arg && loa_parse_i64(batch_arg, &batch))
		batch = -1;
	if (batch < 1 || batch > 10000000)
		return cli_usage_error("import", "cỡ lô không hợp lệ / bad batch size (1..10000000)");
	int64_t max_line = loa_config_get_i64(ctx->cfg, "import.max_line", -1);
	if (max_line < 16 || max_line > ((int64_t)1 << 30))
		return cli_usage_error("import", "import.max_line không hợp lệ / bad import.max_line "
				       "(16..1073741824)");

	line_reader r = {0};
	r.max_line = (size_t)max_line;
	const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	if (strcmp(path, "-") == 0) {
		r.fd = STDIN_FILENO;
	} else {
		r.fd = open(path, O_RDONLY | O_CLOEXEC);
		struct stat sb;
		if (r.fd < 0)
			return cli_fail("import", "không đọc được tệp / cannot read file: %s: %s", path,
					strerror(errno));
		if (fstat(r.fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			close(r.fd);
			return cli_fail("import", "không đọc được tệp / cannot read file: %s: %s",
					path, strerror(EISDIR));
		}
	}
	r.cap = READ_CHUNK < r.max_line + 1 ? READ_CHUNK : r.max_line + 1;
	r.buf = malloc(r.cap);
	if (!r.buf) {
		if (r.fd != STDIN_FILENO)
			close(r.fd);
		return cli_fail("import", "hết bộ nhớ / out of memory");
	}

	loa_err err;
	loa_err_clear(&err);
	loa_store *st = NULL;
	int status = LOA_EXIT_OK, rc;
	counts done = {0}, pending = {0};
	loa_progress prog;
	loa_progress_init(&prog, "import", 0);
	uint64_t lineno = 0;
	int64_t in_batch = 0;
	bool fatal = false;

	if ((rc = loa_store_open_config(ctx->cfg, LOA_STORE_BULK, &st, &err))) {
		status = cli_fail("import", "%s", loa_err_msg(&err));
		goto out;
	}
	if ((rc = loa_store_begin(st, &err))) {
		fatal = true;
		goto out;
	}
	for (;;) {
		const char *line;
		size_t n;
		int k = rd_line(&r, &line, &n);
		if (k == RD_EOF)
			break;
		if (k == RD_ERROR) {
			rc = loa_err_set(&err, LOA_EIO, "không đọc được tệp / cannot read file: %s: %s",
					 name, strerror(errno));
			fatal = true;
			break;
		}
		lineno++;
		if (k == RD_TOOLONG) {
			pending.read++;
			pending.refused++;
			fprintf(stderr, "loa import: %s:%" PRIu64 ": dòng quá dài / line too long "
				"(> %" PRId64 " bytes)\n", name, lineno, max_line);
			continue;
		}
		if (lineno == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
			line += 3; /* UTF-8 byte order mark */
			n -= 3;
		}
		if (blank(line, n))
			continue;
		if (line[n - 1] == '\r')
			n--;
		pending.read++;
		json_t *root = NULL;
		loa_item it;
		int res = 0;
		loa_err lerr;
		loa_err_clear(&lerr);
		rc = loa_item_parse_line(line, n, &root, &it, &lerr);
		if (rc == LOA_OK)
			rc = loa_store_item_upsert(st, &it, &res, &lerr);
		json_decref(root);
		if (rc == LOA_EPARSE || rc == LOA_EINVAL) {
			pending.refused++;
			fprintf(stderr, "loa import: %s:%" PRIu64 ": %s\n", name, lineno,
				loa_err_msg(&lerr));
			continue;
		}
		if (rc) {
			err = lerr;
			fatal = true;
			break;
		}
		if (res == LOA_STORE_INSERTED)
			pending.stored++;
		else if (res == LOA_STORE_UPDATED)
			pending.updated++;
		else
			pending.unchanged++;
		if (++in_batch >= batch) {
			if ((rc = loa_store_commit(st, &err)) || (rc = loa_store_begin(st, &err))) {
				fatal = true;
				break;
			}
			add_counts(&done, &pending);
			memset(&pending, 0, sizeof pending);
			in_batch = 0;
		}
		if ((lineno & 1023) == 0)
			loa_progress_update(&prog, lineno);
	}
	if (!fatal) {
		counts total = done;
		add_counts(&total, &pending);
		if ((rc = audit_import(st, name, &total, &err)) || (rc = loa_store_commit(st, &err)))
			fatal = true;
		else
			done = total;
	}
out:
	loa_progress_end(&prog);
	if (fatal) {
		if (st)
			loa_store_rollback(st);
		/* Lines read and refused in the lost batch were still reported. */
		done.read += pending.read;
		done.refused += pending.refused;
		cli_fail("import", "%s:%" PRIu64 ": %s; dừng lại, lô đang ghi dở đã huỷ / stopped, the "
			 "batch in progress was rolled back", name, lineno, loa_err_msg(&err));
		status = LOA_EXIT_FAIL;
	}
	if (st) {
		print_summary(&done, loa_progress_elapsed(&prog));
		loa_info("import.done", "file=%s read=%" PRIu64 " stored=%" PRIu64 " refused=%" PRIu64,
			 name, done.read, done.stored, done.refused);
	}
	if (analyze && st && !fatal) {
		/* after storing, so the import itself stays as fast as before */
		loa_analyze_stats as = {0};
		if (loa_analyze_run(st, NULL, &as, &err)) {
			cli_fail("import", "%s", loa_err_msg(&err));
			status = LOA_EXIT_FAIL;
		} else {
			printf("analyze: items=%" PRIu64 " vi=%" PRIu64 " stories_new=%" PRIu64
			       " stories_joined=%" PRIu64 " stories_merged=%" PRIu64
			       " remaining=%" PRIu64 " seconds=%.2f\n", as.items, as.vi, as.stories_new,
			       as.stories_joined, as.stories_merged, as.remaining, as.seconds);
		}
	}
	if (done.refused && status == LOA_EXIT_OK)
		status = LOA_EXIT_FAIL;
	loa_store_close(st);
	free(r.buf);
	if (r.fd != STDIN_FILENO && r.fd >= 0)
		close(r.fd);
	return status;
}
