#!/usr/bin/env bash
# The program's shape: version, help, usage errors, configuration layers.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

expect_status 0 "$LOA" --version
expect_grep "$TMP/out" '^loa [0-9]+\.[0-9]+\.[0-9]+$'
expect_status 0 "$LOA" version
expect_status 0 "$LOA" help
expect_grep "$TMP/out" 'Các lệnh / commands'
expect_status 0 "$LOA" help config
expect_grep "$TMP/out" 'loa config show'

# usage errors: exit 2, usage on stderr, nothing on stdout
expect_status 2 "$LOA"
expect_grep "$TMP/err" 'usage'
expect_status 2 "$LOA" no-such-command
expect_grep "$TMP/err" 'unknown command: no-such-command'
[ -s "$TMP/out" ] && fail "usage error wrote to stdout" || ok
expect_status 2 "$LOA" --no-such-flag version
expect_grep "$TMP/err" 'unknown option'
expect_status 2 "$LOA" config show --bogus
expect_grep "$TMP/err" 'unknown option: --bogus'
expect_status 2 "$LOA" help no-such-command
# a usage error in a subcommand of train or eval shows that subcommand's usage
expect_status 2 "$LOA" train classify --neg-scope 99
expect_grep "$TMP/err" '^loa train classify: --neg-scope'
expect_grep "$TMP/err" 'usage: loa train classify '
expect_status 2 "$LOA" eval retrieve --corpus x
expect_grep "$TMP/err" 'usage: loa eval retrieve '
expect_status 2 "$LOA" --log-level loud version
expect_status 2 "$LOA" --set nokey=1 version
expect_status 2 "$LOA" --config "$TMP/missing.conf" version

# configuration layers: default < file < env < flag
expect_status 0 "$LOA" config show
expect_grep "$TMP/out" '^db +=  ?loa.db +# default'
printf 'db = file.db\nlog.level = info\n' > loa.conf
expect_status 0 "$LOA" config show
expect_grep "$TMP/out" '^db += file.db +# file'
expect_grep "$TMP/out" 'tệp cấu hình / config file: loa.conf'
LOA_DB=env.db expect_status 0 "$LOA" config show
expect_grep "$TMP/out" '^db += env.db +# env'
LOA_DB=env.db expect_status 0 "$LOA" --db flag.db config show
expect_grep "$TMP/out" '^db += flag.db +# flag'
expect_status 0 "$LOA" config show --set log.level=error
expect_grep "$TMP/out" '^log.level += error +# flag'
printf 'bogus = 1\n' > bad.conf
expect_status 1 "$LOA" --config bad.conf version
expect_grep "$TMP/err" 'bad.conf:1: unknown key'

finish
