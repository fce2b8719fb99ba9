// include/linux/debug_locks.h: lockdep's checks of a task's held locks
// (kernel/locking/lockdep.c: debug_show_held_locks(),
// debug_check_no_locks_held()), implemented in debug_locks.cpp on top of the
// validator's public state so lockdep.cpp stays the dependency validator.
#pragma once
#include <string>

#include "kernel.h"

namespace dmacosim::kernel {

// lockdep_print_held_locks(): "N lock(s) held by comm/pid:" and one
// " #i: (name){usage}, at: <context>" line per held lock, or
// "no locks held by comm/pid.".
std::string debug_show_held_locks(const task_struct* p);

// do_exit(): the exiting task must hold no lock. Otherwise
// "WARNING: comm/pid still has locks held!" (rule L-EXIT) with the locks.
void debug_check_no_locks_held();

}  // namespace dmacosim::kernel
