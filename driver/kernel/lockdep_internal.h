// Lockdep's report printers (kernel/locking/lockdep.c print_* helpers), kept
// apart from the checks in lockdep.cpp so each check reads as a yes/no test:
// a check decides, then hands the classes and held locks it found to one of
// these, which builds the report in Linux 6.1's layout (rule lines, kernel
// ident, task state, locks with usage and "at:" sites, the unsafe locking
// scenario, held locks, "stack backtrace:" with the real C++ Call Trace).
// Each printer captures and symbolizes the stack: call it only for a report
// that is new (check Lockdep::reported(key) first). Internal to driver/kernel.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "lockdep.h"
#include "stacktrace.h"

namespace dmacosim::kernel {

struct task_struct;

// "(name){-.+.}": the class with its usage letters (6.1 also prints the
// "-{outer:inner}" wait types; the model's classes carry no lock type).
std::string print_lock_name(const lock_class* c);
// "comm/pid [HC0[0]:SC0[0]:HE1:SE1]" of the current task.
std::string print_task_state();
// lockdep_print_held_locks(): "N locks held by comm/pid:" and " #i: " + print_lock() lines.
std::string lockdep_print_held_locks(const task_struct* t);
// print_lock(): "<instance> (name){usage}, at: <site>\n". The site of a lock
// being acquired (or released) right now is the caller in the real stack
// `frames` ("dmac_tx_submit+0x4a/0x120"); for a lock taken earlier the model
// has the context chain of the acquisition, whose innermost function is
// printed.
std::string print_lock(const held_lock& hl, const std::vector<stack_frame>* frames = nullptr);
// A saved "stack trace" of the model (the context chain of a usage bit or of
// a dependency), printed as print_lock_trace() prints one: innermost function
// first, one per line indented by spaces+1, the context last as <context>.
std::string print_chain_trace(const std::string& chain, unsigned spaces);

// Each returns the report; the caller files it with Lockdep::report().
// print_usage_bug(): inconsistent {prev_bit} -> {new_bit} usage (L-1).
LockReport print_usage_bug(lock_class* c, int prev_bit, int new_bit, const held_lock* hl);
// print_irq_inversion_bug(): `c` (held or being taken as `hl`) just got
// `new_bit`; `other` (found along `path` = c..other, forwards = c's
// successors) has `excl_bit` (L-2).
LockReport print_irq_inversion_bug(lock_class* c, lock_class* other, const std::vector<lock_class*>& path,
                                   bool forwards, int new_bit, int excl_bit, const held_lock* hl = nullptr);
// print_bad_irq_dependency(): prev -> next would connect `safe` (usage
// `safe_bit`) to `unsafe` (usage `unsafe_bit`) (L-3).
LockReport print_bad_irq_dependency(const held_lock& prev, const held_lock& next, lock_class* safe, int safe_bit,
                                    lock_class* unsafe, int unsafe_bit);
// print_circular_bug(): next already reaches prev along `path` (next..prev) (L-4).
LockReport print_circular_bug(const held_lock& prev, const held_lock& next, const std::vector<lock_class*>& path);
// print_deadlock_bug(): next's class is already held as `prev` (L-5).
LockReport print_deadlock_bug(const held_lock& prev, const held_lock& next);
// print_unlock_imbalance_bug(): releasing a lock this task does not hold.
LockReport print_unlock_imbalance_bug(const lockdep_map* map);
// DEBUG_LOCKS_WARN_ON(lockdep_hardirq_context()) in lockdep_hardirqs_on_prepare().
LockReport print_irqs_on_in_hardirq();

// ---- printers for the rules added with the locking selftest
// print_freed_lock_bug(): memory [from, from+len) being freed (or a lock in
// it re-initialised) contains `hl`, which the current task holds (L-FREED).
LockReport print_freed_lock_bug(const void* from, size_t len, const held_lock& hl);
// lockdep_assert_held*() on a lock the current task does not hold (in the
// mode `read`: -1 any, 0 write, 1 read) at file:line (L-ASSERT).
LockReport print_lockdep_assert_bug(const lockdep_map* map, int read, const char* file, int line);

}  // namespace dmacosim::kernel
