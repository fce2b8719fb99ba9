#include "random_regression.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <memory>
#include <unordered_map>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>

#include "dmac_bench.h"

namespace dmacosim::test {

using namespace spec;

namespace {

constexpr unsigned kCh = DmacBench::kNumCh;
constexpr uint64_t kRegion = 0x01000000;  // 16 MiB per channel, at a 16 MiB slot chosen per case
constexpr uint64_t kDescOff = 0x0, kSrcOff = 0x100000, kDstOff = 0x800000;
constexpr unsigned kDescSlots = 2048;
constexpr uint64_t kFifoBase = 0x40000000;

uint64_t fifo_addr(unsigned ch) { return kFifoBase + ch * 0x100; }

enum class Kind { Memcpy, Sg, Cyclic };
const char* kind_name(Kind k) { return k == Kind::Memcpy ? "memcpy" : k == Kind::Sg ? "sg" : "cyclic"; }

struct Job {
  bool active = false;
  Kind kind = Kind::Memcpy;
  unsigned ch = 0;
  std::vector<uint32_t> descs;  // chain order (ring: one lap)
  std::vector<Descriptor> d;
  bool wb = false, prio = false;
  bool may_abort = false;  // no error injection, no WB_EN: the abort scoreboard is exact
  std::string fault;       // injected error / malformed descriptor (empty = none)
  unsigned fault_desc = 0;
  bool fault_is_data = false;
  // cyclic
  uint32_t period = 0, width = 0, burst_beats = 0;
  uint64_t completions = 0;
  bool use_single = false;
  // schedule (cycles after the epoch start)
  std::vector<std::pair<uint64_t, bool>> pauses;  // (when, pause=1/resume=0)
  uint64_t abort_at = UINT64_MAX, stop_at = UINT64_MAX;
  uint64_t start_delay = 0;
  // run state
  bool started = false, abort_issued = false, paused = false, done = false;
  std::string describe() const {
    std::ostringstream s;
    s << "ch" << ch << " " << kind_name(kind) << " descs=" << descs.size() << (wb ? " wb" : "") << (prio ? " prio" : "")
      << (fault.empty() ? "" : " fault=" + fault) << (abort_at != UINT64_MAX ? " abort@" + std::to_string(abort_at) : "")
      << " pauses=" << pauses.size();
    if (kind == Kind::Cyclic)
      s << " period=" << period << " width=" << width << " burst=" << burst_beats << " completions=" << completions
        << (use_single ? " single" : "");
    return s.str();
  }
};

// 1 in 3 cases: the memory port answers out of order across IDs (= channels):
// R bursts of different channels reordered and their beats interleaved, B
// responses overtaking older writes of other channels, with varied settings.
// Derived from the case seed, not drawn from the case's stream, so a case
// without it runs exactly as before the option existed.
AxiResponseReordering reordering_for_case(uint64_t seed) {
  std::seed_seq tagged{uint32_t(seed), uint32_t(seed >> 32), 0x72656f72u /* "reor" */};
  std::mt19937 knobs(tagged);
  static const double switch_probs[] = {0.1, 0.5, 0.9};
  static const uint32_t extra_latencies[] = {0, 8, 32};
  AxiResponseReordering r;
  r.enabled = knobs() % 3 == 0;
  r.seed = knobs();
  r.switch_prob = switch_probs[knobs() % 3];
  r.max_extra_latency = extra_latencies[knobs() % 3];
  return r;
}

// Each channel's 16 MiB region sits in its own random 16 MiB slot of the
// 4 GiB space, so every address bit of the descriptor, data and register
// paths (CUR_DESC, ERR_ADDR, AXI addresses) toggles across cases. Not slot 0
// (a descriptor at address 0 reads as "end of chain"), not the FIFO window's
// slot, not the last one (a buffer must not run past 4 GiB). Derived from the
// case seed like the reordering knob (the case's own stream is untouched).
std::array<uint64_t, DmacBench::kNumCh> regions_for_case(uint64_t seed) {
  std::seed_seq tagged{uint32_t(seed), uint32_t(seed >> 32), 0x61646472u /* "addr" */};
  std::mt19937 knobs(tagged);
  std::vector<uint64_t> slots;
  for (uint64_t s = 1; s < 255; ++s)
    if (s != (kFifoBase >> 24)) slots.push_back(s);
  std::shuffle(slots.begin(), slots.end(), knobs);
  std::array<uint64_t, DmacBench::kNumCh> r{};
  for (unsigned ch = 0; ch < r.size(); ++ch) r[ch] = slots[ch] * kRegion;
  return r;
}

std::string describe(const AxiResponseReordering& r) {
  if (!r.enabled) return "reorder=off";
  std::ostringstream s;
  s << "reorder=on (switch_prob " << r.switch_prob << ", max_extra_latency " << r.max_extra_latency << ")";
  return s.str();
}

uint32_t rand_len(std::mt19937_64& rng) {
  unsigned k = rng() % 10;
  if (k < 4) return 1 + rng() % 64;
  if (k < 7) return 65 + rng() % 960;
  return 1025 + rng() % (9000 - 1024);
}

class RandomCase {
 public:
  RandomCase(uint64_t seed, unsigned epochs) : seed_(seed), epochs_(epochs), rng_(seed * 0x9E3779B97F4A7C15ull + 1) {
    BenchOptions o;
    o.seed = uint32_t(seed ^ (seed >> 32)) | 1;
    o.random_latency = rng_() % 4 != 0;
    o.first_lat = 1 + rng_() % 3;
    o.first_max = o.first_lat + rng_() % 40;
    o.per_lat = 1;
    o.per_max = 1 + rng_() % 3;
    static const double probs[] = {1.0, 0.9, 0.7, 0.5, 0.3};
    o.ready_prob = probs[rng_() % 5];
    // An RTL assertion ($error) becomes a reported failure with the seed
    // instead of aborting the process (restored in the destructor).
    saved_fatal_ = Verilated::threadContextp()->fatalOnError();
    Verilated::threadContextp()->fatalOnError(false);
    Verilated::threadContextp()->gotError(false);
    b_ = std::make_unique<DmacBench>(o);
    reorder_ = reordering_for_case(seed);
    regions_ = regions_for_case(seed);
    if (reorder_.enabled) b_->core().mem_port().set_reordering(reorder_);
    for (unsigned ch = 0; ch < kCh; ++ch) {
      b_->mem().add_fifo(fifo_addr(ch));
      PeripheralModel pm;
      pm.line = ch;
      pm.requests_left = 0;
      periph_[ch] = &b_->add_peripheral(pm);
      periph_[ch]->fifo = b_->mem().fifo_at(fifo_addr(ch));
    }
  }

