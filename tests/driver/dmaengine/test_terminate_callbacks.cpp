// Nothing after terminate (the contract of Linux's include/linux/dmaengine.h,
// dmaengine_terminate_async() and dmaengine_synchronize()): once
// dmaengine_terminate_async() has returned, no callback runs for the
// descriptors it terminated; once dmaengine_synchronize() has returned, no
// callback of any descriptor submitted before the terminate is running or
// will run. Pinned for every transfer type dmacosim-dmac supports, at every
// moment a terminate can hit a transfer (running on hardware; its completion
// interrupt raised but not handled; handled but the vchan tasklet not run),
// for the cyclic terminate vs period-end race, and for terminate_async from
// inside a completion callback. The core's run-time check of the contract
// (dmaengine_desc_callback_invoke()) is shown firing and silent.
//
// Linux 6.1 facts these tests rest on (drivers/dma/virt-dma.[ch]):
//  - vchan_cookie_complete() (hardirq, vc->lock held) moves a finished
//    descriptor to desc_completed and schedules the tasklet;
//    vchan_cyclic_callback() only sets vc->cyclic and schedules it.
//  - terminate_all (provider) takes vc->lock, vchan_get_all_descriptors()
//    takes desc_allocated/submitted/issued/completed/terminated, and
//    vchan_terminate_vdesc() parks the running descriptor on desc_terminated
//    and clears vc->cyclic if it was the cyclic one. So a descriptor whose
//    completion was recorded but whose tasklet has not run yet loses its
//    callback, and so does a cyclic period whose interrupt was handled but
//    whose tasklet has not run.
//  - vchan_complete() (the tasklet) splices desc_completed to a local list
//    and takes vc->cyclic under the lock, drops the lock, then invokes the
//    cyclic callback and each collected descriptor's callback. What it has
//    collected is out of reach of a terminate made meanwhile (e.g. from one
//    of those callbacks): those callbacks still run.
//  - vchan_synchronize(): tasklet_kill(), then frees desc_terminated.
#include <deque>

#include "driver/kernel/bottom_half.h"
#include "models/log.h"
#include "rig.h"

using namespace dt;

// Named after the file: the program compiles several test files as one
// translation unit (cmake/dmacosim.cmake, dmacosim_unity).
namespace test_terminate_callbacks {

namespace {

// ------------------------------------------------------------------ harness

// A request line no platform peripheral uses, driven by the test.
constexpr unsigned kGateLine = 1;
const uint64_t kFifoRx = kRamBase + 0x8000;  // the test peripheral's "FIFOs": RAM words
const uint64_t kFifoTx = kRamBase + 0x8100;
const uint64_t kSrc = kRamBase + 0x100000;   // 3 MiB each
const uint64_t kDst = kRamBase + 0x400000;

const char* const kCheckNeedle = "runs after dmaengine_synchronize() returned";

// A PL080-style peripheral: burst request high while `ready` and the
// controller's dclr is low (it drops the request on dclr, as the audio port).
struct Gate {
  Wire req{"gate.req"};
  Wire* dclr = nullptr;
  bool ready = false;
  void bind(Rig& rig) {
    dclr = rig.sys.hw.dmac.dclr[kGateLine].get();
    rig.sys.hw.dmac.dreq_burst_in[kGateLine]->bind(req);
    dclr->on_change([this](bool) { update(); });
  }
  void set_ready(bool r) {
    ready = r;
    update();
  }
  void update() { req.write(ready && !dclr->read()); }
};

dma_chan* request_gate_chan() {
  static device gate_dev{"gate-periph"};
  of_phandle_args spec;
  spec.controller = "dmac";
  spec.request_line = kGateLine;
  dma_platform_add_slave_map("gate-periph", "data", spec);
  dma_chan* chan = dma_request_chan(&gate_dev, "data");
  if (IS_ERR_OR_NULL(chan)) return nullptr;
  dma_slave_config cfg;
  cfg.src_addr = kFifoRx;
  cfg.dst_addr = kFifoTx;
  cfg.src_addr_width = cfg.dst_addr_width = DMA_SLAVE_BUSWIDTH_4_BYTES;
  cfg.src_maxburst = cfg.dst_maxburst = 4;
  if (dmaengine_slave_config(chan, &cfg) != 0) return nullptr;
  return chan;
}

// One descriptor's callbacks.
struct Track {
  std::string name;
  dma_cookie_t cookie = 0;
  int calls = 0;
  dmaengine_result res;
  completion done;
  explicit Track(std::string n) : name(std::move(n)) { init_completion(&done); }
};
void track_cb(void* p, const dmaengine_result* r) {
  auto* t = static_cast<Track*>(p);
  t->calls++;
  t->res = *r;
  complete(&t->done);
}

bool on_hardware(dma_chan* chan, dma_async_tx_descriptor* tx) {
  return reinterpret_cast<void*>(to_dmac_chan(chan)->active) == static_cast<void*>(tx);
}

// Busy-waits (interrupts taken unless they are off) until `pred` holds or
// about 2 ms have passed.
template <class Pred>
bool spin_until(Pred pred) {
  for (int i = 0; i < 200000; ++i) {
    if (pred()) return true;
    ndelay(10);
  }
  return pred();
}

size_t checker_errors() { return Log::instance().count(LogLevel::Error, kCheckNeedle); }

// ------------------------------------------------------------------ every transfer type, every moment

enum class Kind { Memcpy, SlaveSgToDev, SlaveSgFromDev, SlaveSingleToDev, SlaveSingleFromDev, Cyclic };
const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Memcpy: return "memcpy";
    case Kind::SlaveSgToDev: return "slave_sg MEM_TO_DEV";
    case Kind::SlaveSgFromDev: return "slave_sg DEV_TO_MEM";
    case Kind::SlaveSingleToDev: return "slave_single MEM_TO_DEV";
    case Kind::SlaveSingleFromDev: return "slave_single DEV_TO_MEM";
    case Kind::Cyclic: return "cyclic";
  }
  return "?";
}

