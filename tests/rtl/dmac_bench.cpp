#include "dmac_bench.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <random>
#include <sstream>
#include <unordered_map>

namespace dmacosim::test {

using namespace spec;

void PeripheralModel::tick(DmacCore<Vdmac_top>& core) {
  // FIFO drain (MEM2PER): the peripheral consumes at a fixed rate.
  double level = 0;
  if (to_periph && fifo) {
    double in = double(fifo->written.size());
    drained = std::min(in, drained + drain_per_cycle);
    level = in - drained;
  }
  const bool clr = core.dclr(line);
  if (clr) ++dclr_cycles;
  if (core.dtc(line)) ++dtc_pulses;
  switch (state) {
    case IDLE:
      if (clr) ++protocol_violations;  // dclr without a request
      if (requests_left > 0 && (!to_periph || level + burst_bytes <= capacity)) {
        core.set_dreq(line, !use_single, use_single);
        state = REQ;
        ++requests;
      }
      break;
    case REQ:
      if (clr && clr_seen++ >= clr_drop_delay) {
        clr_seen = 0;
        core.set_dreq(line, false, false);
        if (requests_left != UINT64_MAX) --requests_left;
        state = WAIT_CLR_LOW;
      }
      break;
    case WAIT_CLR_LOW:
      if (!clr) state = IDLE;
      break;
  }
}

void AxiPinMonitor::flag(uint64_t cycle, const std::string& what) {
  ++violations;
  if (messages.size() < 8) messages.push_back("cycle " + std::to_string(cycle) + ": " + what);
}

void AxiPinMonitor::sample(Vdmac_top& m, uint64_t cycle, unsigned num_ch, unsigned max_burst) {
  Ax nar{bool(m.m_axi_arvalid), bool(m.m_axi_arready), uint32_t(m.m_axi_araddr), uint8_t(m.m_axi_arid),
         uint8_t(m.m_axi_arlen), uint8_t(m.m_axi_arsize), uint8_t(m.m_axi_arburst)};
  Ax naw{bool(m.m_axi_awvalid), bool(m.m_axi_awready), uint32_t(m.m_axi_awaddr), uint8_t(m.m_axi_awid),
         uint8_t(m.m_axi_awlen), uint8_t(m.m_axi_awsize), uint8_t(m.m_axi_awburst)};
  W nw{bool(m.m_axi_wvalid), bool(m.m_axi_wready), uint64_t(m.m_axi_wdata), uint8_t(m.m_axi_wstrb),
       uint8_t(m.m_axi_wlast)};
  auto check_ax = [&](const char* ch, const Ax& prev, const Ax& now) {
    if (!first && prev.valid && !prev.ready) {
      if (!now.valid)
        flag(cycle, std::string(ch) + "VALID dropped before READY");
      else if (now.addr != prev.addr || now.id != prev.id || now.len != prev.len || now.size != prev.size ||
               now.burst != prev.burst)
        flag(cycle, std::string(ch) + " payload changed while VALID && !READY");
    }
    if (now.valid) {
      if (now.id >= num_ch) flag(cycle, std::string(ch) + "ID " + std::to_string(now.id) + " >= NUM_CH");
      if (now.burst > 1) flag(cycle, std::string(ch) + "BURST " + std::to_string(now.burst) + " (WRAP/reserved)");
      if (now.len >= max_burst) flag(cycle, std::string(ch) + "LEN " + std::to_string(now.len) + " > MAX_BURST-1");
    }
  };
  check_ax("AR", ar, nar);
  check_ax("AW", aw, naw);
  if (!first && w.valid && !w.ready) {
    if (!nw.valid)
      flag(cycle, "WVALID dropped before WREADY");
    else if (nw.data != w.data || nw.strb != w.strb || nw.last != w.last)
      flag(cycle, "W payload changed while WVALID && !WREADY");
  }
  ar = nar;
  aw = naw;
  w = nw;
  first = false;
}

DmacBench::DmacBench(const BenchOptions& o) : opt_(o), mem_(o.fill), initial_(o.fill), runs_(kNumCh) {
  if (o.random_latency)
    mem_.set_random_latency(o.seed * 7919u + 1, o.first_lat, o.first_max, o.per_lat, o.per_max);
  else
    mem_.set_latency(o.first_lat, o.per_lat);
  AxiSlaveTiming t;
  t.seed = o.seed;
  t.ar_ready = t.aw_ready = t.w_ready = t.r_valid = t.b_valid = o.ready_prob;
  dut_ = make_dmac_model();
  core_ = std::make_unique<DmacCore<Vdmac_top>>(*dut_, mem_, t);
  mem_.now = [this] { return core_->cycle(); };
  core_->on_cycle = [this](uint64_t cycle) {
    pins_.sample(*dut_, cycle, kNumCh, golden_.config().max_burst);
    // quiescent: "no AXI transaction outstanding or pending" (the platform skips
    // clock cycles on it, so a wrong 1 breaks cycle-exactness).
    if (dut_->quiescent && (dut_->m_axi_arvalid || dut_->m_axi_awvalid || dut_->m_axi_wvalid))
      pins_.flag(cycle, "quiescent=1 with an AXI VALID asserted");
    else if (dut_->quiescent && !core_->mem_port().idle())
      pins_.flag(cycle, "quiescent=1 with an AXI transaction outstanding");
    for (auto& p : periphs_) p->tick(*core_);
  };
  core_->reset(4);
}

DmacBench::~DmacBench() {
  core_->on_cycle = nullptr;
  dut_->final();
}

std::string DmacBench::seed_info() const {
  std::ostringstream s;
  s << "seed=" << opt_.seed << " random_latency=" << opt_.random_latency << " ready_prob=" << opt_.ready_prob;
  return s.str();
}

void DmacBench::fill_random(uint64_t addr, size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  for (size_t i = 0; i < n; ++i) {
    uint8_t v = uint8_t(rng());
    if (v == opt_.fill) v ^= 0x5A;  // never equal to the guard fill: a missed write is visible
    mem_.bytes().set(addr + i, v);
  }
}

void DmacBench::add_fifo(uint64_t addr, const std::vector<uint8_t>& supply) {
  auto& f = mem_.add_fifo(addr);
  auto& g = golden_.add_fifo(addr);
  fifo_addrs_.push_back(addr);
  f.supply.assign(supply.begin(), supply.end());
  g.supply.assign(supply.begin(), supply.end());
}

PeripheralModel& DmacBench::add_peripheral(const PeripheralModel& p) {
  periphs_.push_back(std::make_unique<PeripheralModel>(p));
  return *periphs_.back();
}

void DmacBench::snapshot() {
  initial_ = mem_.bytes();
  snap_ = true;
}

void DmacBench::start(unsigned ch, uint32_t head, bool wb_en, uint64_t max_completions, bool prio) {
  if (!snap_) snapshot();
  runs_[ch].started = true;
  runs_[ch].head = head;
  runs_[ch].wb_en = wb_en;
  runs_[ch].max_completions = max_completions;
  EXPECT_EQ(chwr(ch, IRQ_MASK, IRQ_TC | IRQ_ERR | IRQ_ABORT), AXI_OKAY);
  EXPECT_EQ(chwr(ch, CTRL, (wb_en ? CTRL_WB_EN : 0) | (prio ? CTRL_PRIO : 0)), AXI_OKAY);
  EXPECT_EQ(chwr(ch, DOORBELL, head), AXI_OKAY) << "doorbell ch" << ch;
}

void DmacBench::rearm() {
  for (unsigned ch = 0; ch < kNumCh; ++ch) {
    if (!runs_[ch].started) continue;
    EXPECT_EQ(chwr(ch, IRQ_STATUS, IRQ_TC | IRQ_ERR | IRQ_ABORT), AXI_OKAY);
    runs_[ch] = ChannelRun{};
  }
  mem_.clear_log();
  snap_ = false;
}

bool DmacBench::run_until_idle(uint64_t max_cycles) {
  const uint64_t start = core_->cycle();
  uint64_t next_poll = start;
  while (core_->cycle() - start < max_cycles) {
    if (core_->quiescent() || core_->cycle() >= next_poll) {
      bool busy = false;
      for (unsigned ch = 0; ch < kNumCh && !busy; ++ch)
        if (runs_[ch].started && state_of(chrd(ch, STATUS)) == ST_ACTIVE) busy = true;
      if (!busy) return true;
      next_poll = core_->cycle() + 512;
      // Avoid re-polling every cycle while quiescent (e.g. waiting for a request line).
      for (int i = 0; i < 64; ++i) core_->step();
      continue;
    }
    core_->step();
  }
  fail_dump("channels still ACTIVE after " + std::to_string(max_cycles) + " cycles (hang)");
  return false;
}

std::string DmacBench::dump_channels() {
  std::ostringstream s;
  char buf[256];
  snprintf(buf, sizeof buf, "cycle %llu irq=%d quiescent=%d IRQ_SUMMARY=0x%x  [%s]\n",
           (unsigned long long)core_->cycle(), int(core_->irq()), int(core_->quiescent()), rd(IRQ_SUMMARY),
           seed_info().c_str());
  s << buf;
  for (unsigned ch = 0; ch < kNumCh; ++ch) {
    uint32_t st = chrd(ch, STATUS);
    uint32_t cur = chrd(ch, CUR_DESC);
    uint32_t rem = chrd(ch, REMAINING);
    snprintf(buf, sizeof buf,
             "  ch%u%s STATUS=0x%08x (state %u aborted %u wait_req %u busy_err %u err %s resp %u) ERR_ADDR=0x%08x "
             "CUR_DESC=0x%08x REMAINING=%u IRQ_RAW=0x%x TC_COUNT=%u DOORBELL=0x%08x CTRL=0x%x\n",
             ch, runs_[ch].started ? "*" : " ", st, state_of(st), (st >> 2) & 1, (st >> 3) & 1, (st >> 4) & 1,
             err_name(err_code_of(st)), err_resp_of(st), chrd(ch, ERR_ADDR), cur, rem, chrd(ch, IRQ_RAW),
             chrd(ch, TC_COUNT), chrd(ch, DOORBELL), chrd(ch, CTRL));
    s << buf;
  }
  auto& ps = core_->mem_port().stats();
  snprintf(buf, sizeof buf,
           "  mem: reads=%llu writes=%llu read_bursts=%llu write_bursts=%llu err_resp=%llu protocol_errors=%llu "
           "port_idle=%d\n",
           (unsigned long long)mem_.reads(), (unsigned long long)mem_.writes(), (unsigned long long)ps.read_bursts,
           (unsigned long long)ps.write_bursts, (unsigned long long)ps.error_responses,
           (unsigned long long)ps.protocol_errors, int(core_->mem_port().idle()));
  s << buf;
  // The last memory accesses (newest last).
  const auto& log = mem_.log();
  for (size_t i = log.size() > 8 ? log.size() - 8 : 0; i < log.size(); ++i) {
    const auto& e = log[i];
    snprintf(buf, sizeof buf, "  mem#%llu cycle %llu %s 0x%08llx len %zu strobed %zu resp %u\n",
             (unsigned long long)e.seq, (unsigned long long)e.cycle, e.is_write ? "W" : "R",
             (unsigned long long)e.addr, e.len, e.strobed, unsigned(e.resp));
    s << buf;
  }
  return s.str();
}

void DmacBench::fail_dump(const std::string& why) { ADD_FAILURE() << why << "\n" << dump_channels(); }

void DmacBench::check(const std::vector<AddrRange>& extra_allowed) {
  SCOPED_TRACE(seed_info());
  if (getenv("DMAC_VERBOSE"))
    printf("check at cycle %llu: %llu reads, %llu writes, %llu read bursts, %llu write bursts\n",
           (unsigned long long)core_->cycle(), (unsigned long long)mem_.reads(), (unsigned long long)mem_.writes(),
           (unsigned long long)core_->mem_port().stats().read_bursts,
           (unsigned long long)core_->mem_port().stats().write_bursts);
  if (getenv("DMAC_VERBOSE")) printf("%s", dump_channels().c_str());
  PagedBytes expected;
  run_golden(expected);

  // 1. Memory: every byte of every touched page (guard bytes included).
  std::unordered_map<uint64_t, uint8_t> unc;
  for (auto& u : golden_.uncertain()) unc[u.addr] = u.new_value;
  std::vector<uint64_t> pages = mem_.bytes().pages();
  for (auto p : expected.pages()) pages.push_back(p);
  std::sort(pages.begin(), pages.end());
  pages.erase(std::unique(pages.begin(), pages.end()), pages.end());
  unsigned mismatches = 0;
  std::ostringstream msg;
  for (uint64_t pg : pages) {
    for (uint64_t a = pg * PagedBytes::kPage; a < (pg + 1) * PagedBytes::kPage; ++a) {
      uint8_t act = mem_.bytes().get(a), exp = expected.get(a);
      if (act == exp) continue;
      auto it = unc.find(a);
      if (it != unc.end() && act == it->second) continue;
      if (mismatches < 16) {
        char buf[160];
        snprintf(buf, sizeof buf, "  0x%08llx: actual 0x%02x expected 0x%02x (initial 0x%02x)%s\n",
                 (unsigned long long)a, act, exp, initial_.get(a), it != unc.end() ? " [may also be new]" : "");
        msg << buf;
      }
      ++mismatches;
    }
  }
  EXPECT_EQ(mismatches, 0u) << "memory mismatches vs golden model (first 16):\n" << msg.str();

  // 2. Peripheral FIFOs.
  for (uint64_t fa : fifo_addrs_) {
    PeriphFifo* f = mem_.fifo_at(fa);
    PeriphFifo* g = golden_.fifo_at(fa);
    EXPECT_EQ(f->written.size(), g->written.size()) << "bytes written to the FIFO at 0x" << std::hex << fa;
    size_t n = std::min(f->written.size(), g->written.size()), first = n;
    for (size_t i = 0; i < n; ++i)
      if (f->written[i] != g->written[i]) {
        first = i;
        break;
      }
    EXPECT_EQ(first, n) << "FIFO 0x" << std::hex << fa << " data differs first at byte " << std::dec << first;
    EXPECT_EQ(f->supply.size(), g->supply.size()) << "bytes left in the PER2MEM supply of 0x" << std::hex << fa;
    EXPECT_EQ(f->underflows, 0u) << "PER2MEM read from an empty FIFO";
  }

  // 3. Writes outside the expected destinations (guard: same-value writes count too).
  std::vector<AddrRange> allowed = golden_.written_ranges();
  allowed.insert(allowed.end(), extra_allowed.begin(), extra_allowed.end());
  for (uint64_t fa : fifo_addrs_) allowed.push_back({fa, fa + 8});
  auto bad = mem_.writes_outside(allowed);
  if (!bad.empty()) {
    std::ostringstream b;
    for (size_t i = 0; i < bad.size() && i < 8; ++i)
      b << "  write seq " << bad[i].seq << " cycle " << bad[i].cycle << " addr 0x" << std::hex << bad[i].addr
        << " strobed [0x" << bad[i].lo << ",0x" << bad[i].hi << ")" << std::dec << "\n";
    ADD_FAILURE() << bad.size() << " write(s) outside the expected destination ranges:\n" << b.str();
  }

  // 4. Channel registers.
  for (unsigned ch = 0; ch < kNumCh; ++ch) {
    if (!runs_[ch].started) continue;
    SCOPED_TRACE("channel " + std::to_string(ch));
    const ChannelExpect& e = golden_.expect(ch);
    uint32_t st = chrd(ch, STATUS);
    EXPECT_EQ(state_of(st), e.state) << "STATUS=0x" << std::hex << st;
    EXPECT_EQ(err_code_of(st), e.err_code) << "ERR_CODE " << err_name(err_code_of(st)) << " expected "
                                           << err_name(e.err_code);
    EXPECT_EQ(err_resp_of(st), e.err_resp);
    EXPECT_EQ(st & STATUS_BUSY_ERR, 0u);
    if (e.state == ST_ERROR) {
      uint32_t ea = chrd(ch, ERR_ADDR);
      if (e.data_error) {
        EXPECT_GE(ea, e.err_addr_min) << std::hex << "ERR_ADDR 0x" << ea;
        EXPECT_LE(ea, e.err_addr) << std::hex << "ERR_ADDR 0x" << ea;
        const AccessLogEntry* fe = mem_.first_error();
        // The spec says "address of the faulting access"; the regmap refines it to
        // "first byte of the faulting data chunk", which may lie above AxADDR
        // (aligned beat address): accept any byte of the failed access that the
        // transfer actually uses.
        if (fe) {
          EXPECT_GE(ea, uint32_t(fe->addr)) << std::hex << "ERR_ADDR 0x" << ea << " below the failed access at 0x"
                                            << fe->addr;
          EXPECT_LT(ea, uint32_t(fe->addr + fe->len))
              << std::hex << "ERR_ADDR 0x" << ea << " beyond the failed access [0x" << fe->addr << ", +" << std::dec
              << fe->len << ")";
        }
      } else {
        EXPECT_EQ(ea, e.err_addr) << std::hex << "ERR_ADDR 0x" << ea << " expected 0x" << e.err_addr;
      }
    }
    // After a data read error the read-ahead's previous descriptor may have
    // lost its last writes (a suffix unwritten): it then raises no TC.
    uint32_t rest = 0;
    const unsigned lost_tc = GoldenModel::prev_lost_tc(e, mem_.bytes(), initial_, &rest);
    EXPECT_EQ(rest, 0u) << "descriptor before the data error: written bytes after an unwritten one";
    const uint64_t tc = e.accepted_tc(lost_tc);
    uint32_t raw = chrd(ch, IRQ_RAW);
    EXPECT_EQ(raw & (IRQ_TC | IRQ_ERR), e.irq_for_tc(tc) & (IRQ_TC | IRQ_ERR)) << "IRQ_RAW=0x" << std::hex << raw;
    EXPECT_EQ(chrd(ch, TC_COUNT), uint32_t(tc)) << "TC_COUNT";
    if (e.state == ST_IDLE) {
      EXPECT_EQ(chrd(ch, CUR_DESC), 0u) << "CUR_DESC must be 0 when idle";
    }
  }
  EXPECT_EQ(core_->mem_port().stats().protocol_errors, 0u) << "AXI protocol errors seen by the memory port";
  if (pins_.violations) {
    std::string m;
    for (auto& s : pins_.messages) m += "  " + s + "\n";
    ADD_FAILURE() << pins_.violations << " AXI pin-level rule violation(s):\n" << m;
  }
  // MAX_OUTSTANDING read bursts in flight (whole controller); MAX_BURST beats per burst.
  EXPECT_LE(core_->mem_port().stats().max_reads_outstanding, golden_.config().max_outstanding)
      << "read bursts in flight exceed MAX_OUTSTANDING";
  const uint64_t max_bytes = uint64_t(golden_.config().max_burst) * golden_.config().data_bytes;
  for (auto& e : mem_.log())
    if (e.len > max_bytes) {
      ADD_FAILURE() << "burst longer than MAX_BURST beats: " << (e.is_write ? "write" : "read") << " at 0x" << std::hex
                    << e.addr << std::dec << " len " << e.len;
      break;
    }
  if (::testing::Test::HasFailure()) ADD_FAILURE() << "state at check:\n" << dump_channels();
}

long written_prefix(DmacBench& b, uint64_t src, uint64_t dst, uint32_t len) {
  uint32_t k = 0;
  while (k < len && b.mem().bytes().get(dst + k) == b.initial().get(src + k) &&
         b.mem().bytes().get(dst + k) != b.options().fill)
    ++k;
  for (uint32_t i = k; i < len; ++i)
    if (b.mem().bytes().get(dst + i) != b.options().fill) return -1;
  return k;
}

}  // namespace dmacosim::test
