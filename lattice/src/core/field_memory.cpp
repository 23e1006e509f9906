#include <new>

#include "lattice/field.hpp"
#ifdef __linux__
#include <sys/mman.h>
#endif

namespace lfm {
namespace {

std::align_val_t alignment_for(std::size_t bytes) {
  return std::align_val_t{bytes >= huge_field_bytes ? huge_page_bytes : field_alignment};
}

}  // namespace

void* allocate_field_bytes(std::size_t bytes) {
  void* p = ::operator new(bytes, alignment_for(bytes));
#ifdef MADV_HUGEPAGE
  // Before the first touch, which is when the kernel picks the page size.
  // Advice only: where THP is off the field keeps 4 KiB pages.
  if (bytes >= huge_field_bytes) (void)::madvise(p, bytes, MADV_HUGEPAGE);
#endif
  return p;
}

void free_field_bytes(void* p, std::size_t bytes) { ::operator delete(p, alignment_for(bytes)); }

}  // namespace lfm
