# Shared compile settings and helpers for every component.

add_library(spl_options INTERFACE)
target_compile_options(spl_options INTERFACE -Wall -Wextra -Wpedantic)
if(SPL_WERROR)
  target_compile_options(spl_options INTERFACE -Werror)
endif()
target_include_directories(spl_options INTERFACE ${PROJECT_SOURCE_DIR})
# The node heaps free with sized ::operator delete, which clang 14 declares only on request.
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  target_compile_options(spl_options INTERFACE -fsized-deallocation)
endif()

if(SPL_SANITIZE)
  add_compile_options(-fsanitize=${SPL_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${SPL_SANITIZE})
endif()

# The fuzz preset instruments everything it compiles, libraries included, for coverage and with
# ASan and UBSan: a harness that alone was instrumented saw only its own few edges, and a bug
# inside a library went unreported. Only the harnesses link libFuzzer itself (spl_fuzz).
if(SPL_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

# spl_test(NAME SOURCES... [LIBS ...] [LABELS ...]): one GoogleTest binary, one ctest entry.
function(spl_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE spl_options ${ARG_LIBS} rapidcheck GTest::gtest GTest::gtest_main
                                        Threads::Threads)
  add_test(NAME ${name} COMMAND ${name})
  if(ARG_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
  endif()
endfunction()

# spl_bench(NAME SOURCES... [LIBS ...]): a Google Benchmark binary (not a test).
function(spl_bench name)
  if(NOT SPL_BENCH)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE spl_options ${ARG_LIBS} benchmark::benchmark Threads::Threads)
endfunction()

# spl_fuzz(NAME SOURCES... [LIBS ...]): a libFuzzer target, only in the clang fuzz preset.
function(spl_fuzz name)
  if(NOT SPL_FUZZ)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE spl_options ${ARG_LIBS})
endfunction()
