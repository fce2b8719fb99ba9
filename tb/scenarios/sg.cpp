// Scenario "sg": dmaengine slave scatter-gather, memory -> the audio port's
// FIFO (DMA_MEM_TO_DEV, peripheral flow control by the port's DMA request
// line), checked bit-exact at the codec.
//
// init probes the controller (lock policy from --driver), maps the I2S
// port's "tx" channel to the audio request line and requests it with
// dma_request_chan(), configures it (dst = FIFO_DATA, 4-byte width, burst 8)
// and then, for each of --rounds rounds:
//   - builds a scatterlist of --entries entries: chunks of random length (a
//     multiple of the 4-byte frame, not of the burst), at random
//     odd/unaligned byte addresses scattered over RAM in shuffled order, each
//     filled with the next frames of a signal whose frames carry a counter;
//   - dmaengine_prep_slave_sg(DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT|DMA_CTRL_ACK)
//     with callback_result, submit, issue_pending, then enables the port's
//     transmitter (the DMA fills the FIFO on the port's burst requests);
//   - waits for the callback (must be DMA_TRANS_NOERROR, residue 0,
//     tx_status DMA_COMPLETE), lets the FIFO drain, disables the transmitter.
// The codec must have played exactly the concatenation of every entry of
// every round, in order (silence frames only after the last frame of a
// round, when the FIFO ran dry before the transmitter was disabled).
// (DMA_DEV_TO_MEM is not exercised: the platform has no capture peripheral.)
//
// Options: --driver, --seed, --out, --trace, --quiet; extra: --entries=N
// (default 7, 1..64), --rounds=N (default 3), --max-chunk=BYTES (default 2048).
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "driver/dmaengine/dmacosim-dmac.h"
#include "driver/dmaengine/dmaengine.h"
#include "driver/kernel/sched.h"
#include "models/audio_port.h"
#include "models/log.h"
#include "tb/board_linux.h"
#include "tb/scenario.h"
#include "tb/scenario_kit.h"
#include "tb/scenario_report.h"
#include "tb/system.h"

namespace dmacosim {
namespace {

using namespace kernel;
using namespace board;
namespace de = dmaengine;
using kit::read_bus;
using kit::ResultCallback;

uint32_t sg_frame(uint32_t seed, uint64_t k) {
  return uint32_t(k & 0xffff) | (uint32_t((k * 2654435761u) ^ seed) & 0xffff0000u);
}

struct Round {
  std::vector<de::scatterlist> sgl;
  size_t frame_start = 0, frames = 0;  // in the concatenated signal
  size_t codec_start = 0, codec_end = 0;
  int calls = 0;
  de::dmaengine_result res;
  de::dma_status status = de::DMA_ERROR;
  bool timed_out = false;
  double ns = 0;
  bool callback_ok() const {
    return calls == 1 && res.result == de::DMA_TRANS_NOERROR && res.residue == 0 && status == de::DMA_COMPLETE;
  }
};

// ---- set up ----

struct SgSettings {
  unsigned entries = 0, rounds = 0, max_chunk = 0;
  uint64_t slot_bytes = 0;  // one slot per entry, 4 KiB-aligned, room for the chunk plus the odd offset
  // Returns false (and prints the ranges) when a setting is out of range.
  bool read(const ScenarioOptions& opt) {
    entries = scenario_uint(opt, "entries", 7);
    rounds = scenario_uint(opt, "rounds", 3);
    max_chunk = scenario_uint(opt, "max-chunk", 2048);
    if (entries < 1 || entries > 64 || rounds < 1 || rounds > 100 || max_chunk < 4 || max_chunk > 16384) {
      fprintf(stderr, "sg: --entries 1..64, --rounds 1..100, --max-chunk 4..16384\n");
      return false;
    }
    slot_bytes = (uint64_t(max_chunk) + 128 + 4095) & ~uint64_t(4095);
    if (slot_bytes * entries * rounds > (11u << 20)) {
      fprintf(stderr, "sg: entries x rounds x max-chunk exceeds the 11 MiB data area\n");
      return false;
    }
    return true;
  }
};

// The audio port's FIFO as sg needs it: small, so the slave DMA's peripheral
// flow control is exercised often.
PlatformConfig sg_platform_config(const ScenarioOptions& opt, const ScenarioReport& report) {
  PlatformConfig cfg = kit::platform_config(opt, report, "sg");
  cfg.audio.fifo_depth = 16;
  cfg.audio.watermark = 4;
  return cfg;
}

// ---- the workload: the client on the probed provider (process context) ----

class SgClient {
public:
  SgClient(System& sys, const SgSettings& s, uint32_t seed)
      : runs(s.rounds), port_(sys.hw.audio), cpu_(sys.hw.cpu), s_(s), seed_(seed), rng_(seed) {}

