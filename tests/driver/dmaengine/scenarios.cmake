# End-to-end runs of the `dmacosim` scenarios built on the dmaengine layer
# (memcpy, sg, faults) and the audio trace opened in GTKWave. Included from
# CMakeLists.txt when the dmacosim command exists.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND)
  set(_chk ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/check_scenario.py $<TARGET_FILE:dmacosim>)
  set(_out ${CMAKE_CURRENT_BINARY_DIR}/scenarios)
  # dmatest over all 8 channels, 2 threads each: no failure, no validator report.
  add_test(NAME dmacosim.memcpy
    COMMAND ${_chk} ${_out}/memcpy memcpy test_failures=0 tests>=320 channels>=8 threads>=16 iops>=1 kbs>=1
            -- --threads=2 --iterations=20 --buf-size=8192)
  add_test(NAME dmacosim.memcpy_legacy_bh
    COMMAND ${_chk} ${_out}/memcpy_legacy memcpy test_failures=0 tests>=40 -- --driver=legacy-bh --iterations=10 --channels=4)
  # async_tx chains: memcpy on A, dependent memcpy on B (channel switch), verified.
  add_test(NAME dmacosim.memcpy_chain
    COMMAND ${_chk} ${_out}/memcpy_chain memcpy chains=24 chain_failures=0 chain_out_of_order=0 test_failures=0
            chain_bytes>=24 -- --chain=24 --channels=3 --buf-size=8192)
  # slave_sg memory -> audio FIFO: the codec plays the concatenation bit-exact.
  add_test(NAME dmacosim.sg
    COMMAND ${_chk} ${_out}/sg sg bit_exact=true callbacks_ok=4 overflows=0 -- --rounds=4 --entries=9)
  add_test(NAME dmacosim.sg_legacy_bh
    COMMAND ${_chk} ${_out}/sg_legacy sg bit_exact=true callbacks_ok=3 -- --driver=legacy-bh)
  # Every injected fault reported as expected, the channel recovers, bad calls rejected.
  add_test(NAME dmacosim.faults
    COMMAND ${_chk} ${_out}/faults faults faults_total=6 faults_ok=6 bad_calls_ok=22 bad_calls_total=22)
  add_test(NAME dmacosim.faults_legacy_bh
    COMMAND ${_chk} ${_out}/faults_legacy faults faults_ok=6 bad_calls_ok=22 -- --driver=legacy-bh)
  # Soak: dmatest's odd shapes (random length 1..4096, random source and
  # destination offsets) for 10^4 transfers on 4 channels, strict oracle,
  # memory bounded (128 MB; x DMACOSIM_RSS_SCALE in a sanitizer build). Label "soak".
  math(EXPR _rss "128 * ${DMACOSIM_RSS_SCALE}")
  add_test(NAME dmacosim.soak_dmatest_10k_odd_shapes
    COMMAND ${_chk} ${_out}/soak_memcpy memcpy test_failures=0 tests>=10000 peak_rss_mb<=${_rss}
            -- --iterations=2500 --channels=4 --threads=1 --buf-size=4096)
  set(_env CHECK_SCENARIO_TIMEOUT=280 ${DMACOSIM_SOAK_ENV})
  set_tests_properties(dmacosim.soak_dmatest_10k_odd_shapes PROPERTIES TIMEOUT 300 LABELS "dmaengine;scenario;soak"
    ENVIRONMENT "${_env}")
  set_tests_properties(dmacosim.memcpy dmacosim.memcpy_legacy_bh dmacosim.memcpy_chain dmacosim.sg dmacosim.sg_legacy_bh
    dmacosim.faults dmacosim.faults_legacy_bh PROPERTIES TIMEOUT 60 LABELS "dmaengine;scenario")
endif()
add_test(NAME dmacosim.audio_trace_opens_in_gtkwave
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_audio_trace.sh $<TARGET_FILE:dmacosim> ${CMAKE_SOURCE_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/scenarios/audio-trace)
set_tests_properties(dmacosim.audio_trace_opens_in_gtkwave PROPERTIES TIMEOUT 120 LABELS "sound;scenario;trace")
