# The run loop's diagnostics: one fused record against one `cpu` step at
# 256^3. The target is 1.5 steps in both precisions; the maxima sit above
# the high end of what the 2-core development machine measured. float64:
# median 1.53-1.66 since the slabs are visited column by column (1.78-1.88
# before), 1.72 (1.66-1.88) since fields take huge pages (step 11.8 ms,
# record 20.3 ms, both faster). float32: the record widens every float to
# float64; while GCC did that in two halves joined through the stack it took
# 38.7-39.9 ms (5.46-6.25 steps), with one vcvtps2pd per 4 cells 21.5-32.3 ms
# (3.07-3.73, intervals up to 4.17), against a 7 ms float32 step that moves
# half the bytes.
add_executable(diagnostics_gate ${CMAKE_CURRENT_LIST_DIR}/diagnostics_gate.cpp)
target_link_libraries(diagnostics_gate PRIVATE lfm::lattice CLI11::CLI11)
foreach(case float64:1.9 float32:5.0)
  string(REPLACE ":" ";" case ${case})
  list(GET case 0 precision)
  list(GET case 1 max)
  add_test(NAME gate_diagnostics_record_${precision}
    COMMAND diagnostics_gate --precision ${precision} --n 256 --max ${max})
  set_tests_properties(gate_diagnostics_record_${precision} PROPERTIES LABELS "performance;cpu" TIMEOUT 600)
endforeach()
