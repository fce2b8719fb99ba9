// __do_softirq()'s budget and ksoftirqd (kernel/softirq.c, Linux 6.1):
// softirqs that keep re-raising are handed to ksoftirqd after 10 rounds or 2
// jiffies; tasklets run by ksoftirqd are softirq context for the validator;
// irq_exit / local_bh_enable leave non-urgent softirqs to a runnable
// ksoftirqd; CPU time is charged to the context class that used it.
#include "harness.h"

using namespace kt;

namespace {

// A NET_RX-like softirq whose handler re-raises itself `rounds` times, each
// round costing `cost` of CPU time (with interrupts on, as softirqs run).
struct Storm {
  unsigned rounds_left = 0;
  sc_time cost = SC_ZERO_TIME;
  std::vector<std::string> ran_in;  // comm of the task underneath, per round
  void install() {
    open_softirq(NET_RX_SOFTIRQ, [this] {
      ran_in.push_back(this_kernel().current()->comm);
      EXPECT_TRUE(in_serving_softirq());
      if (cost > SC_ZERO_TIME) ndelay(static_cast<unsigned long>(cost.to_seconds() * 1e9));
      if (rounds_left > 0) {
        --rounds_left;
        raise_softirq(NET_RX_SOFTIRQ);
      }
    });
  }
};

// A device interrupt at 100 ns whose handler raises NET_RX (as a NIC's
// napi_schedule() does).
void nic_interrupt_raises_net_rx(Platform& p) {
  request_irq(1, [](int, void*) {
    raise_softirq_irqoff(NET_RX_SOFTIRQ);
    return IRQ_HANDLED;
  }, 0, "nic", nullptr);
  p.src.at(sc_time(100, SC_NS), 1);
}

unsigned count(const std::vector<std::string>& v, const std::string& s) {
  return static_cast<unsigned>(std::count(v.begin(), v.end(), s));
}

}  // namespace

// Ten rounds at irq_exit, then ksoftirqd gets the rest.
TEST(Softirq, RestartBudgetHandsOffToKsoftirqd) {
  Platform& p = platform();
  static Storm storm;
  storm.rounds_left = 29;  // 30 rounds in all
  storm.install();
  nic_interrupt_raises_net_rx(p);
  sc_start(1, SC_MS);
  const softirq_stats& st = this_kernel().softirq_statistics();
  EXPECT_EQ(st.runs[NET_RX_SOFTIRQ][SOFTIRQ_FROM_IRQ_EXIT], 10u);
  EXPECT_EQ(st.runs[NET_RX_SOFTIRQ][SOFTIRQ_FROM_KSOFTIRQD], 20u);
  // ksoftirqd's own __do_softirq() has the same budget: 10 + 10 rounds.
  EXPECT_EQ(st.budget_handoffs, 2u);
  EXPECT_EQ(count(storm.ran_in, "ksoftirqd/0"), 20u);
  EXPECT_EQ(count(storm.ran_in, "swapper/0"), 10u);  // the interrupt came while idle
  expect_no_unexpected_reports();
}

// Rounds of 600 us: the 2-jiffy budget ends the loop after the round that
// crosses jiffy 2 (0.6, 1.2, 1.8, 2.4 ms), long before ten rounds.
TEST(Softirq, TimeBudgetHandsOffToKsoftirqd) {
  Platform& p = platform();
  static Storm storm;
  storm.rounds_left = 7;
  storm.cost = sc_time(600, SC_US);
  storm.install();
  nic_interrupt_raises_net_rx(p);
  sc_start(10, SC_MS);
  const softirq_stats& st = this_kernel().softirq_statistics();
  EXPECT_EQ(st.runs[NET_RX_SOFTIRQ][SOFTIRQ_FROM_IRQ_EXIT], 4u);
  EXPECT_EQ(st.runs[NET_RX_SOFTIRQ][SOFTIRQ_FROM_KSOFTIRQD], 4u);
  // ksoftirqd starts at jiffy 2: its budget ends after the round crossing
  // jiffy 4 (3.0, 3.6, 4.2 ms), the last round follows in its next pass.
  EXPECT_EQ(st.budget_handoffs, 2u);
  expect_no_unexpected_reports();
}

// The budget is configurable: one round only, then ksoftirqd.
TEST(Softirq, ConfigurableBudget) {
  Platform& p = platform();
  static Storm storm;
  storm.rounds_left = 3;
  storm.install();
  this_kernel().set_softirq_budget(softirq_budget{2, 1});
  nic_interrupt_raises_net_rx(p);
  sc_start(1, SC_MS);
  const softirq_stats& st = this_kernel().softirq_statistics();
  EXPECT_EQ(st.runs[NET_RX_SOFTIRQ][SOFTIRQ_FROM_IRQ_EXIT], 1u);
  EXPECT_EQ(st.runs[NET_RX_SOFTIRQ][SOFTIRQ_FROM_KSOFTIRQD], 3u);
  expect_no_unexpected_reports();
}

namespace {

// A tasklet that becomes pending during a storm round is handed to ksoftirqd
// with the storm (budget of one round). It records its context and takes
// `lock` (plain spin_lock: softirq context needs nothing more).
struct KsoftirqdTasklet {
  tasklet_struct t;
  spinlock_t lock;
  std::string comm, chain;
  bool serving_softirq = false, task = true;
  unsigned pc = 0;
  void run(Platform& p) {
    spin_lock_init(&lock);
    this_kernel().set_softirq_budget(softirq_budget{2, 1});
    open_softirq(NET_RX_SOFTIRQ, [this] {
      tasklet_schedule(&t);  // raised inside the round: left for the next one
    });
    tasklet_setup(&t, [this](tasklet_struct*) {
      comm = this_kernel().current()->comm;
      chain = this_kernel().current_chain();
      serving_softirq = in_serving_softirq();
      task = in_task();
      pc = preempt_count();
      spin_lock(&lock);
      spin_unlock(&lock);
    }, "dma_tasklet");
    nic_interrupt_raises_net_rx(p);
  }
};

}  // namespace

