# The run loop's diagnostics: one fused record against one `cpu` step at
# 256^3. The target is 1.5 steps in both precisions; the maxima sit above
# the high end of what the 2-core development machine measured. float64:
# median 1.53-1.66 since the slabs are visited column by column (1.78-1.88
# before), 1.72 (1.66-1.88) since fields take huge pages (step 11.8 ms,
# record 20.3 ms, both faster). float32: 3.2-5.3 with 4 KiB pages, 6.09
# (5.97-7.03) with huge pages: the record widens every float to float64 and
# is compute-bound there (46.7 ms), while the step, 7.7 ms, moves half the
# bytes and got faster.
add_executable(diagnostics_gate ${CMAKE_CURRENT_LIST_DIR}/diagnostics_gate.cpp)
target_link_libraries(diagnostics_gate PRIVATE lfm::lattice CLI11::CLI11)
foreach(case float64:1.9 float32:7.5)
  string(REPLACE ":" ";" case ${case})
  list(GET case 0 precision)
  list(GET case 1 max)
  add_test(NAME gate_diagnostics_record_${precision}
    COMMAND diagnostics_gate --precision ${precision} --n 256 --max ${max})
  set_tests_properties(gate_diagnostics_record_${precision} PROPERTIES LABELS "performance;cpu" TIMEOUT 600)
endforeach()
