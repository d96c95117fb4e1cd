/*
 * cli.c - the loa program: global options, configuration
 * layers, dispatch through the command table.
 */
#include "cli/cli.h"
#include "cli/cmd_eval.h"
#include "cli/cmd_train.h"
#include "core/log.h"
#include "core/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/banned.h"

static const loa_cmd commands[] = {
#define LOA_COMMAND(n, s, u, h) {#n, cmd_##n, s, u, h, false},
#define LOA_COMMAND_HIDDEN(n, s, u, h) {#n, cmd_##n, s, u, h, true},
#include "cli/commands.def"
#undef LOA_COMMAND
#undef LOA_COMMAND_HIDDEN
	{NULL, NULL, NULL, NULL, NULL, false},
};

const loa_cmd *loa_cli_find(const char *name)
{
	for (const loa_cmd *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const loa_cmd *const *)a)->name, (*(const loa_cmd *const *)b)->name);
}

/* Commands whose first argument names a sub-command with its own help. */
static const loa_family *const families[] = {&cmd_eval_family, &cmd_train_family};

static const loa_family *family_of(const char *cmdname)
{
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
		if (strcmp(families[i]->name, cmdname) == 0)
			return families[i];
	return NULL;
}

const loa_subcmd *cli_family_find(const loa_family *f, const char *name)
{
	for (const loa_subcmd *s = f->subs; s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

const char *cli_family_usage(const loa_family *f, const char *name)
{
	const loa_subcmd *s = cli_family_find(f, name);
	return s ? s->usage : NULL;
}

void cli_family_list(const loa_family *f, FILE *out)
{
	fprintf(out, "%s:\n", f->title);
	for (const loa_subcmd *s = f->subs; s->name; s++)
		fprintf(out, "  %-10s %s\n             %s\n", s->name, s->summary, s->usage);
}

int cli_family_run(const loa_family *f, loa_ctx *ctx, int argc, char **argv)
{
	/* --help and -h never get here: the dispatcher prints the help
	 * (loa_cli_main) */
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "loa %s: %s\n", f->name, f->expected);
		cli_family_list(f, stderr);
		return LOA_EXIT_USAGE;
	}
	const loa_subcmd *s = cli_family_find(f, argv[1]);
	if (!s) {
		fprintf(stderr, "loa %s: %s: %s\n", f->name, f->unknown, argv[1]);
		cli_family_list(f, stderr);
		return LOA_EXIT_USAGE;
	}
	optind = 0; /* reset getopt for the sub-command */
	return s->fn(ctx, argc - 1, argv + 1);
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"Cách dùng / usage: loa [--db PATH] [--config FILE] [--set KEY=VALUE]\n"
		"                       [--log-level LEVEL] [--log-json] [-q] <lệnh/command> [options]\n"
		"\nCác lệnh / commands:\n");
	const loa_cmd *sorted[sizeof commands / sizeof commands[0]];
	size_t n = 0;
	for (const loa_cmd *c = commands; c->name; c++)
		if (!c->hidden)
			sorted[n++] = c;
	qsort(sorted, n, sizeof *sorted, by_name);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %-10s %s\n", sorted[i]->name, sorted[i]->summary);
	fprintf(f, "\nloa help <lệnh> hoặc loa <lệnh> --help để xem chi tiết / for details.\n");
}

int cli_usage_error(const char *cmdname, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "loa %s: ", cmdname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	/* "train classify", "eval retrieve": the subcommand's own usage */
	char top[32];
	const char *sp = strchr(cmdname, ' ');
	size_t tn = sp ? (size_t)(sp - cmdname) : strlen(cmdname);
	snprintf(top, sizeof top, "%.*s", (int)(tn < sizeof top ? tn : sizeof top - 1), cmdname);
	const char *usage = NULL;
	const loa_family *fam = sp ? family_of(top) : NULL;
	const loa_subcmd *sub = fam ? cli_family_find(fam, sp + 1) : NULL;
	if (sub)
		usage = sub->usage;
	const loa_cmd *c = loa_cli_find(top);
	if (!usage && c)
		usage = c->usage;
	if (usage)
		fprintf(stderr, "Cách dùng / usage: %s\n", usage);
	return LOA_EXIT_USAGE;
}

int cli_fail(const char *cmdname, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "loa %s: ", cmdname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return LOA_EXIT_FAIL;
}

void cli_apply_log_config(loa_ctx *ctx)
{
	int lvl = loa_log_level_parse(loa_config_get(ctx->cfg, "log.level"));
	if (lvl >= 0)
		loa_log_set_level(lvl);
	loa_log_set_json(strcmp(loa_config_get(ctx->cfg, "log.format"), "json") == 0);
}