// When the terminate comes, for the descriptor on hardware ("the victim"):
enum class Moment {
  Running,               // mid-transfer, from process context (IRQs and bottom halves on)
  RunningTerminateSync,  // the same with dmaengine_terminate_sync()
  IrqPending,            // finished on hardware, its interrupt raised, IRQs off (not handled)
  TaskletPending,        // its interrupt handled, bottom halves off (the vchan tasklet not run)
};
const char* moment_name(Moment m) {
  switch (m) {
    case Moment::Running: return "running";
    case Moment::RunningTerminateSync: return "running, terminate_sync";
    case Moment::IrqPending: return "completion interrupt pending";
    case Moment::TaskletPending: return "completion tasklet pending";
  }
  return "?";
}

struct Ctx {
  Ctx(Rig& r, Gate& g, Kind k) : rig(r), gate(g), kind(k) {}
  Rig& rig;
  Gate& gate;
  dma_chan* chan = nullptr;
  Kind kind;
  uint64_t next_off = 0;
  // Every descriptor's record lives as long as the test: a callback that
  // comes when it must not is counted, never written to a dead stack frame.
  std::deque<Track> tracks;
  Track& track(const char* name) { return tracks.emplace_back(name); }
};

dma_async_tx_descriptor* prep(Ctx& c, size_t len, Track* t) {
  const uint64_t off = c.next_off;
  c.next_off += (len + 64 + 4095) & ~size_t(4095);  // room for the sg gap below
  const unsigned long flags = DMA_PREP_INTERRUPT | DMA_CTRL_ACK;
  dma_async_tx_descriptor* tx = nullptr;
  scatterlist sg[2];
  auto two = [&](uint64_t buf) {
    sg_init_table(sg, 2);
    sg_dma_address(&sg[0]) = buf;
    sg_dma_len(&sg[0]) = unsigned(len / 2);
    sg_dma_address(&sg[1]) = buf + len / 2 + 64;  // not contiguous: a real list
    sg_dma_len(&sg[1]) = unsigned(len - len / 2);
  };
  switch (c.kind) {
    case Kind::Memcpy: tx = dmaengine_prep_dma_memcpy(c.chan, kDst + off, kSrc + off, len, flags); break;
    case Kind::SlaveSgToDev:
      two(kSrc + off);
      tx = dmaengine_prep_slave_sg(c.chan, sg, 2, DMA_MEM_TO_DEV, flags);
      break;
    case Kind::SlaveSgFromDev:
      two(kDst + off);
      tx = dmaengine_prep_slave_sg(c.chan, sg, 2, DMA_DEV_TO_MEM, flags);
      break;
    case Kind::SlaveSingleToDev: tx = dmaengine_prep_slave_single(c.chan, kSrc + off, len, DMA_MEM_TO_DEV, flags); break;
    case Kind::SlaveSingleFromDev:
      tx = dmaengine_prep_slave_single(c.chan, kDst + off, len, DMA_DEV_TO_MEM, flags);
      break;
    case Kind::Cyclic: tx = dmaengine_prep_dma_cyclic(c.chan, kSrc + off, len, len / 4, DMA_MEM_TO_DEV, flags); break;
  }
  EXPECT_NE(tx, nullptr) << kind_name(c.kind) << ": prep of " << len << " bytes failed";
  if (tx) {
    tx->callback_result = track_cb;
    tx->callback_param = t;
  }
  return tx;
}

