file(REMOVE_RECURSE
  "CMakeFiles/loa_lib.dir/src/cli/cli.c.o"
  "CMakeFiles/loa_lib.dir/src/cli/cli.c.o.d"
  "CMakeFiles/loa_lib.dir/src/core/arena.c.o"
  "CMakeFiles/loa_lib.dir/src/core/arena.c.o.d"
  "CMakeFiles/loa_lib.dir/src/core/buf.c.o"
  "CMakeFiles/loa_lib.dir/src/core/buf.c.o.d"
  "CMakeFiles/loa_lib.dir/src/core/config.c.o"
  "CMakeFiles/loa_lib.dir/src/core/config.c.o.d"
  "CMakeFiles/loa_lib.dir/src/core/err.c.o"
  "CMakeFiles/loa_lib.dir/src/core/err.c.o.d"
  "CMakeFiles/loa_lib.dir/src/core/log.c.o"
  "CMakeFiles/loa_lib.dir/src/core/log.c.o.d"
  "CMakeFiles/loa_lib.dir/src/core/ltime.c.o"
  "CMakeFiles/loa_lib.dir/src/core/ltime.c.o.d"
  "CMakeFiles/loa_lib.dir/src/core/map.c.o"
  "CMakeFiles/loa_lib.dir/src/core/map.c.o.d"
  "CMakeFiles/loa_lib.dir/src/core/progress.c.o"
  "CMakeFiles/loa_lib.dir/src/core/progress.c.o.d"
  "CMakeFiles/loa_lib.dir/src/core/str.c.o"
  "CMakeFiles/loa_lib.dir/src/core/str.c.o.d"
  "CMakeFiles/loa_lib.dir/src/core/utf8.c.o"
  "CMakeFiles/loa_lib.dir/src/core/utf8.c.o.d"
  "CMakeFiles/loa_lib.dir/src/core/vec.c.o"
  "CMakeFiles/loa_lib.dir/src/core/vec.c.o.d"
  "libloa.a"
  "libloa.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/loa_lib.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