int cli_common_opt(loa_ctx *ctx, const loa_cmd *cmd, int c, const char *arg, char **argv)
{
	loa_err err;
	loa_err_clear(&err);
	switch (c) {
	case CLI_OPT_DB:
		loa_config_set(ctx->cfg, "db", arg, LOA_CFG_FLAG, &err);
		return LOA_EXIT_OK;
	case CLI_OPT_SET:
		if (loa_config_set_kv(ctx->cfg, arg, LOA_CFG_FLAG, &err))
			return cli_usage_error(cmd->name, "%s", loa_err_msg(&err));
		cli_apply_log_config(ctx);
		return LOA_EXIT_OK;
	case CLI_OPT_LOGLEVEL:
		if (loa_log_level_parse(arg) < 0)
			return cli_usage_error(cmd->name, "mức log không hợp lệ / bad log level '%s'", arg);
		loa_config_set(ctx->cfg, "log.level", arg, LOA_CFG_FLAG, &err);
		cli_apply_log_config(ctx);
		return LOA_EXIT_OK;
	case CLI_OPT_LOGJSON:
		loa_config_set(ctx->cfg, "log.format", "json", LOA_CFG_FLAG, &err);
		cli_apply_log_config(ctx);
		return LOA_EXIT_OK;
	case ':':
		return cli_usage_error(cmd->name, "thiếu giá trị cho tùy chọn / option needs a value: %s",
				       argv[optind - 1]);
	default:
		return cli_usage_error(cmd->name, "tùy chọn không hợp lệ / unknown option: %s",
				       argv[optind - 1]);
	}
}

/* Prints the help of command c on stdout, or of its sub-command sub
 * (train, eval) when sub is not NULL; returns an exit status. */
static int print_help(const loa_cmd *c, const char *sub)
{
	const loa_family *fam = family_of(c->name);
	const char *summary = c->summary, *usage = c->usage, *help = c->help;
	if (fam && sub) {
		const loa_subcmd *s = cli_family_find(fam, sub);
		if (!s) {
			fprintf(stderr, "loa %s: không có lệnh con / no such sub-command: %s\n", c->name,
				sub);
			cli_family_list(fam, stderr);
			return LOA_EXIT_USAGE;
		}
		summary = s->summary;
		usage = s->usage;
		help = s->help;
	}
	printf("%s\n\nCách dùng / usage: %s\n\n%s\n", summary, usage, help);
	printf("\nTùy chọn chung / common options: --db PATH, --set KEY=VALUE, --log-level LEVEL, "
	       "--log-json\n");
	return LOA_EXIT_OK;
}

int cmd_help(loa_ctx *ctx, int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stdout);
		return LOA_EXIT_OK;
	}
	const loa_cmd *c = loa_cli_find(argv[1]);
	if (!c)
		return cli_usage_error("help", "không có lệnh / no such command: %s", argv[1]);
	return print_help(c, argc > 2 ? argv[2] : NULL);
}

/* Whether the arguments of command argv[0] ask for its help: "--help"
 * anywhere before a "--", or "-h" first (after the sub-command's name for
 * train and eval). Sets *sub to that sub-command's name, else NULL. */
static bool wants_help(int argc, char **argv, const char **sub)
{
	int first = 1;
	*sub = NULL;
	if (family_of(argv[0]) && argc > 1 && argv[1][0] != '-') {
		*sub = argv[1];
		first = 2;
	}
	if (argc > first && strcmp(argv[first], "-h") == 0)
		return true;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0)
			return true;
	return false;
}

int cmd_version(loa_ctx *ctx, int argc, char **argv)
{
	printf("loa %s\n", LOA_VERSION);
	return LOA_EXIT_OK;
}

int cli_common_only(loa_ctx *ctx, const char *cmdname, int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
	const loa_cmd *self = loa_cli_find(cmdname);
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		int rc = cli_common_opt(ctx, self, c, optarg, argv);
		if (rc)
			return rc;
	}
	return LOA_EXIT_OK;
}

int cmd_config(loa_ctx *ctx, int argc, char **argv)
{
	int rc = cli_common_only(ctx, "config", argc, argv);
	if (rc)
		return rc;
	if (optind >= argc || strcmp(argv[optind], "show") != 0 || optind + 1 != argc)
		return cli_usage_error("config", "cần lệnh con 'show' / expected 'show'");
	const char *file = loa_config_file(ctx->cfg);
	printf("# tệp cấu hình / config file: %s\n", file ? file : "(không có / none)");
	for (const loa_config_key *k = loa_config_keys(); k->key; k++)
		printf("%-18s = %-40s # %s; %s\n", k->key, loa_config_get(ctx->cfg, k->key),
		       loa_config_origin_name(loa_config_origin(ctx->cfg, k->key)), k->help);
	return LOA_EXIT_OK;
}