// One terminate of a one-shot transfer type at moment `m`. d0 completes first
// (callbacks work); then d1 (the victim), d2 issued behind it, d3 submitted
// but not issued. None of d1..d3 may ever call back; d4, submitted after the
// synchronize, must.
void one_shot_moment(Ctx& c, Moment m) {
  const std::string at = std::string(kind_name(c.kind)) + ", " + moment_name(m) + ": ";
  c.next_off = 0;
  Track &d0 = c.track("d0"), &d1 = c.track("d1"), &d2 = c.track("d2"), &d3 = c.track("d3"), &d4 = c.track("d4");
  c.gate.set_ready(true);
  dma_async_tx_descriptor* t0 = prep(c, 256, &d0);
  if (!t0) return;
  d0.cookie = dmaengine_submit(t0);
  dma_async_issue_pending(c.chan);
  EXPECT_NE(wait_for_completion_timeout(&d0.done, msecs_to_jiffies(20)), 0u) << at << "d0 did not complete";
  c.gate.set_ready(false);

  const bool running = m == Moment::Running || m == Moment::RunningTerminateSync;
  // memcpy's victim is long enough to be mid-flight; a slave victim waits for
  // requests (the gate is closed). d2 is long: it may start (in the hardirq
  // that completes d1) and must still be running at the terminate.
  dma_async_tx_descriptor* t1 = prep(c, running && c.kind == Kind::Memcpy ? 256 * 1024 : 256, &d1);
  dma_async_tx_descriptor* t2 = prep(c, 64 * 1024, &d2);
  dma_async_tx_descriptor* t3 = prep(c, 256, &d3);
  if (!t1 || !t2 || !t3) return;
  d1.cookie = dmaengine_submit(t1);
  d2.cookie = dmaengine_submit(t2);
  int ret = -1;
  bool exercised = false;
  int calls_at_return[3] = {-1, -1, -1};
  auto snapshot = [&] {
    calls_at_return[0] = d1.calls;
    calls_at_return[1] = d2.calls;
    calls_at_return[2] = d3.calls;
  };
  unsigned long flags;
  switch (m) {
    case Moment::Running:
    case Moment::RunningTerminateSync:
      dma_async_issue_pending(c.chan);
      udelay(2);
      d3.cookie = dmaengine_submit(t3);
      exercised = on_hardware(c.chan, t1);
      ret = m == Moment::Running ? dmaengine_terminate_async(c.chan) : dmaengine_terminate_sync(c.chan);
      snapshot();
      break;
    case Moment::IrqPending:
      local_irq_save(flags);
      dma_async_issue_pending(c.chan);
      d3.cookie = dmaengine_submit(t3);
      c.gate.set_ready(true);
      // The victim finishes; its TC interrupt waits for IRQs to come on.
      exercised = spin_until([&] { return c.rig.cpu().irq_line(); }) && on_hardware(c.chan, t1);
      ret = dmaengine_terminate_async(c.chan);
      snapshot();
      local_irq_restore(flags);  // the interrupt is taken here: nothing left to complete
      break;
    case Moment::TaskletPending:
      local_bh_disable();
      dma_async_issue_pending(c.chan);
      d3.cookie = dmaengine_submit(t3);
      c.gate.set_ready(true);
      // The hardirq completes d1 (desc_completed, tasklet scheduled) and starts d2.
      exercised = spin_until([&] { return locked_has(c.chan, &virt_dma_chan::desc_completed, t1); }) &&
                  on_hardware(c.chan, t2);
      ret = dmaengine_terminate_async(c.chan);
      snapshot();
      local_bh_enable();  // the tasklet runs here: nothing left to call back
      break;
  }
  EXPECT_EQ(ret, 0) << at << "terminate failed";
  EXPECT_TRUE(exercised) << at << "the terminate did not hit the intended moment";
  // Run on: a stray interrupt or tasklet would call back now.
  c.gate.set_ready(true);
  sleep_for(sc_time(2, SC_MS));
  const int after_run_on[3] = {d1.calls, d2.calls, d3.calls};
  if (m != Moment::RunningTerminateSync) dmaengine_synchronize(c.chan);
  // Cookies of terminated descriptors are never completed by terminate (a
  // descriptor whose completion the hardirq recorded already is).
  EXPECT_EQ(dmaengine_tx_status(c.chan, d1.cookie, nullptr),
            m == Moment::TaskletPending ? DMA_COMPLETE : DMA_IN_PROGRESS)
      << at;
  EXPECT_EQ(dmaengine_tx_status(c.chan, d3.cookie, nullptr), DMA_IN_PROGRESS) << at;
  sleep_for(sc_time(1, SC_MS));
  EXPECT_EQ(d0.calls, 1) << at;
  const Track* victims[3] = {&d1, &d2, &d3};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(calls_at_return[i], 0) << at << victims[i]->name << " called back before terminate returned";
    EXPECT_EQ(after_run_on[i], 0) << at << victims[i]->name << " called back after terminate_async returned";
    EXPECT_EQ(victims[i]->calls, 0) << at << victims[i]->name << " called back after dmaengine_synchronize()";
  }
  // The channel works again; a descriptor submitted after the synchronize
  // is not one the check may flag.
  dma_async_tx_descriptor* t4 = prep(c, 256, &d4);
  if (!t4) return;
  d4.cookie = dmaengine_submit(t4);
  dma_async_issue_pending(c.chan);
  EXPECT_NE(wait_for_completion_timeout(&d4.done, msecs_to_jiffies(20)), 0u) << at << "channel dead after terminate";
  sleep_for(sc_time(100, SC_US));
  EXPECT_EQ(d4.calls, 1) << at;
  EXPECT_EQ(d4.res.result, DMA_TRANS_NOERROR) << at;
}

// The cyclic type at moment `m`: a ring on the gate peripheral, free
// running; a second cyclic descriptor submitted, not issued.
void cyclic_moment(Ctx& c, Moment m) {
  const std::string at = std::string(kind_name(c.kind)) + ", " + moment_name(m) + ": ";
  c.next_off = 0;
  Track &cy = c.track("cyclic"), &queued = c.track("queued");
  dmac_chan* dc = to_dmac_chan(c.chan);
  virt_dma_chan* vc = to_virt_chan(c.chan);
  c.gate.set_ready(true);
  dma_async_tx_descriptor* t = prep(c, 4096, &cy);
  if (!t) return;
  const uint64_t periods_start = dc->periods;
  cy.cookie = dmaengine_submit(t);
  dma_async_issue_pending(c.chan);
  for (int i = 0; i < 3; ++i)
    EXPECT_NE(wait_for_completion_timeout(&cy.done, msecs_to_jiffies(20)), 0u) << at << "period callback " << i;
  dma_async_tx_descriptor* q = prep(c, 4096, &queued);
  if (!q) return;
  queued.cookie = dmaengine_submit(q);
  const uint64_t periods0 = dc->periods;
  int ret = -1, calls_before = -1, calls_at_return = -1;
  uint64_t handled_before = 0;
  bool exercised = false, cyclic_cleared = false;
  unsigned long flags;
  switch (m) {
    case Moment::Running:
    case Moment::RunningTerminateSync:
      exercised = on_hardware(c.chan, t);
      calls_before = cy.calls;
      ret = m == Moment::Running ? dmaengine_terminate_async(c.chan) : dmaengine_terminate_sync(c.chan);
      calls_at_return = cy.calls;
      break;
    case Moment::IrqPending:
      local_irq_save(flags);
      exercised = spin_until([&] { return c.rig.cpu().irq_line(); }) && vc->cyclic == nullptr;
      calls_before = cy.calls;
      handled_before = dc->periods;
      ret = dmaengine_terminate_async(c.chan);
      calls_at_return = cy.calls;
      local_irq_restore(flags);
      // The interrupt found no active descriptor: the period is never counted.
      EXPECT_EQ(dc->periods, handled_before) << at;
      break;
    case Moment::TaskletPending:
      local_bh_disable();
      exercised = spin_until([&] { return vc->cyclic == to_virt_desc(t); });
      calls_before = cy.calls;
      handled_before = dc->periods;
      ret = dmaengine_terminate_async(c.chan);
      cyclic_cleared = vc->cyclic == nullptr;  // vchan_terminate_vdesc()
      calls_at_return = cy.calls;
      local_bh_enable();
      EXPECT_TRUE(cyclic_cleared) << at << "vc->cyclic still set after terminate";
      EXPECT_GT(handled_before, periods0) << at << "no period was handled in the bh-off section";
      break;
  }
  EXPECT_EQ(ret, 0) << at;
  EXPECT_TRUE(exercised) << at << "the terminate did not hit the intended moment";
  sleep_for(sc_time(2, SC_MS));
  const int after_run_on = cy.calls;
  if (m != Moment::RunningTerminateSync) dmaengine_synchronize(c.chan);
  sleep_for(sc_time(1, SC_MS));
  EXPECT_EQ(calls_at_return, calls_before) << at;
  EXPECT_EQ(after_run_on, calls_at_return) << at << "a period callback after terminate_async returned";
  EXPECT_EQ(cy.calls, calls_at_return) << at << "a period callback after dmaengine_synchronize()";
  EXPECT_EQ(queued.calls, 0) << at;
  EXPECT_GE(cy.calls, 3) << at;
  EXPECT_LE(uint64_t(cy.calls), dc->periods - periods_start) << at << "more callbacks than completed periods";
}