  ~RandomCase() {
    Verilated::threadContextp()->gotError(false);
    Verilated::threadContextp()->fatalOnError(saved_fatal_);
  }

  RandomCaseStats run() {
    for (unsigned e = 0; e < epochs_; ++e) {
      epoch_ = e;
      if (!run_epoch()) {
        ADD_FAILURE() << "random regression failed: case seed " << seed_ << ", epoch " << e << " ("
                      << b_->seed_info() << " " << describe(reorder_) << ")\n  jobs:\n"
                      << jobs_text() << "  reproduce: " << random_repro_command(seed_);
        break;
      }
    }
    stats_.cycles = b_->core().cycle();
    const auto& port = b_->core().mem_port().stats();
    stats_.reordered_cases = reorder_.enabled;
    stats_.interleaved_read_beats = port.interleaved_read_beats;
    stats_.reordered_read_bursts = port.reordered_read_bursts;
    stats_.reordered_write_responses = port.reordered_write_responses;
    if (reorder_.enabled)
      std::printf("DmacRandom case seed %llu: %s: %llu interleaved R beats, %llu R bursts and %llu B out of order\n",
                  (unsigned long long)seed_, describe(reorder_).c_str(), (unsigned long long)port.interleaved_read_beats,
                  (unsigned long long)port.reordered_read_bursts, (unsigned long long)port.reordered_write_responses);
    return stats_;
  }

