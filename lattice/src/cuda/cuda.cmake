# The GPU backends (cuda_baseline, cuda, thrust), included from
# lattice/CMakeLists.txt. LFM_CUDA=AUTO builds them when nvcc is found,
# ON requires them, OFF leaves them out; either way they stay registered,
# unavailable with the reason, so `lfm backends` and the tests can say why.
set(LFM_CUDA AUTO CACHE STRING "Build the CUDA backends: AUTO (when nvcc is found), ON or OFF")
set_property(CACHE LFM_CUDA PROPERTY STRINGS AUTO ON OFF)

# Host logic of the CUDA backends (the tuning cache, the autotuner's
# candidate tiles): built and unit-tested everywhere.
target_sources(lattice PRIVATE src/cuda/tuning_cache.cpp src/cuda/tile_candidates.cpp)

set(lfm_cuda_found OFF)
if(NOT LFM_CUDA STREQUAL "OFF")
  # The toolkit's default place, for shells that do not have it on PATH.
  if(NOT DEFINED ENV{CUDACXX} AND NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(ENV{CUDACXX} /usr/local/cuda/bin/nvcc)
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    set(lfm_cuda_found ON)
  elseif(LFM_CUDA STREQUAL "ON")
    message(FATAL_ERROR "LFM_CUDA=ON but no CUDA compiler (nvcc) was found: install the CUDA toolkit, "
                        "put nvcc on PATH or set CUDACXX, or configure with -DLFM_CUDA=AUTO or OFF")
  endif()
endif()

if(lfm_cuda_found)
  # A100 (sm_80) as machine code, H100 (sm_90) as machine code plus PTX
  # that later GPUs compile at load time; CUDAARCHS (CMake's own variable)
  # or -DCMAKE_CUDA_ARCHITECTURES chooses others.
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES AND NOT DEFINED ENV{CUDAARCHS})
    set(CMAKE_CUDA_ARCHITECTURES 80-real 90)
  endif()
  enable_language(CUDA)
  find_package(CUDAToolkit REQUIRED)
  # CMake 3.25 does not know nvcc's C++20 flag (the headers need C++20).
  if(NOT CMAKE_CUDA20_STANDARD_COMPILE_OPTION)
    set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION -std=c++20)
    set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION -std=c++20)
  endif()

  # Compiled as an object library so that nvcc gets its own flags; the
  # objects go into lfm_lattice itself.
  add_library(lattice_cuda OBJECT
    src/cuda/device_memory.cu
    src/cuda/fused_step.cu
    src/cuda/baseline_step.cu
    src/cuda/autotune.cu
    src/cuda/diagnostics.cu
    src/cuda/cuda_backends.cu
    src/cuda/thrust_cuda.cu)
  set_target_properties(lattice_cuda PROPERTIES CUDA_STANDARD 20 CUDA_STANDARD_REQUIRED ON CUDA_EXTENSIONS OFF)
  target_include_directories(lattice_cuda PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/include ${CMAKE_CURRENT_SOURCE_DIR}/src)
  # --fmad=false: no fused multiply-add contraction, so the per-cell kernel
  # rounds exactly as the CPU backends do (-ffp-contract=off) and `cuda`
  # can be tested bit for bit against `cpu`.
  target_compile_options(lattice_cuda PRIVATE --fmad=false -Xcompiler=-Wall,-Wextra)
  target_sources(lattice PRIVATE $<TARGET_OBJECTS:lattice_cuda>)
  # `lattice` was made before CUDA was enabled, so its architectures were
  # not initialised; the Makefile generators need them for its link step.
  set_target_properties(lattice PROPERTIES CUDA_ARCHITECTURES "${CMAKE_CUDA_ARCHITECTURES}")
  target_link_libraries(lattice PRIVATE CUDA::cudart)
  set_property(SOURCE src/core/registry.cpp APPEND PROPERTY COMPILE_DEFINITIONS LFM_HAVE_CUDA)
  message(STATUS "lfm: CUDA backends for architectures ${CMAKE_CUDA_ARCHITECTURES} with ${CMAKE_CUDA_COMPILER}")
else()
  message(STATUS "lfm: CUDA backends not built (LFM_CUDA=${LFM_CUDA})")
endif()
# Read by the package config (consumers need CUDA::cudart) and the tests.
set(LFM_CUDA_BUILT ${lfm_cuda_found} CACHE INTERNAL "Whether the CUDA backends are built")
