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

# help everywhere: loa COMMAND --help (or -h first) prints the help on
# stdout and exits 0, before the command runs (no database is opened)
expect_status 0 "$LOA" search --help
expect_grep "$TMP/out" '^Cách dùng / usage: loa search '
[ -s "$TMP/err" ] && fail "search --help wrote to stderr" || ok
[ -e loa.db ] && fail "search --help opened the database" || ok
expect_status 0 "$LOA" search -h
expect_grep "$TMP/out" 'usage: loa search '
expect_status 0 "$LOA" analyze --limit 3 --help
expect_grep "$TMP/out" 'usage: loa analyze '
expect_status 0 "$LOA" train classify --help
expect_grep "$TMP/out" '^Cách dùng / usage: loa train classify '
expect_grep "$TMP/out" '--embed'
expect_grep "$TMP/out" '--nested-cv'
expect_grep "$TMP/out" 'Ends with: train classify: '
expect_status 0 "$LOA" eval stories -h
expect_grep "$TMP/out" 'usage: loa eval stories '
expect_status 0 "$LOA" help eval stories
expect_grep "$TMP/out" '--pairs'
expect_status 0 "$LOA" help train
expect_grep "$TMP/out" '^Cách dùng / usage: loa train classify\|embed\|retrieve\|segment'
# every model that `loa train` lists, and every evaluation `loa eval` lists,
# is in the command's help and has a help of its own naming its final line
for fam in train eval; do
  expect_status 2 "$LOA" $fam
  subs=$(sed -nE 's/^  ([a-z]+) .*/\1/p' "$TMP/err")
  [ -n "$subs" ] && ok || fail "loa $fam lists no sub-commands"
  expect_status 0 "$LOA" help $fam
  cp "$TMP/out" "$TMP/famhelp"
  expect_status 0 "$LOA" $fam --help
  cmp -s "$TMP/out" "$TMP/famhelp" && ok || fail "loa $fam --help differs from loa help $fam"
  for s in $subs; do
    expect_grep "$TMP/famhelp" "^  $s "
    expect_status 0 "$LOA" help $fam $s
    expect_grep "$TMP/out" "^Cách dùng / usage: loa $fam $s"
    expect_grep "$TMP/out" '^Ends with: '
    cp "$TMP/out" "$TMP/subhelp"
    expect_status 0 "$LOA" $fam $s --help
    cmp -s "$TMP/out" "$TMP/subhelp" && ok || fail "loa $fam $s --help differs from loa help $fam $s"
    # help lines stay under 80 columns (summary and usage lines aside)
    long=$(sed 1d "$TMP/subhelp" | grep -vE '^(Cách dùng|Tùy chọn chung)' | awk 'length($0) >= 80')
    [ -z "$long" ] && ok || fail "loa help $fam $s: line of 80 columns or more: $long"
  done
done
expect_grep "$TMP/famhelp" '^  stories '
expect_status 2 "$LOA" help train nosuch
expect_grep "$TMP/err" 'no such sub-command: nosuch'
expect_status 2 "$LOA" train nosuch --help
expect_status 2 "$LOA" help nosuch
[ -s "$TMP/out" ] && fail "help nosuch wrote to stdout" || ok
# an unknown option is still a usage error; after -- a --help is an operand
expect_status 2 "$LOA" search --nosuch
expect_grep "$TMP/err" 'unknown option: --nosuch'
expect_status 2 "$LOA" train classify --nosuch
expect_grep "$TMP/err" 'unknown option: --nosuch'
expect_status 2 "$LOA" config show -- --help
expect_grep "$TMP/err" 'expected .show.'
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