 private:
  std::string jobs_text() const {
    std::string s;
    for (auto& j : jobs_)
      if (j.active) s += "    " + j.describe() + "\n";
    return s;
  }

  // ---------------------------------------------------------------- generation
  void gen_epoch() {
    b_->golden() = GoldenModel();
    b_->mem().clear_error_regions();
    for (unsigned ch = 0; ch < kCh; ++ch) {
      Job& j = jobs_[ch];
      j = Job{};
      j.ch = ch;
      PeriphFifo* f = b_->mem().fifo_at(fifo_addr(ch));
      f->written.clear();
      f->write_beats = 0;
      PeripheralModel& p = *periph_[ch];
      p.requests_left = 0;
      p.state = PeripheralModel::IDLE;
      p.drained = 0;
      p.requests = p.dtc_pulses = p.dclr_cycles = 0;
      p.clr_seen = 0;
      p.clr_drop_delay = 0;
      b_->core().set_dreq(ch, false, false);
      if (rng_() % 10 == 0) continue;  // idle channel this epoch
      j.active = true;
      unsigned k = rng_() % 10;
      j.kind = k < 4 ? Kind::Memcpy : k < 8 ? Kind::Sg : Kind::Cyclic;
      j.prio = rng_() % 4 == 0;
      if (j.kind == Kind::Cyclic)
        gen_cyclic(j);
      else
        gen_copy(j);
      j.start_delay = rng_() % 3 == 0 ? rng_() % 400 : 0;
      // Pause/resume toggles and an abort, in cycles from the epoch start.
      if (rng_() % 3 == 0) {
        unsigned n = 1 + rng_() % 3;
        uint64_t t = j.start_delay;
        for (unsigned i = 0; i < n; ++i) {
          t += 20 + rng_() % 3000;
          j.pauses.push_back({t, true});
          t += 1 + rng_() % 1500;
          j.pauses.push_back({t, false});
        }
      }
      if (j.may_abort && (j.kind == Kind::Cyclic ? rng_() % 4 == 0 : rng_() % 6 == 0))
        j.abort_at = j.start_delay + rng_() % 6000;
    }
  }

  std::vector<uint32_t> pick_slots(unsigned ch, unsigned n) {
    std::vector<uint32_t> out;
    while (out.size() < n) {
      uint32_t a = uint32_t(region(ch) + kDescOff + (rng_() % kDescSlots) * 32);
      if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    }
    return out;
  }

  // Address inside [base, base+span) with a random offset; 1 in 4 lands just
  // below a 4 KiB boundary so the transfer crosses it.
  uint64_t place(uint64_t& cursor, uint32_t len) {
    uint64_t a;
    if (rng_() % 4 == 0) {
      uint64_t page_end = (cursor / 4096 + 1) * 4096;
      a = page_end - 1 - rng_() % std::min<uint32_t>(len, 64);
    } else {
      a = cursor + rng_() % 200;
    }
    cursor = a + len + 16 + rng_() % 64;  // guard gap before the next buffer
    return a;
  }