  // The client's body (kit::Workload::start_client): the i2s "tx" channel,
  // configured, then every round.
  bool run(kit::Workload& work) {
    std::string why;
    if (!setup(&why)) {
      work.fail(why);
      return false;
    }
    // Scattered chunk slots in [1 MiB, 12 MiB) (below the coherent pool), one per
    // entry, used in shuffled order.
    std::vector<unsigned> slots(size_t(s_.entries) * s_.rounds);
    std::iota(slots.begin(), slots.end(), 0u);
    std::shuffle(slots.begin(), slots.end(), rng_);
    size_t next_slot = 0;
    for (unsigned r = 0; r < s_.rounds; ++r) {
      fill_round(runs[r], slots, &next_slot);
      if (!play_round(r, &why)) {
        work.fail(why);
        break;
      }
    }
    de::dmaengine_terminate_sync(chan_);
    de::dma_release_channel(chan_);
    return true;
  }

  std::vector<Round> runs;
  std::vector<uint32_t> signal;  // the concatenation, frame by frame

private:
  bool setup(std::string* error) {
    board::add_dma_slave_map();
    de::device i2s_dev{board::kI2sName};
    chan_ = de::dma_request_chan(&i2s_dev, board::kI2sDmaName);
    if (de::IS_ERR_OR_NULL(chan_)) {
      *error = strfmt("dma_request_chan(i2s, tx) failed (%ld)", chan_ ? de::PTR_ERR(chan_) : 0L);
      return false;
    }
    de::dma_slave_config sc;
    sc.direction = de::DMA_MEM_TO_DEV;
    sc.dst_addr = kAudioBase + AudioPort::FIFO_DATA;
    sc.dst_addr_width = de::DMA_SLAVE_BUSWIDTH_4_BYTES;
    sc.dst_maxburst = 8;  // <= depth - watermark
    int err = de::dmaengine_slave_config(chan_, &sc);
    if (err) {
      *error = strfmt("dmaengine_slave_config failed (%d)", err);
      de::dma_release_channel(chan_);
      return false;
    }
    cpu_.writel(4, kAudioBase + AudioPort::WATERMARK);
    cpu_.writel(AudioPort::CTRL_FLUSH, kAudioBase + AudioPort::CTRL);
    return true;
  }

  // The round's scatterlist: chunks of random length at random odd addresses
  // in the next slots, filled with the next frames of the signal.
  void fill_round(Round& rd, const std::vector<unsigned>& slots, size_t* next_slot) {
    rd.frame_start = signal.size();
    rd.sgl.resize(s_.entries);
    de::sg_init_table(rd.sgl.data(), s_.entries);
    std::uniform_int_distribution<unsigned> len_frames(1, s_.max_chunk / 4), offset(0, 63);
    for (unsigned i = 0; i < s_.entries; ++i) {
      const unsigned n = len_frames(rng_);
      const uint64_t addr = kRamBase + (1u << 20) + uint64_t(slots[(*next_slot)++]) * s_.slot_bytes + offset(rng_) * 2 + 1;
      std::vector<uint32_t> frames(n);
      for (unsigned k = 0; k < n; ++k) frames[k] = sg_frame(seed_, signal.size() + k);
      signal.insert(signal.end(), frames.begin(), frames.end());
      cpu_.memcpy_to_bus(addr, frames.data(), n * 4);
      de::sg_dma_address(&rd.sgl[i]) = addr;
      de::sg_dma_len(&rd.sgl[i]) = n * 4;
      rd.sgl[i].length = n * 4;
    }
    rd.frames = signal.size() - rd.frame_start;
  }

