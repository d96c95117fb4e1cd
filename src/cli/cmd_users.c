/*
 * cmd_users.c - `loa users add|passwd|list|disable|enable|token`.
 * The CLI acts with local administrator rights on the database; every
 * change is in the audit log with actor "cli".
 */
#include "auth/auth.h"
#include "cli/cli.h"
#include "core/str.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/banned.h"

static int read_password(char *out, size_t cap, bool from_stdin, bool *generated)
{
	*generated = false;
	if (from_stdin) {
		if (!fgets(out, (int)cap, stdin))
			return LOA_EIO;
		out[strcspn(out, "\r\n")] = '\0';
		return LOA_OK;
	}
	static const char alpha[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	if (sodium_init() < 0)
		return LOA_EIO;
	for (int i = 0; i < 16; i++)
		out[i] = alpha[randombytes_uniform(sizeof alpha - 1)];
	out[16] = '\0';
	*generated = true;
	return LOA_OK;
}

static int print_user(void *arg, const loa_user *u)
{
	char t[LOA_TIME_STR_MAX];
	printf("%-20s %-13s %-24s %-9s %s  %s\n", u->login, loa_role_name(u->role),
	       u->org[0] ? u->org : "-", u->disabled ? "disabled" : "active",
	       loa_time_format_display(u->created_at, t), u->name);
	return 0;
}

int cmd_users(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"role", required_argument, NULL, 'r'},
		{"org", required_argument, NULL, 'o'},
		{"name", required_argument, NULL, 'n'},
		{"label", required_argument, NULL, 'L'},
		{"password-stdin", no_argument, NULL, 'p'},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("users");
	const char *role = NULL, *org = NULL, *name = NULL, *label = NULL;
	bool pw_stdin = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'r': role = optarg; break;
		case 'o': org = optarg; break;
		case 'n': name = optarg; break;
		case 'L': label = optarg; break;
		case 'p': pw_stdin = true; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (optind >= argc)
		return cli_usage_error("users", "cần lệnh con / expected add, passwd, list, disable, enable or token");
	const char *sub = argv[optind++];
	bool is_list = strcmp(sub, "list") == 0;
	if (!is_list && strcmp(sub, "add") && strcmp(sub, "passwd") && strcmp(sub, "disable") &&
	    strcmp(sub, "enable") && strcmp(sub, "token"))
		return cli_usage_error("users", "lệnh con không hợp lệ / unknown subcommand: %s", sub);
	if (is_list ? optind != argc : optind + 1 != argc)
		return cli_usage_error("users", is_list ? "thừa đối số / unexpected argument"
							: "cần đúng một tên đăng nhập / expected one LOGIN");
	const char *login = is_list ? NULL : argv[optind];
	int r = -1;
	if (strcmp(sub, "add") == 0) {
		if (!role)
			return cli_usage_error("users", "cần --role / --role is required");
		if ((r = loa_role_parse(role)) < 0)
			return cli_usage_error("users", "vai trò không hợp lệ / unknown role '%s' "
					       "(admin, editor, analyst, spokesperson, journalist, public)", role);
	}

	loa_err err;
	loa_err_clear(&err);
	loa_store *s;
	if (loa_store_open_config(ctx->cfg, 0, &s, &err))
		return cli_fail("users", "%s", loa_err_msg(&err));
	int rc = LOA_OK;
	char pw[LOA_PASSWORD_MAX + 2];
	bool generated = false;
	if (is_list) {
		rc = loa_users_each(s, print_user, NULL, &err);
	} else if (strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0) {
		if (read_password(pw, sizeof pw, pw_stdin, &generated)) {
			loa_store_close(s);
			return cli_fail("users", "không đọc được mật khẩu / cannot read the password");
		}
		rc = strcmp(sub, "add") == 0
			     ? loa_user_add(s, login, name, r, org, pw, "cli", NULL, &err)
			     : loa_user_passwd(s, login, pw, "cli", &err);
		if (rc == LOA_OK) {
			printf("users: %s %s\n", sub, login);
			if (generated)
				printf("mật khẩu một lần / one-time password: %s\n", pw);
		}
		sodium_memzero(pw, sizeof pw);
	} else if (strcmp(sub, "token") == 0) {
		char tok[LOA_TOKEN_STR_MAX];
		rc = loa_token_create(s, login, label, "cli", tok, &err);
		if (rc == LOA_OK)
			printf("%s\n", tok);
	} else {
		rc = loa_user_disable(s, login, strcmp(sub, "disable") == 0, "cli", &err);
		if (rc == LOA_OK)
			printf("users: %s %s\n", sub, login);
	}
	loa_store_close(s);
	if (rc)
		return cli_fail("users", "%s", loa_err_msg(&err));
	return LOA_EXIT_OK;
}