  void gen_copy(Job& j) {
    const unsigned n = j.kind == Kind::Memcpy ? 1 : 2 + rng_() % 7;
    j.descs = pick_slots(j.ch, n);
    j.wb = rng_() % 5 == 0;
    uint64_t sc = region(j.ch) + kSrcOff + rng_() % 4096, dc = region(j.ch) + kDstOff + rng_() % 4096;
    for (unsigned i = 0; i < n; ++i) {
      Descriptor d;
      d.len = rand_len(rng_);
      d.src = uint32_t(place(sc, d.len));
      d.dst = uint32_t(place(dc, d.len));
      d.next = i + 1 < n ? j.descs[i + 1] : 0;
      d.ctrl = DC_SRC_INC | DC_DST_INC | (rng_() % 2 ? DC_IRQ : 0);
      d.sw0 = uint32_t(rng_());
      d.sw1 = uint32_t(rng_());
      j.d.push_back(d);
    }
    // Faults (never on jobs that may be aborted: the abort scoreboard needs a clean run).
    j.may_abort = !j.wb;
    if (rng_() % 8 == 0) {
      j.may_abort = false;
      unsigned i = rng_() % n;
      Descriptor& d = j.d[i];
      uint8_t resp = rng_() % 2 ? AXI_SLVERR : AXI_DECERR;
      j.fault_desc = i;
      switch (rng_() % 5) {
        case 0:
          add_error({{j.descs[i], j.descs[i] + 32}, resp, true, false});
          j.fault = "desc_read#" + std::to_string(i);
          break;
        case 1: {
          uint64_t lo = d.src + rng_() % d.len;
          add_error({{lo, lo + 1 + rng_() % 64}, resp, true, false});
          j.fault = "data_read#" + std::to_string(i);
          j.fault_is_data = true;
          break;
        }
        case 2: {
          uint64_t lo = d.dst + rng_() % d.len;
          add_error({{lo, lo + 1 + rng_() % 64}, resp, false, true});
          j.fault = "data_write#" + std::to_string(i);
          j.fault_is_data = true;
          break;
        }
        case 3:
          d.len = rng_() % 2 ? 0 : d.len | 0x01000000;
          j.fault = "desc_len#" + std::to_string(i);
          break;
        default:
          if (rng_() % 2)
            d.ctrl |= 1u << (21 + rng_() % 11);
          else
            d.next |= 1u << (rng_() % 5);
          j.fault = "desc_malformed#" + std::to_string(i);
          break;
      }
    }
    for (unsigned i = 0; i < n; ++i) {
      const Descriptor& d = j.d[i];
      uint32_t len = d.len & 0xFFFFFF;
      b_->fill_random(d.src, len ? len : 1, uint32_t(rng_()));
      b_->mem().bytes().fill(d.dst - 16, len + 32, b_->options().fill);
      b_->write_desc(j.descs[i], d);
      stats_.bytes += len;
    }
    stats_.descriptors += n;
  }

  void gen_cyclic(Job& j) {
    const unsigned periods = 2 + rng_() % 4;
    j.descs = pick_slots(j.ch, periods);
    j.width = rng_() % 4;
    j.burst_beats = 1 + rng_() % 8;
    const uint32_t bb = j.burst_beats << j.width;
    j.period = bb * (1 + rng_() % std::max<uint32_t>(1, 2048 / bb));
    j.completions = periods * (1 + rng_() % 2) + rng_() % periods;
    j.use_single = rng_() % 5 == 0;
    j.may_abort = true;
    uint64_t sc = region(j.ch) + kSrcOff + rng_() % 4096;
    uint64_t buf = sc;
    if (rng_() % 3 == 0) buf = (sc / 4096 + 1) * 4096 - 1 - rng_() % 40;  // ring crosses a page
    b_->fill_random(buf, uint64_t(j.period) * periods, uint32_t(rng_()));
    for (unsigned i = 0; i < periods; ++i) {
      Descriptor d;
      d.src = uint32_t(buf + uint64_t(i) * j.period);
      d.dst = uint32_t(fifo_addr(j.ch));
      d.next = j.descs[(i + 1) % periods];
      d.len = j.period;
      d.ctrl = DC_IRQ | DC_SRC_INC | dc_flow(MEM2PER) | dc_width(j.width) | dc_burst(j.burst_beats - 1) | dc_req(j.ch);
      j.d.push_back(d);
      b_->write_desc(j.descs[i], d);
    }
    b_->golden().add_fifo(fifo_addr(j.ch));
    PeripheralModel& p = *periph_[j.ch];
    p.to_periph = true;
    p.use_single = j.use_single;
    p.burst_bytes = bb;
    p.capacity = std::max<uint32_t>(64, 2 * bb) + uint32_t(rng_() % 64);
    p.drain_per_cycle = 0.25 * double(1 + rng_() % 16);
    const uint64_t per_req = j.use_single ? (1u << j.width) : bb;
    p.requests_left = j.completions * j.period / per_req;
    // 1 in 3 rings: a slow peripheral keeps its request up 1-4 cycles after
    // dclr (the channel holds dclr until it drops; aborts can land there).
    // Derived from the seed, not drawn from rng_: every seed keeps its stream.
    const uint64_t h = (seed_ * 0x9E3779B97F4A7C15ull) ^ (uint64_t(epoch_) << 8) ^ j.ch;
    p.clr_drop_delay = (h >> 7) % 3 == 0 ? unsigned(1 + (h >> 11) % 4) : 0;
    stats_.descriptors += j.completions;
    stats_.bytes += j.completions * j.period;
    stats_.cyclic_periods += j.completions;
  }

