
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/cli/cli.c" "CMakeFiles/loa_lib.dir/src/cli/cli.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/cli/cli.c.o.d"
  "/work/main/src/core/arena.c" "CMakeFiles/loa_lib.dir/src/core/arena.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/arena.c.o.d"
  "/work/main/src/core/buf.c" "CMakeFiles/loa_lib.dir/src/core/buf.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/buf.c.o.d"
  "/work/main/src/core/config.c" "CMakeFiles/loa_lib.dir/src/core/config.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/config.c.o.d"
  "/work/main/src/core/err.c" "CMakeFiles/loa_lib.dir/src/core/err.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/err.c.o.d"
  "/work/main/src/core/log.c" "CMakeFiles/loa_lib.dir/src/core/log.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/log.c.o.d"
  "/work/main/src/core/ltime.c" "CMakeFiles/loa_lib.dir/src/core/ltime.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/ltime.c.o.d"
  "/work/main/src/core/map.c" "CMakeFiles/loa_lib.dir/src/core/map.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/map.c.o.d"
  "/work/main/src/core/progress.c" "CMakeFiles/loa_lib.dir/src/core/progress.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/progress.c.o.d"
  "/work/main/src/core/str.c" "CMakeFiles/loa_lib.dir/src/core/str.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/str.c.o.d"
  "/work/main/src/core/utf8.c" "CMakeFiles/loa_lib.dir/src/core/utf8.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/utf8.c.o.d"
  "/work/main/src/core/vec.c" "CMakeFiles/loa_lib.dir/src/core/vec.c.o" "gcc" "CMakeFiles/loa_lib.dir/src/core/vec.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
