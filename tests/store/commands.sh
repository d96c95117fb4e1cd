#!/usr/bin/env bash
# store.commands: usage errors (exit 2), missing/unreadable files and
# databases (exit 1), newer schema refused and unchanged, db status and
# migrate, orgs add/list/merge, sources list.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
DB="$TMP/t.db"

# unknown options and bad usage: exit 2 and usage on stderr
for cmd in "import --bogus x" "import" "import a b" "import --batch 0 x" "export --bogus" \
           "export --format xml" "export --since yesterday" "db --bogus status" "db" \
           "db frobnicate" "orgs" "orgs add --bogus" "orgs add --slug x" "orgs list --bogus" \
           "orgs frob" "sources --bogus list" "sources" "orgs merge --from a"; do
  # shellcheck disable=SC2086
  expect_status 2 "$LOA" --db "$DB" $cmd
  expect_grep err 'usage'
done
expect_status 2 "$LOA" --db "$DB" orgs add --slug "Không Hợp Lệ" --name x
expect_grep err 'bad slug'
[ -e "$DB" ] && [ "$(db_items "$DB")" != 0 ] && fail "usage errors stored something" || ok

# missing and unreadable files
expect_status 1 "$LOA" --db "$DB" import no-such-file.jsonl
expect_grep err 'không đọc được tệp / cannot read file: no-such-file.jsonl'
mkdir adir
expect_status 1 "$LOA" --db "$DB" import adir
expect_grep err 'cannot read file: adir'
if [ "$(id -u)" != 0 ]; then
  echo '{}' > secret.jsonl; chmod 000 secret.jsonl
  expect_status 1 "$LOA" --db "$DB" import secret.jsonl
  expect_grep err 'cannot read file: secret.jsonl: Permission denied'
fi
# db status on a database that does not exist: no file is created
expect_status 1 "$LOA" --db "$TMP/none.db" db status
expect_grep err 'no database'
[ -e "$TMP/none.db" ] && fail "db status created a database" || ok
# a file that is not a database
echo "not a database, only text: $(seq 1 50 | tr '\n' ' ')" > text.db
expect_status 1 "$LOA" --db text.db db status
expect_grep err 'not a database'

# db migrate / status
expect_status 0 "$LOA" --db "$TMP/m.db" db migrate
expect_grep out '^db: migrated from=0 to=4 applied=4$'
expect_status 0 "$LOA" --db "$TMP/m.db" db migrate
expect_grep out 'applied=0'
rm -f "$DB" "$DB"-wal "$DB"-shm
expect_status 0 "$LOA" --db "$DB" db migrate
expect_status 0 "$LOA" --db "$DB" db status
expect_grep out 'lược đồ / schema version: +4'
expect_grep out '^db: schema=4 program=4 pending=0 orgs=0 sources=0 items=0 audit=0 '
expect_grep out '\(sqlite, wal\)'
expect_status 0 "$LOA" --db "$DB" db check
expect_grep out '^db: check=ok$'

# orgs
expect_status 0 "$LOA" --db "$DB" orgs add --slug chinh-phu --name "Chính phủ" --kind government
expect_status 0 "$LOA" --db "$DB" orgs add --slug so-tttt-ha-tay --name "Sở Thông tin và Truyền thông Hà Tây" --parent chinh-phu --kind department --valid-from 1991-10-01
expect_status 0 "$LOA" --db "$DB" orgs add --slug so-tttt-ha-noi --name "Sở Thông tin và Truyền thông Hà Nội" --parent chinh-phu --kind department
expect_status 1 "$LOA" --db "$DB" orgs add --slug chinh-phu --name "Lặp lại"
expect_grep err 'organisation exists: chinh-phu'
expect_status 1 "$LOA" --db "$DB" orgs add --slug x --name X --parent khong-co
expect_grep err 'no such parent organisation: khong-co'
expect_status 2 "$LOA" --db "$DB" orgs add --slug x --name X --kind club
expect_status 0 "$LOA" --db "$DB" orgs merge --from so-tttt-ha-tay --into so-tttt-ha-noi --at 2008-08-01
expect_grep out 'merged from=so-tttt-ha-tay into=so-tttt-ha-noi'
expect_status 1 "$LOA" --db "$DB" orgs merge --from so-tttt-ha-noi --into so-tttt-ha-tay
expect_grep err 'cycle'
expect_status 0 "$LOA" --db "$DB" orgs list
expect_grep out '^so-tttt-ha-tay +department +chinh-phu +1991-10-01 2008-08-01 so-tttt-ha-noi +Sở Thông tin và Truyền thông Hà Tây$'
expect_grep out '^chinh-phu +government'
expect_eq "orgs listed" "$(grep -c -- '-' out)" 3

# sources: created by import with type and outlet from the platform
cat > s.jsonl <<'JSONL'
{"source":"fb-ubnd-ha-noi","platform":"facebook","id":"1","text":"Thông báo","org":"so-tttt-ha-tay","published_at":"2024-01-01T00:00:00Z"}
{"source":"baomoi","id":"1","title":"Tin","published_at":"2024-01-01T00:00:00Z"}
{"source":"baomoi","id":"2","title":"Tin 2","published_at":"2024-01-01T00:00:00Z"}
JSONL
expect_status 0 "$LOA" --db "$DB" import s.jsonl
expect_status 0 "$LOA" --db "$DB" sources list
expect_grep out '^fb-ubnd-ha-noi +social +social +facebook +- +active +1$'
expect_grep out '^baomoi +feed +- +web +- +active +2$'
expect_status 0 "$LOA" --db "$DB" db status
expect_grep out 'orgs=3 sources=2 items=3 audit=5 '

# help lists the commands
expect_status 0 "$LOA" help import
expect_grep out 'import.max_line'

# a database of a newer schema version: refused, not modified
if command -v sqlite3 >/dev/null; then
  sqlite3 "$DB" 'PRAGMA user_version = 99'
  sum=$(cat "$DB" "$DB"-wal 2>/dev/null | cksum)
  for cmd in "db status" "db migrate" "import s.jsonl" "export" "orgs list" "sources list"; do
    # shellcheck disable=SC2086
    expect_status 1 "$LOA" --db "$DB" $cmd
    expect_grep err 'schema version 99 is newer than this program knows \(4\)'
  done
  expect_eq "newer database unchanged" "$(cat "$DB" "$DB"-wal 2>/dev/null | cksum)" "$sum"
else
  echo "note: sqlite3 shell missing, newer-schema check left to unit.store"
fi
finish