  void add_error(const ErrorRegion& r) {
    b_->mem().add_error_region(r);
    b_->golden().add_error_region(r);
  }

  uint32_t ctrl_base(const Job& j) const { return (j.wb ? CTRL_WB_EN : 0) | (j.prio ? CTRL_PRIO : 0); }

  // ---------------------------------------------------------------- running
  bool run_epoch() {
    b_->rearm();
    gen_epoch();
    b_->snapshot();
    const bool isr = rng_() % 2 == 0;
    seen_.fill(0);
    const uint64_t t0 = b_->core().cycle();
    // Watchdog: generous bound from the bytes to move and the backpressure.
    uint64_t bytes = 0;
    for (auto& j : jobs_)
      if (j.active)
        for (auto& d : j.d) bytes += (j.kind == Kind::Cyclic ? j.completions * j.period / j.d.size() : d.len & 0xFFFFFF);
    const uint64_t budget = 200000 + bytes * 40 / std::max(0.25, b_->options().ready_prob);
    uint64_t next_poll = t0;
    for (;;) {
      const uint64_t now = b_->core().cycle() - t0;
      bool all_done = true;
      for (auto& j : jobs_) {
        if (!j.active || j.done) continue;
        all_done = false;
        if (!j.started) {
          if (now >= j.start_delay) {
            b_->start(j.ch, j.descs[0], j.wb, j.kind == Kind::Cyclic ? j.completions : 0, j.prio);
            j.started = true;
            ++stats_.transfers;
          }
          continue;
        }
        while (!j.pauses.empty() && now >= j.pauses.front().first) {
          j.paused = j.pauses.front().second;
          j.pauses.erase(j.pauses.begin());
          EXPECT_EQ(b_->chwr(j.ch, CTRL, ctrl_base(j) | (j.paused ? CTRL_PAUSE : 0)), AXI_OKAY);
          if (j.paused) ++stats_.paused;
        }
        if (!j.abort_issued && now >= j.abort_at) abort(j);
        // Cyclic ring: once the peripheral stopped requesting, stop the ring.
        if (j.kind == Kind::Cyclic && !j.abort_issued && periph_[j.ch]->requests_left == 0 &&
            periph_[j.ch]->state == PeripheralModel::IDLE) {
          if (j.stop_at == UINT64_MAX) j.stop_at = now + (rng_() % 2 ? rng_() % 8 : rng_() % 400);
          if (now >= j.stop_at) abort(j);
        }
      }
      if (all_done) break;
      if (isr && b_->core().irq()) service_irq();
      if (b_->core().cycle() >= next_poll) {
        next_poll = b_->core().cycle() + 200;
        for (auto& j : jobs_) {
          if (!j.active || !j.started || j.done || !j.pauses.empty()) continue;
          if (j.paused) {  // last toggle was a pause: resume now
            j.paused = false;
            EXPECT_EQ(b_->chwr(j.ch, CTRL, ctrl_base(j)), AXI_OKAY);
          }
          const uint32_t st = b_->chrd(j.ch, STATUS);
          const uint32_t s = state_of(st);
          if (j.kind == Kind::Cyclic)
            j.done = j.abort_issued && s == ST_IDLE;
          else
            j.done = s == ST_IDLE || s == ST_ERROR;
        }
      }
      if (Verilated::threadContextp()->gotError()) {
        b_->fail_dump("RTL assertion failed (see the %Error line above)");
        return false;
      }
      if (b_->core().cycle() - t0 > budget) {
        b_->fail_dump("watchdog: epoch still running after " + std::to_string(budget) + " cycles (hang)");
        return false;
      }
      b_->step(1 + rng_() % 8);
    }
    // Let in-flight events (a last TC after an abort) settle, then the scoreboard.
    b_->step(50);
    if (isr && b_->core().irq()) service_irq();
    return scoreboard(isr);
  }

