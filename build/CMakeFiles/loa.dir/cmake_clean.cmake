file(REMOVE_RECURSE
  "CMakeFiles/loa.dir/src/cli/main.c.o"
  "CMakeFiles/loa.dir/src/cli/main.c.o.d"
  "loa"
  "loa.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/loa.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