  // Prep, submit and issue the round, play it with the transmitter on; false
  // when the run cannot go on (*error set, or the round timed out).
  bool play_round(unsigned r, std::string* error) {
    Round& rd = runs[r];
    ResultCallback cb;
    cb.arm();
    de::dma_async_tx_descriptor* tx = de::dmaengine_prep_slave_sg(
        chan_, rd.sgl.data(), s_.entries, de::DMA_MEM_TO_DEV, de::DMA_PREP_INTERRUPT | de::DMA_CTRL_ACK);
    if (!tx) {
      *error = strfmt("round %u: dmaengine_prep_slave_sg returned NULL", r);
      return false;
    }
    cb.attach(tx);
    de::dma_cookie_t cookie = de::dmaengine_submit(tx);
    if (de::dma_submit_error(cookie)) {
      *error = strfmt("round %u: submit error %d", r, cookie);
      return false;
    }
    const unsigned rate = port_.config().sample_rate;
    const sc_core::sc_time t0 = sc_core::sc_time_stamp();
    de::dma_async_issue_pending(chan_);
    rd.codec_start = port_.played_frames().size();
    cpu_.writel(AudioPort::CTRL_ENABLE, kAudioBase + AudioPort::CTRL);
    const unsigned ms = unsigned(rd.frames * 1000 / rate) + 50;
    rd.timed_out = wait_for_completion_timeout(&cb.done, msecs_to_jiffies(ms)) == 0;
    rd.ns = (sc_core::sc_time_stamp() - t0).to_seconds() * 1e9;
    rd.calls = cb.calls;
    rd.res = cb.res;
    de::dma_tx_state st;
    rd.status = de::dmaengine_tx_status(chan_, cookie, &st);
    // Let the FIFO drain (polled at the sample rate), then stop the transmitter.
    const sc_core::sc_time tick(1.0 / rate, sc_core::SC_SEC);
    for (unsigned i = 0; i < 400 && (cpu_.readl(kAudioBase + AudioPort::STATUS) & 0xff); ++i) sleep_for(tick / 4);
    cpu_.writel(0, kAudioBase + AudioPort::CTRL);
    rd.codec_end = port_.played_frames().size();
    if (rd.timed_out) {
      de::dmaengine_terminate_sync(chan_);
      return false;
    }
    msleep(1);  // a gap between rounds
    return true;
  }

  AudioPort& port_;
  Cpu& cpu_;
  const SgSettings s_;
  const uint32_t seed_;
  std::mt19937 rng_;
  de::dma_chan* chan_ = nullptr;
};

// ---- check: codec output == concatenation of every entry ----

struct CodecCheck {
  bool exact = true;
  std::string first_mismatch;
  size_t matched = 0, trailing_silence = 0;

