# Shared CMake helpers.

# Compile options of our own C++ (not of Verilator's generated code).
# TEST: a test program's own sources (its checks and benches): ASan only.
function(dmacosim_flags target)
  # Source paths as the tree spells them ("driver/kernel/locking.cpp") in
  # __FILE__ and the line tables, whatever the checkout's location: what
  # reports and call traces print (driver/kernel/stacktrace.cpp), and the
  # same in a unity translation unit, which includes its sources by absolute
  # path (dmacosim_unity).
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter
                                           -ffile-prefix-map=${CMAKE_SOURCE_DIR}/=)
  if(DMACOSIM_SANITIZE)
    # Product code (models, tb, driver): ASan + UBSan without its alignment
    # and null checks. Those two instrument nearly every access and double a
    # file's compile time (tb/scenarios/audio.cpp: 16.9 s with them, 7.7 s
    # without; ASan alone 8.6 s); a null dereference still faults (ASan
    # reports the SEGV with its stack) and the x86 host tolerates misaligned
    # accesses. Test programs' own code: ASan only (the tests are not what
    # UBSan is there to check). Every program links both runtimes. -O1 -g1
    # (after the build type's -O2 -g, so they win): instrumented code at -O2
    # -g compiles about 3x slower than plain, at -O1 -g1 about 1.5x, and
    # reports keep file:line.
    if("${ARGV1}" STREQUAL "TEST")
      target_compile_options(${target} PRIVATE -fsanitize=address -fno-omit-frame-pointer -O1 -g1)
    else()
      target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-sanitize=alignment,null
                                                -fno-omit-frame-pointer -O1 -g1)
    endif()
  elseif("${ARGV1}" STREQUAL "TEST")
    # Test programs' own sources: -O1 -g1 (after the build type's -O2 -g).
    # Full debug info of gtest and SystemC templates is most of a test
    # file's compile, and -O2's extra passes over gtest's expanded macros
    # most of the rest: tests/driver/kernel/test_lockdep_report.cpp takes
    # 15.8 s of CPU at -O2 -g1, 10.5 s at -O1 -g1. The tests' run time is in
    # the models, the kernel model and the Verilated RTL (libraries, -O2),
    # not in their own code. Not -Og: the RTL suite's bench steps the model
    # every cycle from test code. A Debug build keeps its -O0 -g (for
    # stepping through a test in a debugger).
    target_compile_options(${target} PRIVATE "$<$<NOT:$<CONFIG:Debug>>:-O1;-g1>")
  else()
    # Product code: -g1 (line tables, functions and inlined-call records,
    # after the build type's -g): what the call traces of
    # driver/kernel/stacktrace.cpp read (each inlined function's name, call
    # file and line); the types and variables of -g are a quarter of a
    # file's compile (tb/platform.cpp: 16.7 s at -O2 -g, 12.9 s at -O2 -g1).
    # A Debug build keeps full -g: a driver writer stepping through a driver
    # sees its locals and types there.
    target_compile_options(${target} PRIVATE $<$<NOT:$<CONFIG:Debug>>:-g1>)
  endif()
endfunction()

# Two precompiled headers (cmake/pch/), each built once per build tree and
# reused by every target of ours: SystemC/TLM and the standard library, plus
# GoogleTest for the targets that link it. They take 20-30 % off each
# translation unit. Call once, after find_package(GTest) and the SystemC check.
function(dmacosim_precompiled_headers)
  add_library(dmacosim_pch OBJECT ${CMAKE_SOURCE_DIR}/cmake/pch/pch_anchor.cpp)
  target_link_libraries(dmacosim_pch PRIVATE PkgConfig::SYSTEMC)
  dmacosim_flags(dmacosim_pch)
  target_precompile_headers(dmacosim_pch PRIVATE ${CMAKE_SOURCE_DIR}/cmake/pch/dmacosim_pch.h)
  add_library(dmacosim_pch_gtest OBJECT ${CMAKE_SOURCE_DIR}/cmake/pch/pch_anchor.cpp)
  target_link_libraries(dmacosim_pch_gtest PRIVATE PkgConfig::SYSTEMC GTest::gtest)
  dmacosim_flags(dmacosim_pch_gtest TEST)
  target_precompile_headers(dmacosim_pch_gtest PRIVATE ${CMAKE_SOURCE_DIR}/cmake/pch/dmacosim_test_pch.h)
endfunction()

# Warnings, sanitizer flags and the shared precompiled header for one of our
# targets (call after its target_link_libraries: a target that links
# GoogleTest gets the header that includes it).
function(dmacosim_warnings target)
  get_target_property(libs ${target} LINK_LIBRARIES)
  if(libs AND ("GTest::gtest" IN_LIST libs OR "dmacosim_test_main" IN_LIST libs))
    dmacosim_flags(${target} TEST)
    target_precompile_headers(${target} REUSE_FROM dmacosim_pch_gtest)
  else()
    dmacosim_flags(${target})
    target_precompile_headers(${target} REUSE_FROM dmacosim_pch)
    dmacosim_unity(${target} ${DMACOSIM_UNITY_BATCH_PRODUCT})
  endif()