void every_moment_case(Kind kind) {
  Rig rig;
  Gate gate;
  gate.bind(rig);
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    Ctx c(rig, gate, kind);
    c.chan = kind == Kind::Memcpy ? request_memcpy_chan() : request_gate_chan();
    ASSERT_NE(c.chan, nullptr);
    for (Moment m : {Moment::Running, Moment::RunningTerminateSync, Moment::IrqPending, Moment::TaskletPending}) {
      if (kind == Kind::Cyclic) cyclic_moment(c, m);
      else one_shot_moment(c, m);
    }
    dma_release_channel(c.chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(checker_errors(), 0u) << "the nothing-after-terminate check fired on a correct run";
}

}  // namespace

TEST(TerminateCallbacks, Memcpy) { every_moment_case(Kind::Memcpy); }
TEST(TerminateCallbacks, SlaveSgMemToDev) { every_moment_case(Kind::SlaveSgToDev); }
TEST(TerminateCallbacks, SlaveSgDevToMem) { every_moment_case(Kind::SlaveSgFromDev); }
TEST(TerminateCallbacks, SlaveSingleMemToDev) { every_moment_case(Kind::SlaveSingleToDev); }
TEST(TerminateCallbacks, SlaveSingleDevToMem) { every_moment_case(Kind::SlaveSingleFromDev); }
TEST(TerminateCallbacks, Cyclic) { every_moment_case(Kind::Cyclic); }

// The provider does not declare DMA_MEMSET: nothing to terminate.
TEST(TerminateCallbacks, MemsetIsNotSupported) {
  Rig rig;
  bool has_cap = true;
  dma_async_tx_descriptor* tx = reinterpret_cast<dma_async_tx_descriptor*>(1);
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    has_cap = dma_has_cap(DMA_MEMSET, rig.dmac->ddev.cap_mask);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    tx = dmaengine_prep_dma_memset(chan, kDst, 0x5a, 256, DMA_PREP_INTERRUPT);
    dma_release_channel(chan);
  }, sc_time(10, SC_MS));
  rig.check_clean();
  EXPECT_FALSE(has_cap);
  EXPECT_EQ(tx, nullptr);
}

// ------------------------------------------------------------------ the cyclic terminate vs period-end race