// Run by ksoftirqd, a tasklet is still softirq context: SOFTIRQ_OFFSET set,
// not in_task(), and lockdep marks its locks IN-SOFTIRQ, so the same lock
// taken with softirqs on in a task is an inconsistent lock state.
TEST(Softirq, TaskletInKsoftirqdIsSoftirqContext) {
  Platform& p = platform();
  static KsoftirqdTasklet kt;
  kt.run(p);
  kthread_run([&] {
    msleep(1);  // after the tasklet ran
    spin_lock(&kt.lock);  // softirqs enabled: {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W}
    spin_unlock(&kt.lock);
  }, "app");
  this_kernel().lockdep().expect("L-1");
  sc_start(3, SC_MS);
  EXPECT_EQ(kt.comm, "ksoftirqd/0");
  EXPECT_EQ(kt.t.runs, 1u);
  EXPECT_EQ(kt.t.runs_in_ksoftirqd, 1u);
  EXPECT_TRUE(kt.serving_softirq);
  EXPECT_FALSE(kt.task);
  EXPECT_EQ(kt.pc & SOFTIRQ_MASK, SOFTIRQ_OFFSET);
  EXPECT_NE(kt.chain.find("softirq:tasklet dma_tasklet"), std::string::npos) << kt.chain;
  auto& ld = this_kernel().lockdep();
  ASSERT_EQ(ld.count("L-1"), 1u) << ld.dump();
  EXPECT_NE(ld.reports()[0].message.find("{IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W}"), std::string::npos) << ld.dump();
  expect_no_unexpected_reports();
}

// The same with the task taking the lock with spin_lock_bh: silent.
TEST(Softirq, TaskletInKsoftirqdBhLockedTaskIsClean) {
  Platform& p = platform();
  static KsoftirqdTasklet kt;
  kt.run(p);
  kthread_run([&] {
    msleep(1);
    spin_lock_bh(&kt.lock);
    spin_unlock_bh(&kt.lock);
  }, "app");
  sc_start(3, SC_MS);
  EXPECT_EQ(kt.t.runs_in_ksoftirqd, 1u);
  EXPECT_TRUE(this_kernel().lockdep().reports().empty()) << this_kernel().lockdep().dump();
}

// 6.1's ksoftirqd_running(): with ksoftirqd runnable, local_bh_enable()
// leaves NET_RX to it, but runs a TASKLET at once (SOFTIRQ_NOW_MASK).
TEST(Softirq, RunnableKsoftirqdTakesNonUrgentSoftirqs) {
  Platform& p = platform();
  (void)p;
  static tasklet_struct t;
  static std::string net_comm, tasklet_comm;
  open_softirq(NET_RX_SOFTIRQ, [] { net_comm = this_kernel().current()->comm; });
  tasklet_setup(&t, [](tasklet_struct*) { tasklet_comm = this_kernel().current()->comm; }, "t");
  kthread_run([&] {
    raise_softirq(NET_RX_SOFTIRQ);  // from a task: wakes ksoftirqd
    local_bh_disable();
    local_bh_enable();  // ksoftirqd is runnable: NET_RX waits for it
    EXPECT_TRUE(net_comm.empty());
    local_bh_disable();
    tasklet_schedule(&t);
    local_bh_enable();  // TASKLET is urgent: it runs here, NET_RX with it
    EXPECT_EQ(tasklet_comm, "app");
    EXPECT_EQ(net_comm, "app");
  }, "app");
  sc_start(1, SC_MS);
  const softirq_stats& st = this_kernel().softirq_statistics();
  EXPECT_EQ(st.deferred_to_ksoftirqd, 1u);
  EXPECT_EQ(st.runs[TASKLET_SOFTIRQ][SOFTIRQ_FROM_BH_ENABLE], 1u);
  EXPECT_EQ(st.runs[NET_RX_SOFTIRQ][SOFTIRQ_FROM_BH_ENABLE], 1u);
  EXPECT_EQ(st.runs[NET_RX_SOFTIRQ][SOFTIRQ_FROM_KSOFTIRQD], 0u);
  expect_no_unexpected_reports();
}

// Time is charged to hardirq, softirq, task and idle; the four add up to the
// simulated time.
TEST(Softirq, CpuTimeByContextClass) {
  Platform& p = platform();
  open_softirq(NET_RX_SOFTIRQ, [] { udelay(20); });
  request_irq(1, [](int, void*) {
    udelay(10);
    raise_softirq_irqoff(NET_RX_SOFTIRQ);
    return IRQ_HANDLED;
  }, 0, "nic", nullptr);
  p.src.at(sc_time(500, SC_US), 1);
  kthread_run([&] {
    udelay(30);
    msleep(1);
    udelay(30);
  }, "app");
  sc_start(5, SC_MS);
  const cpu_time_stats t = this_kernel().cpu_times();
  const double us = 1e6;
  EXPECT_NEAR(t.hardirq.to_seconds() * us, 10, 2);
  EXPECT_NEAR(t.softirq.to_seconds() * us, 20, 2);
  EXPECT_EQ(t.softirq_in_ksoftirqd, SC_ZERO_TIME);
  EXPECT_NEAR(t.task.to_seconds() * us, 60, 5);
  EXPECT_NEAR((t.hardirq + t.softirq + t.task + t.idle).to_seconds(), sc_time_stamp().to_seconds(), 1e-9);
  expect_no_unexpected_reports();
}