endfunction()

# dmacosim_link_to_executables(<dir> <lib>): link <lib> into every executable
# defined in <dir> and its subdirectories (call after they are all added).
function(dmacosim_link_to_executables dir lib)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t IN LISTS targets)
    get_target_property(type ${t} TYPE)
    if(type STREQUAL "EXECUTABLE")
      target_link_libraries(${t} PRIVATE ${lib})
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(d IN LISTS subdirs)
    dmacosim_link_to_executables(${d} ${lib})
  endforeach()
endfunction()

# dmacosim_unity(<target> [<batch>]): compile the target's sources <batch>
# (default DMACOSIM_UNITY_BATCH) at a time as one translation unit (CMake's
# unity build). Every file of ours pays about a second before its first line:
# loading the precompiled SystemC/TLM header (about 100 MB) and parsing the
# project headers it includes; a unity translation unit pays it once and
# compiles the templates its files share once. Test programs take 4 files a
# unit, our libraries and programs DMACOSIM_UNITY_BATCH_PRODUCT (8;
# dmacosim_warnings applies it): a batch, not the whole target, so the two
# cores still have several units of each target to share. File-local helpers
# must have distinct names across a target's files (a clash is a compile
# error, not a silent merge). Only targets with several source files: one
# file gains nothing. The unity files include each source by its absolute
# path; -ffile-prefix-map (dmacosim_flags) keeps __FILE__ and the line tables
# relative.
set(DMACOSIM_UNITY_BATCH 4 CACHE STRING "source files per unity translation unit of a test program (0: no unity build)")
set(DMACOSIM_UNITY_BATCH_PRODUCT 8 CACHE STRING "source files per unity translation unit of a library or program of ours (0: no unity build)")
function(dmacosim_unity target)
  if(ARGC GREATER 1)
    set(batch ${ARGV1})
  else()
    set(batch ${DMACOSIM_UNITY_BATCH})
  endif()
  get_target_property(srcs ${target} SOURCES)
  list(FILTER srcs INCLUDE REGEX "\\.cpp$")
  list(LENGTH srcs n)
  if(batch GREATER 1 AND n GREATER 1)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${batch})
  endif()
endfunction()