  void abort(Job& j) {
    j.abort_issued = true;
    EXPECT_EQ(b_->chwr(j.ch, CTRL, ctrl_base(j) | (j.paused ? CTRL_PAUSE : 0) | CTRL_ABORT), AXI_OKAY);
    j.pauses.clear();
  }

  void service_irq() {
    const uint32_t sum = b_->rd(IRQ_SUMMARY);
    EXPECT_NE(sum, 0u) << "irq high with IRQ_SUMMARY = 0";
    for (unsigned ch = 0; ch < kCh; ++ch)
      if (sum >> ch & 1) {
        uint32_t s = b_->chrd(ch, IRQ_STATUS);
        seen_[ch] |= s;
        b_->chwr(ch, IRQ_STATUS, s);
      }
  }

  // ---------------------------------------------------------------- scoreboard
  bool scoreboard(bool isr) {
    const int failures_before = ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();
    SCOPED_TRACE("case seed " + std::to_string(seed_) + " epoch " + std::to_string(epoch_));
    PagedBytes exp;
    b_->run_golden(exp);
    const PagedBytes& act = b_->mem().bytes();
    const PagedBytes& ini = b_->initial();

    // Which channel aborted (STATUS.ABORTED): weaker per-byte rule there.
    std::array<bool, kCh> aborted{};
    for (auto& j : jobs_)
      if (j.active && j.abort_issued) aborted[j.ch] = (b_->chrd(j.ch, STATUS) & STATUS_ABORTED) != 0;
    auto owner_aborted = [&](uint64_t a) {
      for (auto& j : jobs_)
        if (j.active && aborted[j.ch] && j.kind != Kind::Cyclic)
          for (auto& d : j.d)
            if (a >= d.dst && a < uint64_t(d.dst) + d.len) return true;
      return false;
    };
    // Timing-dependent bytes come from the golden model (`uncertain`): before a
    // data fault, descriptor k-1's discarded last writes after a read error, the
    // read-ahead's first bursts of descriptor k+1 after a write error.
    std::unordered_map<uint64_t, uint8_t> unc;
    for (auto& u : b_->golden().uncertain()) unc[u.addr] = u.new_value;

    // 1. Every byte of every page either image holds.
    std::vector<uint64_t> pages = act.pages();
    for (auto p : exp.pages()) pages.push_back(p);
    std::sort(pages.begin(), pages.end());
    pages.erase(std::unique(pages.begin(), pages.end()), pages.end());
    unsigned mism = 0;
    std::ostringstream mm;
    for (uint64_t pg : pages) {
      auto ia = act.raw().find(pg), ie = exp.raw().find(pg);
      if (ia != act.raw().end() && ie != exp.raw().end() &&
          std::memcmp(ia->second.data(), ie->second.data(), PagedBytes::kPage) == 0)
        continue;
      for (uint64_t a = pg * PagedBytes::kPage; a < (pg + 1) * PagedBytes::kPage; ++a) {
        const uint8_t x = act.get(a), e = exp.get(a);
        if (x == e) continue;
        auto it = unc.find(a);
        if (it != unc.end() && x == it->second) continue;
        if (x == ini.get(a) && owner_aborted(a)) continue;
        if (mism++ < 12) {
          char buf[128];
          snprintf(buf, sizeof buf, "    0x%08llx actual 0x%02x expected 0x%02x initial 0x%02x\n", (unsigned long long)a,
                   x, e, ini.get(a));
          mm << buf;
        }
      }
    }
    EXPECT_EQ(mism, 0u) << "memory bytes differing from the golden model:\n" << mm.str();

    // 2. Guard: no write outside the golden destinations (aborted chains: their whole chain).
    std::vector<AddrRange> allowed = b_->golden().written_ranges();
    for (unsigned ch = 0; ch < kCh; ++ch) allowed.push_back({fifo_addr(ch), fifo_addr(ch) + 8});
    auto bad = b_->mem().writes_outside(allowed);
    EXPECT_TRUE(bad.empty()) << bad.size() << " write(s) outside the destinations, first at 0x" << std::hex
                             << (bad.empty() ? 0 : bad[0].lo);

    // 3. Per channel: state, error, interrupts, TC_COUNT, FIFO data.
    for (auto& j : jobs_) {
      if (!j.active) continue;
      SCOPED_TRACE(j.describe());
      const unsigned ch = j.ch;
      const ChannelExpect& e = b_->golden().expect(ch);
      const uint32_t st = b_->chrd(ch, STATUS), raw = b_->chrd(ch, IRQ_RAW), tc = b_->chrd(ch, TC_COUNT);
      const uint32_t irq_bits = (raw | seen_[ch]) & (IRQ_TC | IRQ_ERR | IRQ_ABORT);
      EXPECT_EQ(st & STATUS_BUSY_ERR, 0u);
      EXPECT_EQ(st & STATUS_WAIT_REQ, 0u);
      if (!isr) {
        EXPECT_EQ(seen_[ch], 0u);
      }
      if (aborted[ch] || j.kind == Kind::Cyclic) {
        ++stats_.aborted;
        EXPECT_EQ(st, uint32_t(ST_IDLE | STATUS_ABORTED)) << "STATUS after abort: 0x" << std::hex << st;
        EXPECT_EQ(b_->chrd(ch, CUR_DESC), 0u);
        uint64_t full_tc = 0;
        if (j.kind == Kind::Cyclic) {
          const auto& aw = b_->mem().fifo_at(fifo_addr(ch))->written;
          const auto& gw = b_->golden().fifo_at(fifo_addr(ch))->written;
          EXPECT_LE(aw.size(), gw.size()) << "FIFO bytes beyond the planned periods";
          size_t n = std::min(aw.size(), gw.size()), first = n;
          for (size_t i = 0; i < n; ++i)
            if (aw[i] != gw[i]) {
              first = i;
              break;
            }
          EXPECT_EQ(first, n) << "FIFO data differs from the golden ring at byte " << first;
          if (j.abort_at == UINT64_MAX) {
            EXPECT_EQ(aw.size(), gw.size()) << "ring stopped after all requests: every period delivered";
          }
          full_tc = aw.size() / j.period;
          // dtc: one pulse per complete period, except that an abort drain gives
          // no dclr/dtc (spec, "Abort and TC"): a period whose last request was
          // in flight at the abort counts in TC_COUNT without its dtc, and that
          // request is then left without dclr (the peripheral still requests).
          const bool req_abandoned = periph_[ch]->state == PeripheralModel::REQ;
          if (req_abandoned && full_tc > 0 && periph_[ch]->dtc_pulses + 1 == full_tc) {
            ++stats_.abort_dtc_skipped;
          } else {
            EXPECT_EQ(periph_[ch]->dtc_pulses, full_tc) << "dtc pulses vs complete periods";
          }
          EXPECT_EQ(periph_[ch]->protocol_violations, 0u);
        } else {
          // Written bytes form a prefix of the chain; TC counts exactly the complete descriptors.
          bool partial_seen = false;
          for (size_t i = 0; i < j.d.size(); ++i) {
            const Descriptor& d = j.d[i];
            uint32_t k = 0;
            while (k < d.len && act.get(d.dst + k) == exp.get(d.dst + k) && act.get(d.dst + k) != ini.get(d.dst + k)) ++k;
            uint32_t rest = 0;
            for (uint32_t m = k; m < d.len; ++m) rest += act.get(d.dst + m) != ini.get(d.dst + m);
            EXPECT_EQ(rest, 0u) << "descriptor " << i << ": written bytes after an unwritten one (not a prefix)";
            if (partial_seen) {
              EXPECT_EQ(k, 0u) << "descriptor " << i << " written after an incomplete one";
            }
            if (k == d.len) {
              if ((d.ctrl & DC_IRQ) || d.next == 0) ++full_tc;
            } else {
              partial_seen = true;
            }
          }
        }
        // Strict: a descriptor whose bytes all reached memory / the FIFO counts,
        // even if the abort arrived while its last responses were in flight.
        EXPECT_EQ(tc, full_tc) << "TC_COUNT vs descriptors whose bytes all reached memory";
        if (full_tc) {
          EXPECT_TRUE(irq_bits & IRQ_TC) << "TC counted without IRQ_RAW.TC";
        }
        EXPECT_EQ(irq_bits & ~uint32_t(IRQ_TC), uint32_t(IRQ_ABORT)) << "IRQ bits after abort";
      } else {
        EXPECT_EQ(st, e.status()) << "STATUS 0x" << std::hex << st << " expected 0x" << e.status() << " (ERR_CODE "
                                  << err_name(err_code_of(st)) << " expected " << err_name(e.err_code) << ")";
        if (e.state == ST_ERROR) {
          ++stats_.errors;
          const uint32_t ea = b_->chrd(ch, ERR_ADDR);
          if (e.data_error) {
            EXPECT_GE(ea, e.err_addr_min) << std::hex << "ERR_ADDR 0x" << ea;
            EXPECT_LE(ea, e.err_addr) << std::hex << "ERR_ADDR 0x" << ea;
          } else {
            EXPECT_EQ(ea, e.err_addr) << std::hex << "ERR_ADDR 0x" << ea;
          }
        } else {
          EXPECT_EQ(b_->chrd(ch, CUR_DESC), 0u);
        }
        // After a data read error the hand-over descriptor k-1 may have lost its
        // last writes (a suffix unwritten): then it raises no TC (golden: prev_*).
        uint32_t rest = 0;
        const unsigned lost_tc = GoldenModel::prev_lost_tc(e, act, ini, &rest);
        EXPECT_EQ(rest, 0u) << "descriptor before the data fault: written bytes after an unwritten one";
        const uint64_t exp_tc = e.accepted_tc(lost_tc);
        EXPECT_EQ(tc, uint32_t(exp_tc)) << "TC_COUNT" << (e.prev_may_lose ? " (retiring descriptors may lose their TC)" : "");
        EXPECT_EQ(irq_bits, e.irq_for_tc(exp_tc)) << "IRQ events (raw | serviced)";
      }
    }
    // 4. irq pin = OR of enabled statuses.
    EXPECT_EQ(b_->core().irq(), b_->rd(IRQ_SUMMARY) != 0);
    EXPECT_EQ(b_->core().mem_port().stats().protocol_errors, 0u);
    EXPECT_EQ(b_->pin_monitor().violations, 0u);
    EXPECT_EQ(b_->core().checker_violations(), 0u) << "AXI protocol checker violations";
    const bool ok = ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count() ==
                    failures_before;
    if (!ok) ADD_FAILURE() << "state at the scoreboard:\n" << b_->dump_channels();
    return ok;
  }

  uint64_t seed_;
  unsigned epochs_, epoch_ = 0;
  std::mt19937_64 rng_;
  std::unique_ptr<DmacBench> b_;
  AxiResponseReordering reorder_;
  std::array<uint64_t, DmacBench::kNumCh> regions_{};
  uint64_t region(unsigned ch) const { return regions_[ch]; }
  std::array<PeripheralModel*, kCh> periph_{};
  std::array<Job, kCh> jobs_;
  std::array<uint32_t, kCh> seen_{};
  RandomCaseStats stats_;
  bool saved_fatal_ = true;
};

}  // namespace

std::string random_repro_command(uint64_t seed) {
  char exe[4096] = {};
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  std::string path = n > 0 ? std::string(exe, size_t(n)) : "build/tests/rtl/test_dmac";
  return "DMACOSIM_RANDOM_SEED=" + std::to_string(seed) + " " + path + " --gtest_filter='DmacRandom.Replay'";
}

RandomCaseStats run_random_case(uint64_t seed, unsigned epochs) { return RandomCase(seed, epochs).run(); }

}  // namespace dmacosim::test
