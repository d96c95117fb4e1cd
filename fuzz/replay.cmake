# loa_fuzz_replay(NAME HARNESS.c CORPUS_DIR [LIBS...]) - builds the harness
# with fuzz/replay_main.c (no libFuzzer) as replay_NAME and registers the
# CTest test fuzz.NAME_replay that runs it over the corpus. Include this file
# from a tests/<room>/CMakeLists.txt:
#   include(${CMAKE_SOURCE_DIR}/fuzz/replay.cmake)
#   loa_fuzz_replay(text ${CMAKE_SOURCE_DIR}/fuzz/fuzz_text.c ${CMAKE_SOURCE_DIR}/fuzz/corpus/text)
function(loa_fuzz_replay name harness corpus)
  add_executable(replay_${name} ${harness} ${CMAKE_SOURCE_DIR}/fuzz/replay_main.c)
  target_link_libraries(replay_${name} PRIVATE loa_lib ${ARGN})
  add_test(NAME fuzz.${name}_replay COMMAND replay_${name} ${corpus})
  set_tests_properties(fuzz.${name}_replay PROPERTIES LABELS "unit;fuzz" TIMEOUT 300)
endfunction()
