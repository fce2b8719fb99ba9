// Doubly linked lists with an embedded node (include/linux/list.h), the
// subset virt-dma and its providers use. An entry is on at most one list:
// list_move_tail() unlinks it from whichever list it is on, so a descriptor
// submitted twice is moved, never linked twice.
//
// As the kernel: a node from a zeroed allocation is {NULL, NULL}; heads are
// set up with INIT_LIST_HEAD() / LIST_HEAD(); list_del() poisons the node.
// The CONFIG_DEBUG_LIST checks (lib/list_debug.c) are always on: an add next
// to a corrupted or already linked neighbourhood, or a del / move of a
// poisoned or corrupted node, is reported (rule DEBUG_LIST, "list_add
// corruption" / "list_del corruption") and not performed, so the simulator
// never writes through a stale pointer.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace dmacosim::dmaengine {

struct list_head {
  list_head* next = nullptr;
  list_head* prev = nullptr;
};

// include/linux/poison.h (x86-64 POISON_POINTER_DELTA).
inline list_head* const LIST_POISON1 = reinterpret_cast<list_head*>(uintptr_t(0xdead000000000100ull));
inline list_head* const LIST_POISON2 = reinterpret_cast<list_head*>(uintptr_t(0xdead000000000122ull));

#define LIST_HEAD(name) ::dmacosim::dmaengine::list_head name{&name, &name}

inline void INIT_LIST_HEAD(list_head* list) {
  list->next = list;
  list->prev = list;
}

// lib/list_debug.c: false (and a report) when the operation would corrupt.
bool __list_add_valid(list_head* new_, list_head* prev, list_head* next);
bool __list_del_entry_valid(list_head* entry);

inline void __list_add(list_head* new_, list_head* prev, list_head* next) {
  if (!__list_add_valid(new_, prev, next)) return;
  next->prev = new_;
  new_->next = next;
  new_->prev = prev;
  prev->next = new_;
}
inline void list_add(list_head* new_, list_head* head) { __list_add(new_, head, head->next); }
inline void list_add_tail(list_head* new_, list_head* head) { __list_add(new_, head->prev, head); }

inline void __list_del(list_head* prev, list_head* next) {
  next->prev = prev;
  prev->next = next;
}
inline bool __list_del_entry(list_head* entry) {
  if (!__list_del_entry_valid(entry)) return false;
  __list_del(entry->prev, entry->next);
  return true;
}
// Poisoned: a later del or move of the node is caught by __list_del_entry_valid().
inline void list_del(list_head* entry) {
  __list_del_entry(entry);
  entry->next = LIST_POISON1;
  entry->prev = LIST_POISON2;
}
inline void list_del_init(list_head* entry) {
  __list_del_entry(entry);
  INIT_LIST_HEAD(entry);
}
inline void list_move(list_head* list, list_head* head) {
  if (__list_del_entry(list)) list_add(list, head);
}
inline void list_move_tail(list_head* list, list_head* head) {
  if (__list_del_entry(list)) list_add_tail(list, head);
}
inline bool list_empty(const list_head* head) { return head->next == head; }

inline void __list_splice(const list_head* list, list_head* prev, list_head* next) {
  list_head* first = list->next;
  list_head* last = list->prev;
  first->prev = prev;
  prev->next = first;
  last->next = next;
  next->prev = last;
}
inline void list_splice_tail_init(list_head* list, list_head* head) {
  if (!list_empty(list)) {
    __list_splice(list, head->prev, head);
    INIT_LIST_HEAD(list);
  }
}
inline void list_splice_init(list_head* list, list_head* head) {
  if (!list_empty(list)) {
    __list_splice(list, head, head->next);
    INIT_LIST_HEAD(list);
  }
}

// container_of for list nodes (`type` must be standard-layout).
#define list_entry(ptr, type, member) \
  reinterpret_cast<type*>(reinterpret_cast<char*>(ptr) - offsetof(type, member))
#define list_first_entry(ptr, type, member) list_entry((ptr)->next, type, member)
#define list_first_entry_or_null(ptr, type, member) \
  (!::dmacosim::dmaengine::list_empty(ptr) ? list_first_entry(ptr, type, member) : nullptr)
#define __list_pos_type(pos) std::remove_pointer_t<decltype(pos)>
#define list_for_each_entry(pos, head, member)                               \
  for (pos = list_first_entry(head, __list_pos_type(pos), member); &pos->member != (head); \
       pos = list_entry(pos->member.next, __list_pos_type(pos), member))
#define list_for_each_entry_safe(pos, n, head, member)                                       \
  for (pos = list_first_entry(head, __list_pos_type(pos), member),                          \
      n = list_entry(pos->member.next, __list_pos_type(pos), member);                       \
       &pos->member != (head); pos = n, n = list_entry(n->member.next, __list_pos_type(n), member))

}  // namespace dmacosim::dmaengine
