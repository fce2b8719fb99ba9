// Cpu model: bus accesses, bus errors, interrupt preemption points.
#include "harness.h"

using namespace kt;

TEST(KernelCpu, BusAccessTimingAndData) {
  Platform& p = platform();
  double t_end = 0;
  uint32_t v = 0;
  uint8_t buf[16];
  kthread_run([&] {
    p.cpu.writel(0x12345678, kBase + 0x10);
    v = p.cpu.readl(kBase + 0x10);
    uint8_t src[16];
    for (int i = 0; i < 16; ++i) src[i] = static_cast<uint8_t>(i * 3);
    p.cpu.memcpy_to_bus(kBase + 0x100, src, 16);
    p.cpu.memcpy_from_bus(buf, kBase + 0x100, 16);
    t_end = now_ns();
  }, "app");
  sc_start(1, SC_US);
  EXPECT_EQ(v, 0x12345678u);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(buf[i], i * 3);
  EXPECT_EQ(p.cpu.bus_accesses(), 4u);  // memcpy is ONE transaction each way
  EXPECT_EQ(p.bus.accesses.size(), 4u);
  EXPECT_DOUBLE_EQ(t_end, 4 * 11.0);  // 10 ns target latency + 1 ns access cost
  expect_no_unexpected_reports();
}

TEST(KernelCpu, BusErrorIsLoggedAndReadsAllOnes) {
  Platform& p = platform();
  uint32_t v = 0;
  uint8_t b[4] = {0, 0, 0, 0};
  bool done = false;
  kthread_run([&] {
    v = p.cpu.readl(0x1234);
    p.cpu.writel(1, 0x2000);
    p.cpu.memcpy_from_bus(b, 0x5000, 4);
    done = true;
  }, "app");
  sc_start(1, SC_US);
  EXPECT_TRUE(done);
  EXPECT_EQ(v, 0xffffffffu);
  EXPECT_EQ(b[0], 0xff);
  EXPECT_EQ(p.cpu.bus_error_count(), 3u);
  EXPECT_TRUE(p.cpu.last_bus_error().valid);
  EXPECT_EQ(p.cpu.last_bus_error().addr, 0x5000u);
  EXPECT_EQ(Log::instance().count(LogLevel::Error, "cpu: bus error reading 0x1234 (4 bytes) (address error)"), 1u);
  EXPECT_EQ(Log::instance().count(LogLevel::Error, "cpu: bus error writing 0x2000"), 1u);
  EXPECT_EQ(Log::instance().count(LogLevel::Error, "cpu: bus error reading 0x5000 (4 bytes) (address error)"), 1u);
}

// An interrupt raised while process code is in the middle of a sequence of
// bus accesses (IRQs enabled) is taken right after the access in flight.
TEST(KernelCpu, InterruptTakenBetweenBusAccesses) {
  Platform& p = platform();
  int accesses_done = 0;
  int seen_at_access = -1;
  double handler_t = -1;
  std::vector<double> access_end;
  request_irq(3, [&](int irq, void*) {
    seen_at_access = accesses_done;
    handler_t = now_ns();
    EXPECT_TRUE(in_hardirq());
    EXPECT_EQ(this_kernel().current_chain(), "hardirq:dma_irq_handler");
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  kthread_run([&] {
    for (int i = 0; i < 10; ++i) {
      p.cpu.readl(kBase + 4 * i);
      access_end.push_back(now_ns());
      ++accesses_done;  // runs only after the preemption point of access i
    }
  }, "app");
  p.src.at(sc_time(25, SC_NS), 3);  // during access 3 (22..33 ns)
  sc_start(1, SC_US);
  ASSERT_EQ(access_end.size(), 10u);
  EXPECT_EQ(seen_at_access, 2) << "handler must run between access 2 (ends 33 ns) returning and access 3 starting";
  EXPECT_DOUBLE_EQ(handler_t, 33.0);
  EXPECT_DOUBLE_EQ(access_end[2], 33.0);
  EXPECT_EQ(p.cpu.interrupts_taken(), 1u);
  EXPECT_EQ(this_kernel().irq_count(3), 1u);
  expect_no_unexpected_reports();
}

// Not taken while IRQs are disabled; taken right at local_irq_restore.
TEST(KernelCpu, InterruptDeferredUntilIrqRestore) {
  Platform& p = platform();
  int accesses_done = 0;
  int seen_at_access = -1;
  double handler_t = -1, restore_t = -1;
  request_irq(3, [&](int, void*) {
    seen_at_access = accesses_done;
    handler_t = now_ns();
    return IRQ_HANDLED;
  }, 0, "dma_irq_handler", nullptr);
  kthread_run([&] {
    unsigned long flags;
    local_irq_save(flags);
    for (int i = 0; i < 10; ++i) {
      p.cpu.readl(kBase + 4 * i);
      ++accesses_done;
    }
    restore_t = now_ns();
    local_irq_restore(flags);
    ++accesses_done;  // 11: after restore
  }, "app");
  p.src.at(sc_time(25, SC_NS), 3);
  sc_start(1, SC_US);
  EXPECT_EQ(seen_at_access, 10);
  EXPECT_DOUBLE_EQ(restore_t, 110.0);
  EXPECT_DOUBLE_EQ(handler_t, 110.0);
  expect_no_unexpected_reports();
}

// An IRQ arriving mid-delay is taken at that moment; the rest of the delay runs.
TEST(KernelCpu, InterruptTakenMidDelay) {
  Platform& p = platform();
  double handler_t = -1, end_t = -1;
  request_irq(2, [&](int, void*) {
    handler_t = now_ns();
    p.cpu.readl(kBase);  // handler takes 11 ns
    return IRQ_HANDLED;
  }, 0, "timer", nullptr);
  kthread_run([&] {
    udelay(1);
    end_t = now_ns();
  }, "app");
  p.src.at(sc_time(300, SC_NS), 2);
  sc_start(5, SC_US);
  EXPECT_DOUBLE_EQ(handler_t, 300.0);
  // The handler runs at 300 ns for 11 ns, then the remaining 700 ns of the delay.
  EXPECT_NEAR(end_t, 1011.0, 1e-6);
  expect_no_unexpected_reports();
}

TEST(KernelCpu, IdleTakesInterruptWithWfi) {
  Platform& p = platform();
  double handler_t = -1;
  std::string chain_in_handler;
  request_irq(5, [&](int, void*) {
    handler_t = now_ns();
    chain_in_handler = this_kernel().current_full_chain();
    return IRQ_HANDLED;
  }, 0, "dev5", nullptr);
  p.src.at(sc_time(700, SC_NS), 5);
  sc_start(2, SC_US);
  EXPECT_DOUBLE_EQ(handler_t, 700.0);
  EXPECT_EQ(chain_in_handler, "hardirq:dev5 <- interrupted process:swapper/0");
  EXPECT_EQ(p.chip.completes, 1u);
}

TEST(KernelCpu, SpuriousInterruptCounted) {
  Platform& p = platform();
  kthread_run([&] {
    p.cpu.readl(kBase);
  }, "app");
  // Line driven high with nothing pending in the chip: taken at 11 ns, claim
  // returns 0 (and the test chip drops the line).
  sc_spawn([&] { wait(5, SC_NS); p.irq.write(true); });
  sc_start(1, SC_US);
  EXPECT_EQ(this_kernel().spurious_interrupts(), 1u);
}