namespace {

// The audio port at 384 kHz: a 256-byte period (64 frames) every 166.67 us.
constexpr unsigned kPeriod = 256, kPeriods = 4, kBuf = kPeriod * kPeriods;
constexpr unsigned kRate = 384000;

// How the client holds the CPU while the period end comes and goes.
enum class Hold {
  None,  // process context, IRQs and bottom halves on
  Bh,    // local_bh_disable() (e.g. under a spin_lock_bh of the client)
  Irqs,  // local_irq_save() (ALSA's trigger runs so)
};
const char* hold_name(Hold h) { return h == Hold::None ? "none" : h == Hold::Bh ? "bh off" : "irqs off"; }

struct RaceCyclic {
  Cpu* cpu = nullptr;
  dmac_chan* dc = nullptr;
  uint64_t periods0 = 0;
  int calls = 0;
  int incomplete_at_callback = 0;  // callbacks that came before their period completed
  completion reached;
  int notify_at = 3;
};
void race_cb(void* p) {
  auto* s = static_cast<RaceCyclic*>(p);
  s->calls++;
  // Every callback stands for a completed period: the hardware's TC count
  // (since the doorbell) and the periods the driver handled cover it.
  const uint32_t tc = s->cpu->readl(s->dc->base + DMAC_CH_TC_COUNT);
  if (tc < uint32_t(s->calls) || s->dc->periods - s->periods0 < uint64_t(s->calls)) s->incomplete_at_callback++;
  if (s->calls == s->notify_at) complete(&s->reached);
}

struct Row {
  long delta_ns = 0;
  int calls_before = 0, calls_at_return = 0, calls_final = 0, incomplete = 0;
  uint64_t handled_at_start = 0, handled = 0, handled_final = 0;  // periods whose interrupt was handled
  bool pending = false;         // vc->cyclic set at the terminate (tasklet not run)
  bool raised = false;          // the controller's interrupt line high at the terminate
  bool irq_in_window = false;   // the period's interrupt edge came while the CPU was held
  bool cyclic_after = false;    // vc->cyclic still set after terminate_async
  uint32_t tc_final = 0;        // periods the hardware completed
};

// Sweeps the moment of dmaengine_terminate_async() in `step_ns` steps over
// [-window, +window] around the predicted end of a period (the interrupt
// edge), holding the CPU as `hold` says from 10 us before until after the
// terminate. What Linux 6.1 does, and these rows must show:
//  - the period ends after the terminate: no callback for it;
//  - Hold::Irqs, the period's TC interrupt raised but not handled: the
//    terminate stops the channel and parks the descriptor
//    (vchan_terminate_vdesc); the interrupt taken at local_irq_restore()
//    finds no active descriptor: no vchan_cyclic_callback(), no callback;
//  - Hold::Bh, the interrupt handled (vchan_cyclic_callback(): vc->cyclic
//    set, tasklet scheduled) but the tasklet held off: vchan_terminate_vdesc()
//    clears vc->cyclic, so vchan_complete() at local_bh_enable() finds no
//    cyclic descriptor: the completed period loses its callback;
//  - Hold::None: the tasklet runs at irq_exit, before the process continues:
//    the period's callback has run before terminate_async is called;
//  - always: no callback after terminate_async returned; callbacks <= periods
//    completed; every delivered callback followed a completed period.
std::vector<Row> race_sweep(Hold hold, DmacLockPolicy policy, long window_ns, long step_ns) {
  Rig rig(fast_config(kRate));
  std::vector<sc_time> rises;  // the controller's interrupt edges
  rig.sys.hw.dmac.irq.on_change([&](bool v) {
    if (v) rises.push_back(sc_time_stamp());
  });
  std::vector<Row> rows;
  std::deque<RaceCyclic> runs;  // outlive the run (see Ctx::tracks)
  rig.run([&] {
    ASSERT_NE(rig.probe(policy), nullptr);
    dma_chan* chan = request_audio_chan();
    ASSERT_NE(chan, nullptr);
    dmac_chan* dc = to_dmac_chan(chan);
    virt_dma_chan* vc = to_virt_chan(chan);
    const uint64_t buf = kRamBase + 0x200000;
    std::vector<uint32_t> frames(kBuf / 4);
    for (unsigned i = 0; i < frames.size(); ++i) frames[i] = 0x10001u * i;
    rig.cpu().memcpy_to_bus(buf, frames.data(), kBuf);
    rig.cpu().writel(AudioPort::CTRL_ENABLE, kAudioBase + AudioPort::CTRL);
    const sc_time period = sc_time(double(kPeriod / 4) / kRate, SC_SEC);
    for (long delta = -window_ns; delta <= window_ns; delta += step_ns) {
      RaceCyclic& s = runs.emplace_back();
      s.cpu = &rig.cpu();
      s.dc = dc;
      s.periods0 = dc->periods;
      init_completion(&s.reached);
      dma_async_tx_descriptor* tx =
          dmaengine_prep_dma_cyclic(chan, buf, kBuf, kPeriod, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
      ASSERT_NE(tx, nullptr);
      tx->callback = race_cb;
      tx->callback_param = &s;
      dmaengine_submit(tx);
      dma_async_issue_pending(chan);
      ASSERT_NE(wait_for_completion_timeout(&s.reached, msecs_to_jiffies(10)), 0u);
      // The third period's interrupt was the last edge; the next comes one
      // period later (the FIFO paces the ring).
      const sc_time predicted = rises.back() + period;
      const sc_time target = delta >= 0 ? predicted + sc_time(double(delta), SC_NS)
                                        : predicted - sc_time(double(-delta), SC_NS);
      const sc_time hold_from = target - sc_time(10, SC_US);
      if (hold_from > sc_time_stamp()) sleep_for(hold_from - sc_time_stamp());
      Row r;
      r.delta_ns = delta;
      unsigned long flags = 0;
      if (hold == Hold::Bh) local_bh_disable();
      if (hold == Hold::Irqs) local_irq_save(flags);
      r.handled_at_start = dc->periods - s.periods0;
      const size_t rises_at_start = rises.size();
      while (sc_time_stamp() < target) ndelay(10);
      r.irq_in_window = rises.size() > rises_at_start;
      r.pending = vc->cyclic != nullptr;
      r.raised = rig.sys.hw.dmac.irq.read();
      r.handled = dc->periods - s.periods0;
      r.calls_before = s.calls;
      EXPECT_EQ(dmaengine_terminate_async(chan), 0);
      r.cyclic_after = vc->cyclic != nullptr;
      r.calls_at_return = s.calls;
      if (hold == Hold::Irqs) local_irq_restore(flags);
      if (hold == Hold::Bh) local_bh_enable();
      sleep_for(sc_time(500, SC_US));  // three periods: a stray callback would come now
      dmaengine_synchronize(chan);
      r.tc_final = rig.cpu().readl(dc->base + DMAC_CH_TC_COUNT);
      r.handled_final = dc->periods - s.periods0;
      r.calls_final = s.calls;
      r.incomplete = s.incomplete_at_callback;
      rows.push_back(r);
    }
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(checker_errors(), 0u);
  printf("terminate vs period end, hold: %s, policy %s\n", hold_name(hold), dmac_lock_policy_name(policy));
  printf("  delta_ns  irq_in_window  irq_raised  handled  callbacks  tasklet_pending  callbacks_final  hw_periods\n");
  for (const Row& r : rows)
    printf("  %8ld  %13d  %10d  %7llu  %9d  %15d  %15d  %10u\n", r.delta_ns, r.irq_in_window, r.raised,
           (unsigned long long)r.handled, r.calls_before, r.pending, r.calls_final, r.tc_final);
  return rows;
}

// The invariants of every row, whatever the hold.
void check_rows_always(const std::vector<Row>& rows) {
  ASSERT_FALSE(rows.empty());
  for (const Row& r : rows) {
    const std::string at = "delta " + std::to_string(r.delta_ns) + " ns: ";
    EXPECT_EQ(r.calls_at_return, r.calls_before) << at;
    EXPECT_EQ(r.calls_final, r.calls_at_return) << at << "a callback after terminate_async returned";
    EXPECT_FALSE(r.cyclic_after) << at << "vc->cyclic survived the terminate";
    EXPECT_LE(uint32_t(r.calls_final), r.tc_final) << at << "more callbacks than completed periods";
    EXPECT_EQ(r.incomplete, 0) << at << "a callback before its period completed";
    EXPECT_GE(r.calls_before, 3) << at;
  }
}

}  // namespace

// Bottom halves off across the period end: once the period's interrupt has
// been handled, its callback waits for the tasklet, and the terminate takes
// it away (vc->cyclic cleared).
TEST(TerminateCyclicRace, BhOffHandledPeriodLosesItsCallback) {
  std::vector<Row> rows = race_sweep(Hold::Bh, DmacLockPolicy::VirtDma, 2000, 50);
  check_rows_always(rows);
  int before = 0, lost = 0;
  for (const Row& r : rows) {
    const std::string at = "delta " + std::to_string(r.delta_ns) + " ns: ";
    if (r.pending) {
      ++lost;
      EXPECT_EQ(r.handled, uint64_t(r.calls_before) + 1) << at << "one handled period awaits its tasklet";
      EXPECT_EQ(r.calls_final, r.calls_before) << at << "the pending period's callback must be lost";
    } else {
      ++before;
      EXPECT_EQ(r.handled, uint64_t(r.calls_before)) << at;
      EXPECT_EQ(r.calls_final, r.calls_before) << at;
    }
    EXPECT_EQ(r.handled_final, r.handled) << at;
  }
  EXPECT_GT(before, 0) << "no terminate before the period end: widen the sweep";
  EXPECT_GT(lost, 0) << "no terminate with the period's tasklet pending: widen the sweep";
}

// IRQs off across the period end: the TC interrupt is raised but not taken;
// the terminate stops the channel first, and the interrupt finds nothing.
TEST(TerminateCyclicRace, IrqsOffRaisedPeriodIsNeverCalledBack) {
  std::vector<Row> rows = race_sweep(Hold::Irqs, DmacLockPolicy::VirtDma, 2000, 50);
  check_rows_always(rows);
  int before = 0, raised = 0;
  for (const Row& r : rows) {
    const std::string at = "delta " + std::to_string(r.delta_ns) + " ns: ";
    EXPECT_FALSE(r.pending) << at << "no interrupt can be handled with IRQs off";
    EXPECT_EQ(r.handled, r.handled_at_start) << at;
    EXPECT_EQ(r.handled, uint64_t(r.calls_before)) << at;
    EXPECT_EQ(r.handled_final, r.handled) << at << "the raised period must not be handled after the terminate";
    EXPECT_EQ(r.calls_final, r.calls_before) << at;
    if (r.raised) {
      ++raised;
      EXPECT_GT(r.tc_final, uint32_t(r.calls_final)) << at << "the raised period completed on the hardware";
    } else {
      ++before;
    }
  }
  EXPECT_GT(before, 0) << "no terminate before the period end: widen the sweep";
  EXPECT_GT(raised, 0) << "no terminate with the period interrupt raised: widen the sweep";
}

// Nothing held: the interrupt and the tasklet run as soon as the period ends,
// before the process gets to the terminate; the callback of every handled
// period has been delivered.
TEST(TerminateCyclicRace, NothingHeldEveryHandledPeriodWasCalledBack) {
  std::vector<Row> rows = race_sweep(Hold::None, DmacLockPolicy::VirtDma, 2000, 50);
  check_rows_always(rows);
  int before = 0, after = 0;
  for (const Row& r : rows) {
    const std::string at = "delta " + std::to_string(r.delta_ns) + " ns: ";
    EXPECT_FALSE(r.pending) << at;
    EXPECT_EQ(r.handled, uint64_t(r.calls_before)) << at;
    EXPECT_EQ(r.calls_final, r.calls_before) << at;
    EXPECT_EQ(r.handled > r.handled_at_start, r.irq_in_window) << at;
    if (r.irq_in_window) ++after;
    else ++before;
  }
  EXPECT_GT(before, 0) << "no terminate before the period end: widen the sweep";
  EXPECT_GT(after, 0) << "no terminate after the period end: widen the sweep";
}

// The 2010 driver structure (legacy-bh: the hardirq only latches the status,
// the tasklet does the period accounting and the callbacks): with bottom
// halves off the latched period is dropped by the terminate, never counted,
// never called back.
TEST(TerminateCyclicRace, LegacyBhBhOffLatchedPeriodIsDropped) {
  std::vector<Row> rows = race_sweep(Hold::Bh, DmacLockPolicy::LegacyBh, 2000, 50);
  check_rows_always(rows);
  int before = 0, latched = 0;
  for (const Row& r : rows) {
    const std::string at = "delta " + std::to_string(r.delta_ns) + " ns: ";
    EXPECT_FALSE(r.pending) << at << "legacy-bh sets vc->cyclic in its tasklet only";
    EXPECT_EQ(r.handled, uint64_t(r.calls_before)) << at;
    EXPECT_EQ(r.handled_final, r.handled) << at;
    EXPECT_EQ(r.calls_final, r.calls_before) << at;
    if (r.irq_in_window) {
      ++latched;
      EXPECT_GT(r.tc_final, uint32_t(r.calls_final)) << at << "the latched period completed on the hardware";
    } else {
      ++before;
    }
  }
  EXPECT_GT(before, 0) << "no terminate before the period end: widen the sweep";
  EXPECT_GT(latched, 0) << "no terminate after the period end: widen the sweep";
}

// ------------------------------------------------------------------ terminate_async from a completion callback

namespace {

struct FromCb {
  dma_chan* chan = nullptr;
  bool terminate_returned = false;
  int terminate_ret = -1;
  uint64_t runs_at_terminate = 0;
};
FromCb from_cb;

struct SameRun {
  Track t;
  bool after_terminate = false;
  uint64_t tasklet_run = 0;
  explicit SameRun(const char* n) : t(n) {}
};
void terminating_cb(void* p, const dmaengine_result* r) {
  track_cb(&static_cast<SameRun*>(p)->t, r);
  from_cb.runs_at_terminate = to_virt_chan(from_cb.chan)->task.runs;
  from_cb.terminate_ret = dmaengine_terminate_async(from_cb.chan);  // allowed from a callback
  from_cb.terminate_returned = true;
}
void same_run_cb(void* p, const dmaengine_result* r) {
  auto* s = static_cast<SameRun*>(p);
  track_cb(&s->t, r);
  s->after_terminate = from_cb.terminate_returned;
  s->tasklet_run = to_virt_chan(from_cb.chan)->task.runs;
}

}  // namespace

// A, B, C complete while bottom halves are off (one tasklet run will collect
// all three: vchan_complete() splices desc_completed to its local list); D
// is running, E submitted. A's callback calls dmaengine_terminate_async().
// Linux 6.1: B's and C's callbacks still run, after that terminate returned,
// in the same tasklet run (the terminate cannot reach vchan_complete()'s
// local list); D and E never call back. The synchronize after it waits for
// that tasklet run, so the check stays silent.
TEST(TerminateFromCallback, DescriptorsAlreadyCollectedStillCallBack) {
  Rig rig;
  SameRun a("A"), b("B"), c("C"), d("D"), e("E");
  dma_status st_b = DMA_ERROR, st_c = DMA_ERROR, st_d = DMA_COMPLETE, st_e = DMA_COMPLETE;
  bool collected = false;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    from_cb.chan = chan;
    const unsigned long fl = DMA_PREP_INTERRUPT | DMA_CTRL_ACK;
    struct {
      SameRun* s;
      size_t len;
      dma_async_tx_callback_result fn;
    } plan[] = {{&a, 256, terminating_cb}, {&b, 256, same_run_cb}, {&c, 256, same_run_cb},
                {&d, 512 * 1024, same_run_cb}, {&e, 256, same_run_cb}};
    std::vector<dma_async_tx_descriptor*> txs;
    for (unsigned i = 0; i < 5; ++i) {
      dma_async_tx_descriptor* tx =
          dmaengine_prep_dma_memcpy(chan, kDst + i * 0x80000, kSrc + i * 0x80000, plan[i].len, fl);
      ASSERT_NE(tx, nullptr);
      tx->callback_result = plan[i].fn;
      tx->callback_param = plan[i].s;
      txs.push_back(tx);
    }
    local_bh_disable();
    for (unsigned i = 0; i < 4; ++i) plan[i].s->t.cookie = dmaengine_submit(txs[i]);
    dma_async_issue_pending(chan);
    collected = spin_until([&] { return locked_count(chan, &virt_dma_chan::desc_completed) == 3; }) &&
                on_hardware(chan, txs[3]);
    e.t.cookie = dmaengine_submit(txs[4]);  // submitted, never issued
    local_bh_enable();                      // one tasklet run: A (terminates), B, C
    sleep_for(sc_time(2, SC_MS));
    dmaengine_synchronize(chan);
    sleep_for(sc_time(1, SC_MS));
    st_b = dmaengine_tx_status(chan, b.t.cookie, nullptr);
    st_c = dmaengine_tx_status(chan, c.t.cookie, nullptr);
    st_d = dmaengine_tx_status(chan, d.t.cookie, nullptr);
    st_e = dmaengine_tx_status(chan, e.t.cookie, nullptr);
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  ASSERT_TRUE(collected) << "A, B, C were not completed in one bh-off section with D running";
  EXPECT_EQ(from_cb.terminate_ret, 0);
  EXPECT_EQ(a.t.calls, 1);
  EXPECT_EQ(b.t.calls, 1);
  EXPECT_EQ(c.t.calls, 1);
  EXPECT_TRUE(b.after_terminate);
  EXPECT_TRUE(c.after_terminate);
  EXPECT_EQ(b.tasklet_run, from_cb.runs_at_terminate) << "B ran in another tasklet run";
  EXPECT_EQ(c.tasklet_run, from_cb.runs_at_terminate) << "C ran in another tasklet run";
  EXPECT_EQ(d.t.calls, 0);
  EXPECT_EQ(e.t.calls, 0);
  EXPECT_EQ(st_b, DMA_COMPLETE);
  EXPECT_EQ(st_c, DMA_COMPLETE);
  EXPECT_EQ(st_d, DMA_IN_PROGRESS);
  EXPECT_EQ(st_e, DMA_IN_PROGRESS);
  EXPECT_EQ(checker_errors(), 0u);
}

namespace {
struct StopAt {
  dma_chan* chan = nullptr;
  int calls = 0;
  int stop_at = 3;
  int ret = -1;
};
void stopping_cyclic_cb(void* p) {
  auto* s = static_cast<StopAt*>(p);
  if (++s->calls == s->stop_at) s->ret = dmaengine_terminate_async(s->chan);  // an XRUN stop from the callback
}
}  // namespace

// The cyclic callback stops its own channel (ALSA's snd_pcm_period_elapsed()
// -> xrun -> trigger STOP -> dmaengine_terminate_async()): no period callback
// after it, and the later synchronize is silent.
TEST(TerminateFromCallback, CyclicCallbackStopsItsChannel) {
  Rig rig;
  Gate gate;
  gate.bind(rig);
  StopAt s;
  int calls_after_run_on = -1;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_gate_chan();
    ASSERT_NE(chan, nullptr);
    s.chan = chan;
    dma_async_tx_descriptor* tx =
        dmaengine_prep_dma_cyclic(chan, kSrc, 4096, 1024, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
    ASSERT_NE(tx, nullptr);
    tx->callback = stopping_cyclic_cb;
    tx->callback_param = &s;
    dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    gate.set_ready(true);
    sleep_for(sc_time(2, SC_MS));  // free running: dozens of periods if not stopped
    calls_after_run_on = s.calls;
    dmaengine_synchronize(chan);
    sleep_for(sc_time(1, SC_MS));
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(s.ret, 0);
  EXPECT_EQ(calls_after_run_on, s.stop_at);
  EXPECT_EQ(s.calls, s.stop_at);
  EXPECT_EQ(checker_errors(), 0u);
}

// ------------------------------------------------------------------ the check itself

namespace {
int plain_calls = 0;
void plain_cb(void*) { plain_calls++; }
}  // namespace

// Fires: a callback copied (dmaengine_desc_get_callback) before the
// terminate and invoked after the synchronize, as a driver that kept it
// would. The error names the channel, the cookie and the contract; the
// callback still runs, as on Linux.
TEST(TerminateCallbackCheck, FiresForACallbackInvokedAfterSynchronize) {
  Rig rig;
  std::string chan_name;
  dma_cookie_t cookie = 0, last = 0;
  int calls_before = -1;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    chan_name = dma_chan_name(chan);
    dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, kDst, kSrc, 256 * 1024, DMA_PREP_INTERRUPT);
    ASSERT_NE(tx, nullptr);
    tx->callback = plain_cb;
    cookie = dmaengine_submit(tx);
    dmaengine_desc_callback kept;
    dmaengine_desc_get_callback(tx, &kept);
    dma_async_issue_pending(chan);
    udelay(2);
    last = chan->cookie;
    EXPECT_EQ(dmaengine_terminate_sync(chan), 0);
    calls_before = plain_calls;
    dmaengine_desc_callback_invoke(&kept, nullptr);  // the bug
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(calls_before, 0);
  EXPECT_EQ(plain_calls, 1) << "the callback must still run";
  EXPECT_EQ(Log::instance().count_all(LogLevel::Error,
                                      {chan_name + ": completion callback of cookie " + std::to_string(cookie) +
                                           " runs after dmaengine_synchronize() returned",
                                       "submitted before the terminate it synchronized (last cookie " +
                                           std::to_string(last) + " then)"}),
            1u);
}

namespace {
// A provider that breaks the contract: its terminate_all forgets the
// transfers and its synchronize waits for nothing.
int forgetful_terminate_all(dma_chan*) { return 0; }
void forgetful_synchronize(dma_chan*) {}
}  // namespace

// Fires through the real completion path: the provider's terminate left the
// transfer running, it completes after dmaengine_synchronize() returned, and
// vchan_complete() delivers its callback.
TEST(TerminateCallbackCheck, FiresForAProviderThatKeepsRunningAfterTerminate) {
  Rig rig;
  Track t("late");
  std::string chan_name;
  int calls_at_sync = -1;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    chan_name = dma_chan_name(chan);
    dma_device& dd = rig.dmac->ddev;
    auto* terminate_all = dd.device_terminate_all;
    auto* synchronize = dd.device_synchronize;
    dd.device_terminate_all = forgetful_terminate_all;
    dd.device_synchronize = forgetful_synchronize;
    dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, kDst, kSrc, 256 * 1024, DMA_PREP_INTERRUPT);
    ASSERT_NE(tx, nullptr);
    tx->callback_result = track_cb;
    tx->callback_param = &t;
    t.cookie = dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    udelay(2);
    EXPECT_EQ(dmaengine_terminate_async(chan), 0);
    dmaengine_synchronize(chan);
    calls_at_sync = t.calls;
    EXPECT_NE(wait_for_completion_timeout(&t.done, msecs_to_jiffies(20)), 0u);
    dd.device_terminate_all = terminate_all;
    dd.device_synchronize = synchronize;
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(calls_at_sync, 0);
  EXPECT_EQ(t.calls, 1);
  EXPECT_EQ(Log::instance().count(LogLevel::Error, chan_name + ": completion callback of cookie " +
                                                       std::to_string(t.cookie) + " " + kCheckNeedle),
            1u);
}

// Silent: a callback copied before the terminate but invoked before the
// synchronize (the window vchan_complete() has, see TerminateFromCallback),
// and the callback of a descriptor submitted after the synchronize.
TEST(TerminateCallbackCheck, SilentBeforeSynchronizeAndForLaterDescriptors) {
  Rig rig;
  int calls_a = -1, calls_b = -1;
  rig.run([&] {
    ASSERT_NE(rig.probe(), nullptr);
    dma_chan* chan = request_memcpy_chan();
    ASSERT_NE(chan, nullptr);
    dma_async_tx_descriptor* tx = dmaengine_prep_dma_memcpy(chan, kDst, kSrc, 256 * 1024, DMA_PREP_INTERRUPT);
    ASSERT_NE(tx, nullptr);
    tx->callback = plain_cb;
    dmaengine_submit(tx);
    dmaengine_desc_callback before;
    dmaengine_desc_get_callback(tx, &before);
    dma_async_issue_pending(chan);
    udelay(2);
    EXPECT_EQ(dmaengine_terminate_async(chan), 0);
    dmaengine_desc_callback_invoke(&before, nullptr);  // terminated, not yet synchronized
    calls_a = plain_calls;
    dmaengine_synchronize(chan);
    dma_async_tx_descriptor* tx2 = dmaengine_prep_dma_memcpy(chan, kDst, kSrc, 256, DMA_PREP_INTERRUPT);
    ASSERT_NE(tx2, nullptr);
    tx2->callback = plain_cb;
    dmaengine_submit(tx2);
    dmaengine_desc_callback later;
    dmaengine_desc_get_callback(tx2, &later);
    dmaengine_desc_callback_invoke(&later, nullptr);  // submitted after the synchronize
    dma_async_issue_pending(chan);
    sleep_for(sc_time(1, SC_MS));  // and its real completion
    calls_b = plain_calls;
    dma_release_channel(chan);
  }, sc_time(1, SC_SEC));
  rig.check_clean();
  EXPECT_EQ(calls_a, 1);
  EXPECT_EQ(calls_b, 3);
  EXPECT_EQ(checker_errors(), 0u);
}

}  // namespace test_terminate_callbacks
