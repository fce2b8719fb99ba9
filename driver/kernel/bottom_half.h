// Bottom halves (kernel/softirq.c): local_bh_disable/enable and softirq raising.
// local_bh_enable() runs pending softirqs when the bh count drops to zero and
// we are not in interrupt context; __do_softirq() enables hardirqs while it
// runs the handlers -- which is why spin_unlock_bh() with IRQs off is a bug
// (V-BH-1 reports it at the call).
#pragma once
#include "preempt.h"

namespace dmacosim::kernel {

void local_bh_disable();
void local_bh_enable();
// The primitives behind spin_lock_bh (cnt = SOFTIRQ_LOCK_OFFSET) etc.
// `lock_name` only labels the V-BH-1 report ("" for local_bh_*).
void __local_bh_disable_ip(unsigned cnt, const std::string& lock_name = "");
void __local_bh_enable_ip(unsigned cnt, const std::string& lock_name = "");

void open_softirq(int nr, std::function<void()> action);
void raise_softirq(int nr);
void raise_softirq_irqoff(int nr);
void __raise_softirq_irqoff(int nr);
unsigned local_softirq_pending();
void do_softirq();

}  // namespace dmacosim::kernel
