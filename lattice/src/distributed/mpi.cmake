# Distributed runs over MPI (Debian's OpenMPI), included from
# lattice/CMakeLists.txt. LFM_MPI=AUTO builds them when MPI is found, ON
# requires it, OFF leaves it out. The slab arithmetic itself
# (block_rank.cpp) is in lfm_lattice and tested without MPI; lattice_mpi
# adds the traffic between processes, so only what runs under mpiexec
# links an MPI library.
set(LFM_MPI AUTO CACHE STRING "Build distributed runs over MPI: AUTO (when MPI is found), ON or OFF")
set_property(CACHE LFM_MPI PROPERTY STRINGS AUTO ON OFF)

set(lfm_mpi_found OFF)
if(NOT LFM_MPI STREQUAL "OFF")
  if(LFM_MPI STREQUAL "ON")
    find_package(MPI REQUIRED COMPONENTS CXX)
  else()
    find_package(MPI COMPONENTS CXX)
  endif()
  set(lfm_mpi_found ${MPI_CXX_FOUND})
endif()

if(lfm_mpi_found)
  add_library(lattice_mpi STATIC src/distributed/mpi_blocks.cpp src/distributed/distributed_backend.cpp)
  add_library(lfm::lattice_mpi ALIAS lattice_mpi)
  target_include_directories(lattice_mpi PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(lattice_mpi PUBLIC lattice MPI::MPI_CXX)
  target_compile_options(lattice_mpi PRIVATE $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic>)
  message(STATUS "lfm: distributed runs with MPI ${MPI_CXX_VERSION} (${MPIEXEC_EXECUTABLE})")
else()
  message(STATUS "lfm: distributed runs not built (LFM_MPI=${LFM_MPI}; install libopenmpi-dev)")
endif()
set(LFM_MPI_BUILT ${lfm_mpi_found} CACHE INTERNAL "Whether distributed runs over MPI are built")
