# The run loop's diagnostics: one fused record against one `cpu` step at
# 256^3. The target is 1.5 steps in both precisions; the maxima sit above
# the high end of what the 2-core development machine measured. float64:
# 1.78-1.88 while slabs were visited slice by slice, 1.53-1.72 column by
# column; since the loop keeps one count instead of three (Inf and NaN are
# counted again only in a slab above the limit) and hints the next row of
# the planes it reads first, 1.16-1.46 (6 runs interleaved with the build
# before, which gave 1.34-2.01 in them). float32: the record widens every
# float to float64 and is compute bound: 5.46-6.25 steps while GCC widened
# in two halves through the stack, 3.07-3.73 with one vcvtps2pd per 4 cells,
# now 2.57-2.97 (the build before 2.40-3.60 in the same runs), against a
# 7-8 ms float32 step that moves half the bytes.
add_executable(diagnostics_gate ${CMAKE_CURRENT_LIST_DIR}/diagnostics_gate.cpp)
target_link_libraries(diagnostics_gate PRIVATE lfm::lattice CLI11::CLI11)
foreach(case float64:1.7 float32:3.5)
  string(REPLACE ":" ";" case ${case})
  list(GET case 0 precision)
  list(GET case 1 max)
  add_test(NAME gate_diagnostics_record_${precision}
    COMMAND diagnostics_gate --precision ${precision} --n 256 --max ${max})
  set_tests_properties(gate_diagnostics_record_${precision} PROPERTIES LABELS "performance;cpu" TIMEOUT 600)
endforeach()
