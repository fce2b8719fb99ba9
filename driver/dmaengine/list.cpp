// CONFIG_DEBUG_LIST checks (lib/list_debug.c). See list.h.
#include "driver/dmaengine/list.h"

#include <cstdio>
#include <string>

#include "driver/kernel/kernel.h"

namespace dmacosim::dmaengine {

namespace {

// CHECK_DATA_CORRUPTION(): report (once per message) and refuse the operation.
bool check_data_corruption(bool condition, const char* fmt, const void* a = nullptr, const void* b = nullptr,
                           const void* c = nullptr) {
  if (!condition) return false;
  char buf[200];
  snprintf(buf, sizeof buf, fmt, a, b, c);
  kernel::Kernel& k = kernel::this_kernel();
  k.report_bug(std::string("DEBUG_LIST|") + buf, "DEBUG_LIST", buf, buf, {k.current_chain()});
  return true;
}

}  // namespace

bool __list_add_valid(list_head* new_, list_head* prev, list_head* next) {
  if (check_data_corruption(prev == nullptr, "list_add corruption. prev is NULL.") ||
      check_data_corruption(next == nullptr, "list_add corruption. next is NULL.") ||
      check_data_corruption(next->prev != prev,
                            "list_add corruption. next->prev should be prev (%p), but was %p. (next=%p).", prev,
                            next->prev, next) ||
      check_data_corruption(prev->next != next,
                            "list_add corruption. prev->next should be next (%p), but was %p. (prev=%p).", next,
                            prev->next, prev) ||
      check_data_corruption(new_ == prev || new_ == next, "list_add double add: new=%p, prev=%p, next=%p.", new_,
                            prev, next))
    return false;
  return true;
}

bool __list_del_entry_valid(list_head* entry) {
  list_head* prev = entry->prev;
  list_head* next = entry->next;
  if (check_data_corruption(next == nullptr, "list_del corruption, %p->next is NULL", entry) ||
      check_data_corruption(prev == nullptr, "list_del corruption, %p->prev is NULL", entry) ||
      check_data_corruption(next == LIST_POISON1, "list_del corruption, %p->next is LIST_POISON1 (%p)", entry,
                            LIST_POISON1) ||
      check_data_corruption(prev == LIST_POISON2, "list_del corruption, %p->prev is LIST_POISON2 (%p)", entry,
                            LIST_POISON2) ||
      check_data_corruption(prev->next != entry, "list_del corruption. prev->next should be %p, but was %p. (prev=%p)",
                            entry, prev->next, prev) ||
      check_data_corruption(next->prev != entry, "list_del corruption. next->prev should be %p, but was %p. (next=%p)",
                            entry, next->prev, next))
    return false;
  return true;
}

}  // namespace dmacosim::dmaengine
