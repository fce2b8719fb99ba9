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
#include "driver/linux_c/dmac_provider.h"
#include "driver/dmaengine/dmaengine.h"
#include "driver/kernel/sched.h"
#include "models/audio_port.h"
#include "models/log.h"
#include "tb/board_linux.h"
#include "tb/scenario.h"
#include "tb/scenario_report.h"
#include "tb/system.h"

namespace dmacosim {
namespace {

using namespace kernel;
using namespace board;
namespace de = dmaengine;


uint32_t sg_frame(uint32_t seed, uint64_t k) {
  return uint32_t(k & 0xffff) | (uint32_t((k * 2654435761u) ^ seed) & 0xffff0000u);
}

struct SgCb {
  completion done;
  int calls = 0;
  de::dmaengine_result res;
};
void sg_callback(void* p, const de::dmaengine_result* r) {
  auto* s = static_cast<SgCb*>(p);
  s->calls++;
  s->res = *r;
  complete(&s->done);
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
};

int run_sg(const ScenarioOptions& opt) {
  ScenarioReport report("sg", opt);
  report.add("driver", opt.driver);
  if (!linux_c::dmac_driver_known(opt.driver)) {
    fprintf(stderr, "sg: unknown driver '%s' (%s)\n", opt.driver.c_str(), linux_c::dmac_driver_names());
    return 2;
  }
  const unsigned entries = scenario_uint(opt, "entries", 7);
  const unsigned rounds = scenario_uint(opt, "rounds", 3);
  const unsigned max_chunk = scenario_uint(opt, "max-chunk", 2048);
  if (entries < 1 || entries > 64 || rounds < 1 || rounds > 100 || max_chunk < 4 || max_chunk > 16384) {
    fprintf(stderr, "sg: --entries 1..64, --rounds 1..100, --max-chunk 4..16384\n");
    return 2;
  }

  // One slot per entry, 4 KiB-aligned, room for the chunk plus the odd offset.
  const uint64_t slot_bytes = (uint64_t(max_chunk) + 128 + 4095) & ~uint64_t(4095);
  if (slot_bytes * entries * rounds > (11u << 20)) {
    fprintf(stderr, "sg: entries x rounds x max-chunk exceeds the 11 MiB data area\n");
    return 2;
  }
  PlatformConfig cfg;
  cfg.idle_skipping = opt.idle_skipping;
  if (opt.trace) cfg.fst_path = report.out_path("sg.fst");
  cfg.audio.fifo_depth = 16;
  cfg.audio.watermark = 4;
  System sys("sys", cfg);
  AudioPort& port = sys.hw.audio;
  Cpu& cpu = sys.hw.cpu;
  const unsigned rate = port.config().sample_rate;

  std::mt19937 rng(opt.seed);
  std::vector<Round> runs(rounds);
  std::vector<uint32_t> signal;  // the concatenation, frame by frame
  bool finished = false;
  std::string setup_error;
  std::string end_state;  // dmac_dbg_check_quiescent() before .remove

  sys.start_init([&]() -> int {
    KFUNC("sg_init");
    linux_c::DmacProvider dmac;  // the provider --driver names
    if (!dmac.probe(opt.driver, board::dmac_pdata(), &setup_error)) {
      sc_core::sc_stop();
      return 1;
    }
    board::add_dma_slave_map();
    de::device i2s_dev{board::kI2sName};
    de::dma_chan* chan = de::dma_request_chan(&i2s_dev, board::kI2sDmaName);
    if (de::IS_ERR_OR_NULL(chan)) {
      setup_error = strfmt("dma_request_chan(i2s, tx) failed (%ld)", chan ? de::PTR_ERR(chan) : 0L);
      sc_core::sc_stop();
      return 1;
    }
    de::dma_slave_config sc;
    sc.direction = de::DMA_MEM_TO_DEV;
    sc.dst_addr = kAudioBase + AudioPort::FIFO_DATA;
    sc.dst_addr_width = de::DMA_SLAVE_BUSWIDTH_4_BYTES;
    sc.dst_maxburst = 8;  // <= depth - watermark
    int err = de::dmaengine_slave_config(chan, &sc);
    if (err) {
      setup_error = strfmt("dmaengine_slave_config failed (%d)", err);
      sc_core::sc_stop();
      return 1;
    }
    cpu.writel(4, kAudioBase + AudioPort::WATERMARK);
    cpu.writel(AudioPort::CTRL_FLUSH, kAudioBase + AudioPort::CTRL);

    // Scattered chunk slots in [1 MiB, 12 MiB) (below the coherent pool), one per
    // entry, used in shuffled order.
    std::vector<unsigned> slots(size_t(entries) * rounds);
    std::iota(slots.begin(), slots.end(), 0u);
    std::shuffle(slots.begin(), slots.end(), rng);
    size_t next_slot = 0;
    for (unsigned r = 0; r < rounds; ++r) {
      Round& rd = runs[r];
      rd.frame_start = signal.size();
      rd.sgl.resize(entries);
      de::sg_init_table(rd.sgl.data(), entries);
      std::uniform_int_distribution<unsigned> len_frames(1, max_chunk / 4), offset(0, 63);
      for (unsigned i = 0; i < entries; ++i) {
        const unsigned n = len_frames(rng);
        const uint64_t addr = kRamBase + (1u << 20) + uint64_t(slots[next_slot++]) * slot_bytes + offset(rng) * 2 + 1;
        std::vector<uint32_t> frames(n);
        for (unsigned k = 0; k < n; ++k) frames[k] = sg_frame(opt.seed, signal.size() + k);
        signal.insert(signal.end(), frames.begin(), frames.end());
        cpu.memcpy_to_bus(addr, frames.data(), n * 4);
        de::sg_dma_address(&rd.sgl[i]) = addr;
        de::sg_dma_len(&rd.sgl[i]) = n * 4;
        rd.sgl[i].length = n * 4;
      }
      rd.frames = signal.size() - rd.frame_start;

      SgCb cb;
      init_completion(&cb.done);
      de::dma_async_tx_descriptor* tx = de::dmaengine_prep_slave_sg(
          chan, rd.sgl.data(), entries, de::DMA_MEM_TO_DEV, de::DMA_PREP_INTERRUPT | de::DMA_CTRL_ACK);
      if (!tx) {
        setup_error = strfmt("round %u: dmaengine_prep_slave_sg returned NULL", r);
        break;
      }
      tx->callback_result = sg_callback;
      tx->callback_param = &cb;
      de::dma_cookie_t cookie = de::dmaengine_submit(tx);
      if (de::dma_submit_error(cookie)) {
        setup_error = strfmt("round %u: submit error %d", r, cookie);
        break;
      }
      const sc_core::sc_time t0 = sc_core::sc_time_stamp();
      de::dma_async_issue_pending(chan);
      rd.codec_start = port.played_frames().size();
      cpu.writel(AudioPort::CTRL_ENABLE, kAudioBase + AudioPort::CTRL);
      const unsigned ms = unsigned(rd.frames * 1000 / rate) + 50;
      rd.timed_out = wait_for_completion_timeout(&cb.done, msecs_to_jiffies(ms)) == 0;
      rd.ns = (sc_core::sc_time_stamp() - t0).to_seconds() * 1e9;
      rd.calls = cb.calls;
      rd.res = cb.res;
      de::dma_tx_state st;
      rd.status = de::dmaengine_tx_status(chan, cookie, &st);
      // Let the FIFO drain (polled at the sample rate), then stop the transmitter.
      const sc_core::sc_time tick(1.0 / rate, sc_core::SC_SEC);
      for (unsigned i = 0; i < 400 && (cpu.readl(kAudioBase + AudioPort::STATUS) & 0xff); ++i) sleep_for(tick / 4);
      cpu.writel(0, kAudioBase + AudioPort::CTRL);
      rd.codec_end = port.played_frames().size();
      if (rd.timed_out) {
        de::dmaengine_terminate_sync(chan);
        break;
      }
      msleep(1);  // a gap between rounds
    }
    de::dmaengine_terminate_sync(chan);
    de::dma_release_channel(chan);
    end_state = dmac.check_quiescent();  // strict oracle: nothing left running or pending
    end_state += dmac.remove();  // the provider's .remove: frees what probe allocated (LeakSanitizer)
    finished = true;
    sc_core::sc_stop();
    return 0;
  });

  simulate(opt, sc_core::sc_time(5.0 + rounds, sc_core::SC_SEC));
  const double sim_s = sc_core::sc_time_stamp().to_seconds();
  const double wall = report.wall_seconds();
  const uint64_t cycles = sys.hw.dmac.cycles();
  const auto unexpected = sys.kernel.lockdep().unexpected();

  // ---- checks: codec output == concatenation of every entry ----
  const auto& played = port.played_frames();
  std::vector<bool> is_underrun(played.size(), false);
  for (size_t i : port.underrun_frames())
    if (i < is_underrun.size()) is_underrun[i] = true;
  bool exact = true;
  std::string first_mismatch;
  size_t matched = 0, trailing_silence = 0, cursor = 0;
  for (unsigned r = 0; r < rounds; ++r) {
    const Round& rd = runs[r];
    if (rd.codec_start != cursor && exact) {
      exact = false;
      first_mismatch = strfmt("round %u: codec played %zu frames between rounds", r, rd.codec_start - cursor);
    }
    for (size_t j = 0; j < rd.frames; ++j) {
      const size_t ci = rd.codec_start + j;
      if (ci < rd.codec_end && !is_underrun[ci] && played[ci] == signal[rd.frame_start + j]) {
        ++matched;
      } else if (exact) {
        exact = false;
        first_mismatch = ci >= rd.codec_end
                             ? strfmt("round %u: only %zu of %zu frames played", r, j, rd.frames)
                             : strfmt("round %u frame %zu: got 0x%08x%s, expected 0x%08x", r, j, played[ci],
                                      is_underrun[ci] ? " (underrun)" : "", signal[rd.frame_start + j]);
      }
    }
    for (size_t ci = rd.codec_start + rd.frames; ci < rd.codec_end; ++ci) {
      if (is_underrun[ci]) ++trailing_silence;
      else if (exact) {
        exact = false;
        first_mismatch = strfmt("round %u: extra frame 0x%08x after the last entry", r, played[ci]);
      }
    }
    cursor = std::max(rd.codec_end, rd.codec_start);
  }
  const bool setup_ok = setup_error.empty();
  unsigned cb_ok = 0;
  for (const Round& rd : runs)
    cb_ok += rd.calls == 1 && rd.res.result == de::DMA_TRANS_NOERROR && rd.res.residue == 0 &&
             rd.status == de::DMA_COMPLETE;

  if (sys.kernel.fatal()) report.fail("kernel: " + sys.kernel.fatal_message());
  if (!end_state.empty()) report.fail("DMA not quiescent at the end of the run:\n" + end_state);
  if (!setup_ok) report.fail(setup_error);
  if (!finished && setup_ok) report.fail_hang("simulation hang: the init thread did not finish", sys.kernel.hang_dumps());
  for (unsigned r = 0; r < rounds; ++r) {
    const Round& rd = runs[r];
    if (rd.timed_out) report.fail(strfmt("round %u: no completion callback", r));
    else if (setup_ok && (rd.calls != 1 || rd.res.result != de::DMA_TRANS_NOERROR || rd.res.residue != 0 ||
                          rd.status != de::DMA_COMPLETE))
      report.fail(strfmt("round %u: callback calls %d result %d residue %u, tx_status %d", r, rd.calls,
                         int(rd.res.result), rd.res.residue, int(rd.status)));
  }
  if (!exact) report.fail("data mismatch at the codec: " + first_mismatch);
  if (port.overflow_count()) report.fail(strfmt("%u FIFO overflows", port.overflow_count()));
  for (const LockReport& r : unexpected) report.fail("validator " + r.rule + ": " + r.headline);

  size_t bytes = signal.size() * 4;
  double dma_ns = 0;
  for (const Round& rd : runs) dma_ns += rd.ns;
  report.row("driver", opt.driver);
  report.row("scatterlists", strfmt("%u rounds x %u entries (1..%u frames each, odd byte addresses)", rounds,
                                    entries, max_chunk / 4));
  report.row("frames sent / matched", strfmt("%zu / %zu (%s)", signal.size(), matched,
                                              exact ? "bit-exact concatenation" : "MISMATCH"));
  report.row("callbacks NOERROR/COMPLETE", strfmt("%u of %u", cb_ok, rounds));
  report.row("trailing silence frames", std::to_string(trailing_silence) + " (after a round's last frame)");
  report.row("FIFO overflows", std::to_string(port.overflow_count()));
  report.row("DMA IRQs taken", std::to_string(sys.kernel.irq_count(kIrqDma)));
  report.row("validator reports", std::to_string(unexpected.size()));
  for (const LockReport& r : unexpected) report.row("  " + r.rule, r.headline);
  report.row("simulated time", strfmt("%.6f s", sim_s));
  report.row("wall time", strfmt("%.2f s (%.2f M simulated DMA cycles/s)", wall, wall > 0 ? cycles / wall / 1e6 : 0));

  std::string reps = "[";
  for (size_t i = 0; i < unexpected.size(); ++i)
    reps += std::string(i ? ", " : "") + "{\"rule\": " + ScenarioReport::json_escape(unexpected[i].rule) +
            ", \"message\": " + ScenarioReport::json_escape(unexpected[i].headline) + "}";
  report.add("rounds", uint64_t(rounds));
  report.add("entries", uint64_t(entries));
  report.add("frames_sent", uint64_t(signal.size()));
  report.add("frames_matched", uint64_t(matched));
  report.add("bytes", uint64_t(bytes));
  report.add("callbacks_ok", uint64_t(cb_ok));
  report.add("trailing_silence", uint64_t(trailing_silence));
  report.add("overflows", uint64_t(port.overflow_count()));
  report.add_bool("bit_exact", exact && setup_ok && matched == signal.size());
  report.add_raw_json("validator_reports", reps + "]");
  report.add("dma_irqs", sys.kernel.irq_count(kIrqDma));
  report.add("sim_seconds", sim_s);
  report.add("cycles", cycles);
  if (opt.trace) report.write_save_file("sg", cfg.fst_path);
  return report.finish();
}

ScenarioRegistrar reg({"sg", "slave scatter-gather: memory -> audio FIFO, unaligned multi-entry scatterlists, "
                             "bit-exact at the codec",
                       run_sg,
                       {
                           {"entries", "7", "scatterlist entries (1..64)"},
                           {"rounds", "3", "scatterlists played (1..100)"},
                           {"max-chunk", "2048", "largest entry, bytes (4..16384)"},
                       }});

}  // namespace
}  // namespace dmacosim
