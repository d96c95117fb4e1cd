
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/build/generated/openapi_json.c" "CMakeFiles/loa_lib.dir/generated/openapi_json.c.o" "gcc" "CMakeFiles/loa_lib.dir/generated/openapi_json.c.o.d"
  "/work/main/src/analyze/claim.c" "CMakeFiles/loa_lib.dir/src/analyze/claim.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/analyze/claim.c.o.d"
  "/work/main/src/analyze/classify.c" "CMakeFiles/loa_lib.dir/src/analyze/classify.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/analyze/classify.c.o.d"
  "/work/main/src/analyze/lang.c" "CMakeFiles/loa_lib.dir/src/analyze/lang.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/analyze/lang.c.o.d"
  "/work/main/src/analyze/measure.c" "CMakeFiles/loa_lib.dir/src/analyze/measure.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/analyze/measure.c.o.d"
  "/work/main/src/analyze/pipeline.c" "CMakeFiles/loa_lib.dir/src/analyze/pipeline.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/analyze/pipeline.c.o.d"
  "/work/main/src/analyze/report.c" "CMakeFiles/loa_lib.dir/src/analyze/report.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/analyze/report.c.o.d"
  "/work/main/src/analyze/story.c" "CMakeFiles/loa_lib.dir/src/analyze/story.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/analyze/story.c.o.d"
  "/work/main/src/auth/auth.c" "CMakeFiles/loa_lib.dir/src/auth/auth.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/auth/auth.c.o.d"
  "/work/main/src/cli/cli.c" "CMakeFiles/loa_lib.dir/src/cli/cli.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cli.c.o.d"
  "/work/main/src/cli/cmd_alerts.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_alerts.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_alerts.c.o.d"
  "/work/main/src/cli/cmd_analyze.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_analyze.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_analyze.c.o.d"
  "/work/main/src/cli/cmd_classify.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_classify.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_classify.c.o.d"
  "/work/main/src/cli/cmd_eval.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_eval.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_eval.c.o.d"
  "/work/main/src/cli/cmd_feeds.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_feeds.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_feeds.c.o.d"
  "/work/main/src/cli/cmd_import.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_import.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_import.c.o.d"
  "/work/main/src/cli/cmd_ingest.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_ingest.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_ingest.c.o.d"
  "/work/main/src/cli/cmd_qa.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_qa.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_qa.c.o.d"
  "/work/main/src/cli/cmd_queries.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_queries.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_queries.c.o.d"
  "/work/main/src/cli/cmd_search.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_search.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_search.c.o.d"
  "/work/main/src/cli/cmd_segment.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_segment.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_segment.c.o.d"
  "/work/main/src/cli/cmd_serve.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_serve.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_serve.c.o.d"
  "/work/main/src/cli/cmd_sources.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_sources.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_sources.c.o.d"
  "/work/main/src/cli/cmd_store.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_store.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_store.c.o.d"
  "/work/main/src/cli/cmd_text.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_text.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_text.c.o.d"
  "/work/main/src/cli/cmd_train.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_train.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_train.c.o.d"
  "/work/main/src/cli/cmd_users.c" "CMakeFiles/loa_lib.dir/src/cli/cmd_users.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cmd_users.c.o.d"
  "/work/main/src/core/arena.c" "CMakeFiles/loa_lib.dir/src/core/arena.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/arena.c.o.d"
  "/work/main/src/core/buf.c" "CMakeFiles/loa_lib.dir/src/core/buf.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/buf.c.o.d"
  "/work/main/src/core/calendar.c" "CMakeFiles/loa_lib.dir/src/core/calendar.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/calendar.c.o.d"
  "/work/main/src/core/config.c" "CMakeFiles/loa_lib.dir/src/core/config.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/config.c.o.d"
  "/work/main/src/core/err.c" "CMakeFiles/loa_lib.dir/src/core/err.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/err.c.o.d"
  "/work/main/src/core/log.c" "CMakeFiles/loa_lib.dir/src/core/log.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/log.c.o.d"
  "/work/main/src/core/ltime.c" "CMakeFiles/loa_lib.dir/src/core/ltime.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/ltime.c.o.d"
  "/work/main/src/core/map.c" "CMakeFiles/loa_lib.dir/src/core/map.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/map.c.o.d"
  "/work/main/src/core/metrics.c" "CMakeFiles/loa_lib.dir/src/core/metrics.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/metrics.c.o.d"
  "/work/main/src/core/paths.c" "CMakeFiles/loa_lib.dir/src/core/paths.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/paths.c.o.d"
  "/work/main/src/core/progress.c" "CMakeFiles/loa_lib.dir/src/core/progress.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/progress.c.o.d"
  "/work/main/src/core/str.c" "CMakeFiles/loa_lib.dir/src/core/str.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/str.c.o.d"
  "/work/main/src/core/utf8.c" "CMakeFiles/loa_lib.dir/src/core/utf8.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/utf8.c.o.d"
  "/work/main/src/core/vec.c" "CMakeFiles/loa_lib.dir/src/core/vec.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/vec.c.o.d"
  "/work/main/src/feed/charset.c" "CMakeFiles/loa_lib.dir/src/feed/charset.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/feed/charset.c.o.d"
  "/work/main/src/feed/date.c" "CMakeFiles/loa_lib.dir/src/feed/date.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/feed/date.c.o.d"
  "/work/main/src/feed/extract.c" "CMakeFiles/loa_lib.dir/src/feed/extract.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/feed/extract.c.o.d"
  "/work/main/src/feed/feed.c" "CMakeFiles/loa_lib.dir/src/feed/feed.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/feed/feed.c.o.d"
  "/work/main/src/feed/fetch.c" "CMakeFiles/loa_lib.dir/src/feed/fetch.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/feed/fetch.c.o.d"
  "/work/main/src/feed/html.c" "CMakeFiles/loa_lib.dir/src/feed/html.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/feed/html.c.o.d"
  "/work/main/src/feed/ingest.c" "CMakeFiles/loa_lib.dir/src/feed/ingest.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/feed/ingest.c.o.d"
  "/work/main/src/feed/json.c" "CMakeFiles/loa_lib.dir/src/feed/json.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/feed/json.c.o.d"
  "/work/main/src/feed/opml.c" "CMakeFiles/loa_lib.dir/src/feed/opml.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/feed/opml.c.o.d"
  "/work/main/src/feed/robots.c" "CMakeFiles/loa_lib.dir/src/feed/robots.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/feed/robots.c.o.d"
  "/work/main/src/feed/schedule.c" "CMakeFiles/loa_lib.dir/src/feed/schedule.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/feed/schedule.c.o.d"
  "/work/main/src/feed/uri.c" "CMakeFiles/loa_lib.dir/src/feed/uri.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/feed/uri.c.o.d"
  "/work/main/src/feed/xml.c" "CMakeFiles/loa_lib.dir/src/feed/xml.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/feed/xml.c.o.d"
  "/work/main/src/http/api_auth.c" "CMakeFiles/loa_lib.dir/src/http/api_auth.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/http/api_auth.c.o.d"
  "/work/main/src/http/api_items.c" "CMakeFiles/loa_lib.dir/src/http/api_items.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/http/api_items.c.o.d"
  "/work/main/src/http/api_search.c" "CMakeFiles/loa_lib.dir/src/http/api_search.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/http/api_search.c.o.d"
  "/work/main/src/http/app.c" "CMakeFiles/loa_lib.dir/src/http/app.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/http/app.c.o.d"
  "/work/main/src/http/events.c" "CMakeFiles/loa_lib.dir/src/http/events.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/http/events.c.o.d"
  "/work/main/src/http/jobs.c" "CMakeFiles/loa_lib.dir/src/http/jobs.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/http/jobs.c.o.d"
  "/work/main/src/http/server.c" "CMakeFiles/loa_lib.dir/src/http/server.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/http/server.c.o.d"
  "/work/main/src/qa/laws.c" "CMakeFiles/loa_lib.dir/src/qa/laws.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/qa/laws.c.o.d"
  "/work/main/src/qa/retrieve.c" "CMakeFiles/loa_lib.dir/src/qa/retrieve.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/qa/retrieve.c.o.d"
  "/work/main/src/search/alert.c" "CMakeFiles/loa_lib.dir/src/search/alert.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/search/alert.c.o.d"
  "/work/main/src/search/index.c" "CMakeFiles/loa_lib.dir/src/search/index.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/search/index.c.o.d"
  "/work/main/src/search/match.c" "CMakeFiles/loa_lib.dir/src/search/match.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/search/match.c.o.d"
  "/work/main/src/search/query.c" "CMakeFiles/loa_lib.dir/src/search/query.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/search/query.c.o.d"
  "/work/main/src/search/search.c" "CMakeFiles/loa_lib.dir/src/search/search.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/search/search.c.o.d"
  "/work/main/src/store/item_json.c" "CMakeFiles/loa_lib.dir/src/store/item_json.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/store/item_json.c.o.d"
  "/work/main/src/store/sql.c" "CMakeFiles/loa_lib.dir/src/store/sql.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/store/sql.c.o.d"
  "/work/main/src/store/store.c" "CMakeFiles/loa_lib.dir/src/store/store.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/store/store.c.o.d"
  "/work/main/src/store/store_sqlite.c" "CMakeFiles/loa_lib.dir/src/store/store_sqlite.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/store/store_sqlite.c.o.d"
  "/work/main/src/text/fts5_tok.c" "CMakeFiles/loa_lib.dir/src/text/fts5_tok.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/text/fts5_tok.c.o.d"
  "/work/main/src/text/normalize.c" "CMakeFiles/loa_lib.dir/src/text/normalize.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/text/normalize.c.o.d"
  "/work/main/src/text/segment.c" "CMakeFiles/loa_lib.dir/src/text/segment.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/text/segment.c.o.d"
  "/work/main/src/text/token.c" "CMakeFiles/loa_lib.dir/src/text/token.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/text/token.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