  void mismatch(const std::string& what) {
    if (exact) first_mismatch = what;
    exact = false;
  }
  // Round by round: the round's frames in order, then only underrun silence.
  CodecCheck(const AudioPort& port, const SgClient& client) {
    const auto& played = port.played_frames();
    std::vector<bool> is_underrun(played.size(), false);
    for (size_t i : port.underrun_frames())
      if (i < is_underrun.size()) is_underrun[i] = true;
    size_t cursor = 0;
    for (unsigned r = 0; r < client.runs.size(); ++r) {
      const Round& rd = client.runs[r];
      if (rd.codec_start != cursor && exact)
        mismatch(strfmt("round %u: codec played %zu frames between rounds", r, rd.codec_start - cursor));
      for (size_t j = 0; j < rd.frames; ++j) {
        const size_t ci = rd.codec_start + j;
        const uint32_t want = client.signal[rd.frame_start + j];
        if (ci < rd.codec_end && !is_underrun[ci] && played[ci] == want)
          ++matched;
        else if (exact)
          mismatch(ci >= rd.codec_end ? strfmt("round %u: only %zu of %zu frames played", r, j, rd.frames)
                                      : strfmt("round %u frame %zu: got 0x%08x%s, expected 0x%08x", r, j, played[ci],
                                               is_underrun[ci] ? " (underrun)" : "", want));
      }
      for (size_t ci = rd.codec_start + rd.frames; ci < rd.codec_end; ++ci) {
        if (is_underrun[ci]) ++trailing_silence;
        else if (exact) mismatch(strfmt("round %u: extra frame 0x%08x after the last entry", r, played[ci]));
      }
      cursor = std::max(rd.codec_end, rd.codec_start);
    }
  }
};

void check_sg(ScenarioReport& report, System& sys, const kit::Workload& work, const SgClient& client,
              const CodecCheck& codec) {
  work.report_outcome(report, "simulation hang: the init thread did not finish");
  const bool setup_ok = work.ok();
  for (unsigned r = 0; r < client.runs.size(); ++r) {
    const Round& rd = client.runs[r];
    if (rd.timed_out) report.fail(strfmt("round %u: no completion callback", r));
    else if (setup_ok && !rd.callback_ok())
      report.fail(strfmt("round %u: callback calls %d result %d residue %u, tx_status %d", r, rd.calls,
                         int(rd.res.result), rd.res.residue, int(rd.status)));
  }
  if (!codec.exact) report.fail("data mismatch at the codec: " + codec.first_mismatch);
  if (sys.hw.audio.overflow_count()) report.fail(strfmt("%u FIFO overflows", sys.hw.audio.overflow_count()));
  kit::fail_validator(report, sys.kernel.lockdep().unexpected());
}

// ---- report ----

void report_sg(ScenarioReport& report, const ScenarioOptions& opt, System& sys, const SgSettings& s,
               const kit::Workload& work, const SgClient& client, const CodecCheck& codec, const kit::RunTimes& times) {
  const std::vector<kernel::LockReport> unexpected = sys.kernel.lockdep().unexpected();
  unsigned cb_ok = 0;
  for (const Round& rd : client.runs) cb_ok += rd.callback_ok();
  const size_t sent = client.signal.size();
  const unsigned overflows = sys.hw.audio.overflow_count();
  report.row("driver", opt.driver);
  report.row("scatterlists", strfmt("%u rounds x %u entries (1..%u frames each, odd byte addresses)", s.rounds,
                                    s.entries, s.max_chunk / 4));
  report.row("frames sent / matched", strfmt("%zu / %zu (%s)", sent, codec.matched,
                                              codec.exact ? "bit-exact concatenation" : "MISMATCH"));
  report.row("callbacks NOERROR/COMPLETE", strfmt("%u of %u", cb_ok, s.rounds));
  report.row("trailing silence frames", std::to_string(codec.trailing_silence) + " (after a round's last frame)");
  report.row("FIFO overflows", std::to_string(overflows));
  kit::rows_run_end(report, sys, times, unexpected);

  report.add("rounds", uint64_t(s.rounds));
  report.add("entries", uint64_t(s.entries));
  report.add("frames_sent", uint64_t(sent));
  report.add("frames_matched", uint64_t(codec.matched));
  report.add("bytes", uint64_t(sent * 4));
  report.add("callbacks_ok", uint64_t(cb_ok));
  report.add("trailing_silence", uint64_t(codec.trailing_silence));
  report.add("overflows", uint64_t(overflows));
  report.add_bool("bit_exact", codec.exact && work.ok() && codec.matched == sent);
  report.add_raw_json("validator_reports", ScenarioReport::json_reports(unexpected));
  report.add("dma_irqs", sys.kernel.irq_count(kIrqDma));
}

int run_sg(const ScenarioOptions& opt) {
  ScenarioReport report("sg", opt);
  report.add("driver", opt.driver);
  SgSettings settings;
  if (!kit::driver_known(opt) || !settings.read(opt)) return kExitUsage;

  const PlatformConfig cfg = sg_platform_config(opt, report);
  System sys("sys", cfg);
  SgClient client(sys, settings, opt.seed);
  kit::Workload work(sys);
  work.start_client(opt, "sg_init", dmac_pdata(), [&](linux_c::DmacProvider&) { return client.run(work); });
  simulate(opt, sc_core::sc_time(5.0 + settings.rounds, sc_core::SC_SEC));
  const kit::RunTimes times = kit::run_times(report, sys);

  const CodecCheck codec(sys.hw.audio, client);
  check_sg(report, sys, work, client, codec);
  report_sg(report, opt, sys, settings, work, client, codec, times);
  return kit::finish_report(report, opt, cfg, times);
}

ScenarioRegistrar sg_registrar({"sg", "slave scatter-gather: memory -> audio FIFO, unaligned multi-entry scatterlists, "
                             "bit-exact at the codec",
                       run_sg,
                       {
                           {"entries", "7", "scatterlist entries (1..64)"},
                           {"rounds", "3", "scatterlists played (1..100)"},
                           {"max-chunk", "2048", "largest entry, bytes (4..16384)"},
                       }});

}  // namespace
}  // namespace dmacosim