# dmacosim_add_gtest(NAME <exe> SOURCES <...> LIBS <...> [TIMEOUT <s>])
# One executable per area; gtest_discover_tests runs every TEST in its own
# process because SystemC elaborates once per process. The executable's entry
# point is sc_main from tests/common (libsystemc exports main).
function(dmacosim_add_gtest)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;ENVIRONMENT" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  if(DMACOSIM_SANITIZE)
    # ASan + UBSan run our C++ several times slower (the RTL random blocks ~8x).
    math(EXPR T_TIMEOUT "${T_TIMEOUT} * 5")
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} dmacosim_test_main GTest::gtest PkgConfig::SYSTEMC)
  dmacosim_warnings(${T_NAME})
  dmacosim_unity(${T_NAME})
  gtest_discover_tests(${T_NAME}
    DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT ${T_TIMEOUT} ENVIRONMENT "${T_ENVIRONMENT}"
    WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
endfunction()
include(GoogleTest)

# The Verilator runtime every model links (dmacosim_verilate says why one
# copy serves them all): the sources verilate() would add to each model, with
# its flags (the switches only select what verilated.h declares). The
# coverage database is added with the first coverage model. STATIC: a model
# without coverage or tracing pulls no coverage database or FST writer.
function(dmacosim_verilated_runtime)
  if(TARGET dmacosim_verilated)
    return()
  endif()
  set(inc ${VERILATOR_ROOT}/include)
  add_library(dmacosim_verilated STATIC ${inc}/verilated.cpp ${inc}/verilated_threads.cpp ${inc}/verilated_fst_c.cpp)
  target_include_directories(dmacosim_verilated PUBLIC ${inc} ${inc}/vltstd)
  target_compile_definitions(dmacosim_verilated PRIVATE VM_COVERAGE=0 VM_SC=0 VM_TRACE=1 VM_TRACE_VCD=0 VM_TRACE_FST=1)
  target_compile_options(dmacosim_verilated PRIVATE -g0)
  target_link_libraries(dmacosim_verilated PUBLIC ${VERILATOR_MT_CFLAGS} z)
  set_target_properties(dmacosim_verilated PROPERTIES POSITION_INDEPENDENT_CODE ON)
  dmacosim_ccache_generated(dmacosim_verilated)
endfunction()

# dmacosim_verilate(<target> <verilate() arguments...>): verilate() plus a
# fingerprint of the SOURCES in Verilator's command line (a define nothing
# reads) and a configure dependency on them. Why: verilate() lists the
# generated C++ files at configure time and re-runs Verilator there only when
# its command line changes; upstream, the first build after an RTL edit that
# adds or removes a generated function links a stale list and fails (the next
# build works). With the fingerprint, an RTL edit re-configures and re-lists.
function(dmacosim_verilate target)
  cmake_parse_arguments(V "COVERAGE;TRACE;TRACE_FST;SYSTEMC;TRACE_STRUCTS"
                        "PREFIX;TOP_MODULE;THREADS;TRACE_THREADS;DIRECTORY"
                        "SOURCES;VERILATOR_ARGS;INCLUDE_DIRS;OPT_SLOW;OPT_FAST;OPT_GLOBAL" ${ARGN})
  set(hashes "")
  foreach(f IN LISTS V_SOURCES)
    file(SHA1 ${f} h)
    string(APPEND hashes ${h})
  endforeach()
  string(SHA1 fp "${hashes}")
  string(SUBSTRING ${fp} 0 16 fp)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${V_SOURCES})
  set(args ${ARGN})
  list(FIND args VERILATOR_ARGS at)
  if(at EQUAL -1)
    list(APPEND args VERILATOR_ARGS -DDMACOSIM_RTL_FINGERPRINT=${fp})
  else()
    math(EXPR at "${at} + 1")
    list(INSERT args ${at} -DDMACOSIM_RTL_FINGERPRINT=${fp})
  endif()
  # Verilator's __Slow files (constructors, coverage-point registration,
  # initial and settle evaluation) run once per model: compiled -O0. They
  # are half the coverage model's C++ (22 of 40 MB), and one 3.8 MB
  # coverage-registration file alone takes 52 s at -O1 against 8 s at -O0.
  if(NOT "OPT_SLOW" IN_LIST args)
    list(APPEND args OPT_SLOW -O0)
  endif()
  verilate(${target} ${args})
  # verilate() adds the Verilator runtime (verilated.cpp, its threads, FST
  # writer or coverage database) to every model; every model here is plain C++
  # (no SystemC) and the runtime's own sources read none of the VM_* switches
  # that differ between models (in verilated.h VM_TRACE only defines WAVES,
  # which the runtime does not use), so all models share one compiled copy.
  if(NOT V_SYSTEMC)
    dmacosim_verilated_runtime()
    get_target_property(srcs ${target} SOURCES)
    list(FILTER srcs EXCLUDE REGEX "/include/verilated[a-z_]*\\.cpp$")
    set_property(TARGET ${target} PROPERTY SOURCES ${srcs})
    target_link_libraries(${target} PUBLIC dmacosim_verilated)
    if(V_COVERAGE)
      get_target_property(rt dmacosim_verilated SOURCES)
      if(NOT "${VERILATOR_ROOT}/include/verilated_cov.cpp" IN_LIST rt)
        target_sources(dmacosim_verilated PRIVATE ${VERILATOR_ROOT}/include/verilated_cov.cpp)
      endif()
    endif()
  endif()
  # No debug info in generated code: nobody steps through it, and with -g the
  # trace functions alone (Vdmac_top__Trace__0.cpp) compile 10x slower (43 s
  # against 4 s), the largest single item of a clean build.
  target_compile_options(${target} PRIVATE -g0)
  dmacosim_ccache_generated(${target})
endfunction()

# The Verilated C++ is the bulk of a build and is compiled with the same
# flags in every build tree (the sanitizer build leaves it uninstrumented),
# so ccache, when installed, compiles it once for the plain and the ASan
# build. Paths under the source tree are hashed relative to it, so build
# trees of the same depth (build/, build-asan/) share their entries.
# A launcher given at configure time that is not ccache (bench/build_time.sh
# times every compile through one) stays in front.
function(dmacosim_ccache_generated target)
  find_program(DMACOSIM_CCACHE ccache)
  if(DMACOSIM_CCACHE)
    set(launcher "")
    if(CMAKE_CXX_COMPILER_LAUNCHER AND NOT CMAKE_CXX_COMPILER_LAUNCHER MATCHES "ccache")
      set(launcher ${CMAKE_CXX_COMPILER_LAUNCHER})
    endif()
    list(APPEND launcher ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${CMAKE_SOURCE_DIR} CCACHE_NOHASHDIR=1 ${DMACOSIM_CCACHE})
    set_target_properties(${target} PROPERTIES CXX_COMPILER_LAUNCHER "${launcher}")
  endif()
endfunction()

# A usage error of the dmacosim command: the run must exit with status 2
# (or EXIT) AND print EXPECT (a fixed string). ARGS: the command line after
# `dmacosim`.
function(dmacosim_add_usage_error_test)
  cmake_parse_arguments(T "" "NAME;EXPECT;EXIT" "ARGS;LABELS" ${ARGN})
  if(NOT DEFINED T_EXIT)
    set(T_EXIT 2)
  endif()
  add_test(NAME ${T_NAME}
    COMMAND sh -c "out=$(\"$0\" \"$@\" 2>&1); rc=$?; echo \"$out\"; [ $rc -eq ${T_EXIT} ] && echo \"$out\" | grep -qF -- \"${T_EXPECT}\""
            $<TARGET_FILE:dmacosim> ${T_ARGS})
  if(T_LABELS)
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()