int loa_cli_main(int argc, char **argv)
{
	loa_ctx ctx = {0};
	loa_err err;
	loa_err_clear(&err);
	ctx.cfg = loa_config_new();
	if (!ctx.cfg) {
		fputs("loa: hết bộ nhớ / out of memory\n", stderr);
		return LOA_EXIT_FAIL;
	}
	const char *config_path = getenv("LOA_CONFIG");
	bool config_explicit = config_path != NULL;

	/* Global options stop at the first non-option (the command). */
	static const struct option gopts[] = {
		{"db", required_argument, NULL, CLI_OPT_DB},
		{"config", required_argument, NULL, CLI_OPT_CONFIG},
		{"set", required_argument, NULL, CLI_OPT_SET},
		{"log-level", required_argument, NULL, CLI_OPT_LOGLEVEL},
		{"log-json", no_argument, NULL, CLI_OPT_LOGJSON},
		{"quiet", no_argument, NULL, 'q'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	/* First pass: find --config, so the file layer goes under the flags. */
	const char *flag_db = NULL, *flag_level = NULL;
	bool flag_json = false;
	char *sets[64];
	int nsets = 0;
	int c, status = LOA_EXIT_OK;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:qVh", gopts, NULL)) != -1) {
		switch (c) {
		case CLI_OPT_DB: flag_db = optarg; break;
		case CLI_OPT_CONFIG: config_path = optarg; config_explicit = true; break;
		case CLI_OPT_SET:
			if (nsets == (int)(sizeof sets / sizeof sets[0])) {
				fputs("loa: quá nhiều --set / too many --set\n", stderr);
				status = LOA_EXIT_USAGE;
				goto out;
			}
			sets[nsets++] = optarg;
			break;
		case CLI_OPT_LOGLEVEL: flag_level = optarg; break;
		case CLI_OPT_LOGJSON: flag_json = true; break;
		case 'q': ctx.quiet = true; break;
		case 'V': printf("loa %s\n", LOA_VERSION); goto out;
		case 'h': print_usage(stdout); goto out;
		case ':':
			fprintf(stderr, "loa: thiếu giá trị cho tùy chọn / option needs a value: %s\n",
				argv[optind - 1]);
			print_usage(stderr);
			status = LOA_EXIT_USAGE;
			goto out;
		default:
			fprintf(stderr, "loa: tùy chọn không hợp lệ / unknown option: %s\n", argv[optind - 1]);
			print_usage(stderr);
			status = LOA_EXIT_USAGE;
			goto out;
		}
	}
	/* loa COMMAND --help: its help, before the command runs or anything is
	 * loaded (a broken configuration does not hide it) */
	if (optind < argc) {
		const loa_cmd *hc = loa_cli_find(argv[optind]);
		const char *sub;
		if (hc && wants_help(argc - optind, argv + optind, &sub)) {
			status = print_help(hc, sub);
			goto out;
		}
	}
	if (!config_path && access("loa.conf", R_OK) == 0)
		config_path = "loa.conf";
	if (config_path) {
		int rc = loa_config_load_file(ctx.cfg, config_path, &err);
		if (rc && (rc != LOA_ENOTFOUND || config_explicit)) {
			fprintf(stderr, "loa: %s\n", loa_err_msg(&err));
			status = rc == LOA_ENOTFOUND ? LOA_EXIT_USAGE : LOA_EXIT_FAIL;
			goto out;
		}
	}
	if (loa_config_load_env(ctx.cfg, &err)) {
		fprintf(stderr, "loa: %s\n", loa_err_msg(&err));
		status = LOA_EXIT_FAIL;
		goto out;
	}
	if (flag_db)
		loa_config_set(ctx.cfg, "db", flag_db, LOA_CFG_FLAG, &err);
	if (flag_level) {
		if (loa_log_level_parse(flag_level) < 0) {
			fprintf(stderr, "loa: mức log không hợp lệ / bad log level '%s'\n", flag_level);
			status = LOA_EXIT_USAGE;
			goto out;
		}
		loa_config_set(ctx.cfg, "log.level", flag_level, LOA_CFG_FLAG, &err);
	}
	if (flag_json)
		loa_config_set(ctx.cfg, "log.format", "json", LOA_CFG_FLAG, &err);
	for (int i = 0; i < nsets; i++) {
		if (loa_config_set_kv(ctx.cfg, sets[i], LOA_CFG_FLAG, &err)) {
			fprintf(stderr, "loa: %s\n", loa_err_msg(&err));
			status = LOA_EXIT_USAGE;
			goto out;
		}
	}
	if (loa_log_level_parse(loa_config_get(ctx.cfg, "log.level")) < 0) {
		fprintf(stderr, "loa: mức log không hợp lệ / bad log level '%s'\n",
			loa_config_get(ctx.cfg, "log.level"));
		status = LOA_EXIT_USAGE;
		goto out;
	}
	cli_apply_log_config(&ctx);

	if (optind >= argc) {
		print_usage(stderr);
		status = LOA_EXIT_USAGE;
		goto out;
	}
	const loa_cmd *cmd = loa_cli_find(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "loa: không có lệnh / unknown command: %s\n", argv[optind]);
		print_usage(stderr);
		status = LOA_EXIT_USAGE;
		goto out;
	}
	int cargc = argc - optind;
	char **cargv = argv + optind;
	optind = 0; /* reset getopt for the command (GNU: 0 re-initialises) */
	status = cmd->fn(&ctx, cargc, cargv);
out:
	loa_config_free(ctx.cfg);
	return status;
}
