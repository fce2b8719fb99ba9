// Scenario "audio": ALSA playback over cyclic DMA through the RTL, with
// repeated start/stop, pause/resume and suspend/resume triggers, checked
// bit-exact at the codec, under the lock validator.
//
// Software (all on the modelled CPU, in modelled Linux contexts):
//   init        probes the DMA controller (dmacosim-dmac, lock policy from
//               --driver), maps the I2S port's "tx" DMA channel to the audio
//               request line, probes the I2S card, opens the PCM, hw_params.
//   aplay       (process context) the application: fills the ring buffer
//               ahead of the hardware pointer with snd_pcm_lib_write().
//   alsa-ctl    (process context) the control thread: per cycle prepare
//               (sync_stop -> dmaengine_synchronize), wait for the prefill,
//               START, optional PAUSE_PUSH/PAUSE_RELEASE and SUSPEND/RESUME,
//               then STOP (snd_pcm_drop) after N period callbacks.
//   The period callback (dmaengine_pcm_dma_complete -> snd_pcm_period_elapsed)
//   runs where the DMA driver invokes callbacks (its tasklet).
//
// The signal and "bit-exact": run r (0-based) writes frame n (0-based frame
// counter of the run, n = appl_ptr at write time) as
//   left  = (1 kHz sine, amplitude 8000, 48-sample period) with its low 4 bits
//           replaced by bits 19..16 of n;   right = bits 15..0 of n.
// so every frame of a run is unique for 2^20 frames and a gap, repeat or
// corruption changes the value. The codec (the audio port) records every
// frame it plays while its transmitter is enabled; it plays nothing while the
// transmitter is disabled (stopped, paused, suspended); each frame is checked
// as it plays (the port's frame sink, Run::check: memory does not grow with
// the run) and streamed to the WAV. The run is bit-exact
// when the codec output is exactly the concatenation, over the runs in order,
// of a prefix f(r, 0..len_r-1) of each run's signal (pause and suspend are
// seamless: the frames continue with no gap or repeat), with len_r >= 1, no
// underrun (silence) frame anywhere, and each len_r consistent with the DMA's
// pointer at the stop (len_r <= hw_ptr + 2 and hw_ptr - len_r <= FIFO depth
// + burst: the frames the DMA moved but the codec did not play are only the
// ones in flight / in the FIFO, flushed at the next START).
//   frames_expected = sample ticks while the transmitter was enabled (a frame
//   is due at every tick); frames_played = ticks that played the expected
//   frame. bit_exact <=> the check above holds (then the two are equal).
// Period accounting is by position, never by counting callbacks: as in
// Linux, periods that elapse before the DMA tasklet runs give one callback
// (virt-dma), so a callback count may be lower than the periods played. At
// every period callback the position is read as ALSA reads it, from the
// residue (snd_dmaengine_pcm_pointer), and the periods it crossed since the
// previous callback are added up (periods_by_position). The control thread
// waits for the N-th period by position (hw_ptr, updated from the residue in
// snd_pcm_period_elapsed) and stops the run a random time (< 1/3 period)
// after it, so the position at the stop says exactly how many periods
// elapsed: periods_by_position must equal periods_elapsed (sum over runs of
// floor(hw_ptr_at_stop / period_size)), and period_irqs (callbacks
// delivered) must be between 1 per run and periods_elapsed.
//
// Options: --driver, --seconds (streaming time, split over the cycles: each
// run lasts max(2, seconds * rate / period_frames / cycles) periods),
// --period-bytes, --periods, --start-stop N (cycles), --trace, --out, --seed,
// --quiet; extra: --alsa=2.6.33|6.8 (stream-lock model, default 2.6.33),
// --pause=0|1 (PAUSE_PUSH/RELEASE in every odd run, default 1),
// --suspend=0|1 (SUSPEND/RESUME in every run r % 5 == 2, default 1),
// --xrun-at=R (the application stops writing in run R after the prefill:
// the period callback detects the xrun and stops the stream from inside the
// callback; expected, not a failure), --ram-stall-at=R (every RAM access of
// run R takes 2 ms: the FIFO underruns and the I2S IRQ stops the stream in
// hardirq; default 1 with --driver=legacy-bh, off otherwise; -1 = off),
// --pcm-dma-trigger=direct|irq-enable|deferred-tasklet|deferred-work (where
// the card's trigger makes the DMA calls: the options of the 2010 thread,
// driver/sound/dmacosim_i2s.h), --deferred-naive=0|1 (the first deferred
// version one would write), --quick-stop=N (every N-th run stops right after
// its START: a STOP that arrives before a deferred START has run; default 0),
// --trigger-delay-us=N (busy time with IRQs off
// at the start of every trigger: an interrupt raised meanwhile is taken
// inside the irq-enable window), --netrx-load=PERCENT (a network receive load whose
// softirqs spill into ksoftirqd, taking the DMA tasklet with them:
// driver/net/softnet_load.h; default 0).
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <cmath>
#include <cstdio>
#include <deque>
#include <random>
#include <vector>

#include <unistd.h>

#include "driver/dmaengine/dmacosim-dmac.h"
#include "driver/linux_c/dmac_provider.h"
#include "driver/dmaengine/dmaengine.h"
#include "driver/dmaengine/dmatest.h"
#include "driver/kernel/sched.h"
#include "driver/net/softnet_load.h"
#include "driver/sound/dmacosim_i2s.h"
#include "driver/sound/pcm.h"
#include "models/log.h"
#include "tb/board_linux.h"
#include "tb/scenario.h"
#include "tb/scenario_report.h"
#include "tb/system.h"

namespace dmacosim {
namespace {

using namespace kernel;
using namespace board;
using namespace sound;
namespace de = dmaengine;

constexpr unsigned kRate = 48000;

uint32_t audio_frame(unsigned /*run*/, uint64_t n) {
  static int16_t sine[48];
  static bool init = false;
  if (!init) {
    for (int i = 0; i < 48; ++i) sine[i] = int16_t(std::lround(8000.0 * std::sin(2 * M_PI * i / 48.0)));
    init = true;
  }
  const uint16_t left = uint16_t((uint16_t(sine[n % 48]) & ~0xFu) | ((n >> 16) & 0xFu));
  const uint16_t right = uint16_t(n & 0xFFFFu);
  return uint32_t(left) | (uint32_t(right) << 16);
}

struct Stats {
  std::vector<double> v;
  void add(double x) { v.push_back(x); }
  double min() const { return v.empty() ? 0 : *std::min_element(v.begin(), v.end()); }
  double max() const { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }
  double median() const {
    if (v.empty()) return 0;
    std::vector<double> s = v;
    std::sort(s.begin(), s.end());
    return s.size() % 2 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2;
  }
  double percentile(double q) const {  // nearest rank
    if (v.empty()) return 0;
    std::vector<double> s = v;
    std::sort(s.begin(), s.end());
    size_t rank = size_t(std::ceil(q * double(s.size())));
    return s[std::min(s.size() - 1, rank ? rank - 1 : 0)];
  }
  std::string json() const {
    return strfmt("{\"min\": %.0f, \"median\": %.0f, \"p99\": %.0f, \"max\": %.0f, \"samples\": %zu}", min(),
                  median(), percentile(0.99), max(), v.size());
  }
  std::string samples_json() const {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += strfmt(i ? ", %.0f" : "%.0f", v[i]);
    return s + "]";
  }
  std::string text() const { return v.empty() ? "n/a" : strfmt("%.0f / %.0f / %.0f ns (min/median/max, %zu samples)", min(), median(), max(), v.size()); }
};

struct Run {
  unsigned index = 0;
  uint64_t codec_start = 0, codec_end = 0;  // codec frame counts (AudioPort::frames_out()) at the DAI's START, STOP
  bool started = false, stopped = false, xrun = false;
  sc_core::sc_time t_trigger, t_enable, t_stop;
  snd_pcm_uframes_t hw_ptr_at_stop = 0;
  uint64_t callbacks = 0;
  uint64_t periods_by_position = 0;  // periods crossed, from the residue pointer at the callbacks
  snd_pcm_uframes_t last_period_index = 0;  // ring period of the position at the last callback
  unsigned pauses = 0, suspends = 0;
  int start_err = 0;
  bool ram_stall = false;  // injected memory stall in this run
  bool quick = false;      // stopped right after its START (--quick-stop)

  // Bit-exactness, checked as the codec plays: the frames played while this
  // run's transmitter was on (DAI START to STOP), how many were the expected
  // ones, the first that was not, and the underrun silence at the end not yet
  // judged (a later frame makes it a gap; the injected stall's is expected).
  bool playing = false;
  uint64_t frames = 0, matched = 0, silent_tail = 0;
  std::string mismatch;
  void check(uint32_t got) {  // the run's next frame
    const uint32_t want = audio_frame(index, frames);
    if (got == want) ++matched;
    else if (mismatch.empty())
      mismatch = strfmt("run %u frame %llu (codec frame %llu): got 0x%08x, expected 0x%08x", index,
                        (unsigned long long)frames, (unsigned long long)(codec_start + frames), got, want);
    ++frames;
  }
  void judge_silence() {  // the silent tail is compared like any other frame
    frames -= silent_tail;
    for (; silent_tail; --silent_tail) check(0);
  }
};

struct Ctl {
  wait_queue_head_t ctl_wq, app_wq;
  bool quit = false;
  unsigned gen = 0;  // bumped at each prepare: the app starts a new run
  unsigned run = 0;
  unsigned app_ended = 0;  // last gen whose writes the application finished
  bool app_done = false;
  std::string app_error;
  int xrun_at = -1;
  int ram_stall_at = -1;
};

// Sleep until pred() or timeout (process context). False on timeout.
template <typename Pred>
bool wait_until(wait_queue_head_t& wq, Pred pred, const sc_core::sc_time& timeout) {
  const sc_core::sc_time deadline = sc_core::sc_time_stamp() + timeout;
  while (!pred()) {
    if (sc_core::sc_time_stamp() >= deadline) return false;
    __wait_prepare(&wq, TASK_UNINTERRUPTIBLE);
    if (pred()) {
      __wait_finish(&wq);
      break;
    }
    this_kernel().schedule_timeout(deadline - sc_core::sc_time_stamp());
    __wait_finish(&wq);
  }
  return true;
}



int run_audio(const ScenarioOptions& opt) {
  ScenarioReport report("audio", opt);
  report.add("driver", opt.driver);

  // ---- options ----
  if (!linux_c::dmac_driver_known(opt.driver)) {
    fprintf(stderr, "audio: unknown driver '%s' (%s)\n", opt.driver.c_str(), linux_c::dmac_driver_names());
    return 2;
  }
  PcmLockModel lock_model = PcmLockModel::Linux2_6_33;
  {
    const std::string a = scenario_string(opt, "alsa", "2.6.33");
    if (a == "6.8") lock_model = PcmLockModel::Linux6_8;
    else if (a != "2.6.33") {
      fprintf(stderr, "audio: --alsa must be 2.6.33 or 6.8\n");
      return 2;
    }
  }
  const unsigned frame_bytes = 4;
  if (opt.period_bytes < 64 || opt.period_bytes % 32 || opt.periods < 2 || opt.periods > 64 ||
      opt.period_bytes * opt.periods > (512u << 10)) {
    fprintf(stderr, "audio: --period-bytes must be a multiple of 32 (>= 64), --periods 2..64, buffer <= 512 KiB\n");
    return 2;
  }
  const unsigned period_frames = opt.period_bytes / frame_bytes;
  const unsigned cycles = std::max(1u, opt.start_stop);
  const unsigned run_periods =
      std::max(2u, unsigned(std::lround(opt.seconds * kRate / period_frames / cycles)));
  const bool do_pause = scenario_uint(opt, "pause", 1) != 0;
  const bool do_suspend = scenario_uint(opt, "suspend", 1) != 0;
  const sc_core::sc_time period_time(double(period_frames) / kRate, sc_core::SC_SEC);
  const sc_core::sc_time sample_period(1.0 / kRate, sc_core::SC_SEC);
  PcmDmaTrigger dma_trigger = PcmDmaTrigger::Direct;
  if (!pcm_dma_trigger_from_string(scenario_string(opt, "pcm-dma-trigger", "direct"), &dma_trigger)) {
    fprintf(stderr, "audio: --pcm-dma-trigger must be direct, irq-enable, deferred-tasklet or deferred-work\n");
    return 2;
  }
  const bool deferred_naive = scenario_uint(opt, "deferred-naive", 0) != 0;
  const unsigned quick_stop = scenario_uint(opt, "quick-stop", 0);
  const unsigned trigger_delay_us = scenario_uint(opt, "trigger-delay-us", 0);
  net::softnet_load_params netrx;
  netrx.percent = scenario_uint(opt, "netrx-load", 0);
  if (netrx.percent > 100) {
    fprintf(stderr, "audio: --netrx-load is a CPU share in percent (0..100)\n");
    return 2;
  }
  netrx.interval = sc_core::sc_time(10, sc_core::SC_MS);
  report.add("pcm_dma_trigger", std::string(pcm_dma_trigger_name(dma_trigger)));
  report.add_bool("deferred_naive", deferred_naive);
  report.add("netrx_load_percent", uint64_t(netrx.percent));

  PlatformConfig cfg;
  cfg.idle_skipping = opt.idle_skipping;
  if (opt.trace) cfg.fst_path = report.out_path("audio.fst");
  cfg.audio.fifo_depth = scenario_uint(opt, "fifo-depth", 16);
  // Default watermark depth/4 (4 of 16) with 8-frame bursts; depth/2 plays as
  // cleanly (ctest dmacosim.soak_audio_10k_watermark_8: 10^4 cycles, bit-exact).
  cfg.audio.watermark = int(scenario_uint(opt, "watermark", cfg.audio.fifo_depth / 4));
  cfg.audio.single_requests = scenario_uint(opt, "single-requests", 0) != 0;
  const unsigned maxburst = scenario_uint(opt, "burst", cfg.audio.fifo_depth / 2);
  System sys("sys", cfg);
  AudioPort& port = sys.hw.audio;
  const unsigned fifo_depth = port.config().fifo_depth;

  Ctl ctl;
  ctl.xrun_at = scenario_int(opt, "xrun-at", -1);
  // The 2010 reproduction needs the stream lock to be HARDIRQ-safe, as it is on
  // a real system as soon as the I2S error interrupt stops a stream: so the
  // legacy-bh run injects one bus stall in run 1 by default (underrun -> I2S IRQ
  // -> snd_pcm_stop in hardirq). The fixed driver under the very same stall is
  // clean (ctest dmacosim.audio_virt_dma_same_stress_clean). --ram-stall-at=-1
  // turns it off (then only V-BH-1 fires).
  if (linux_c::dmac_driver_is_legacy(opt.driver)) ctl.ram_stall_at = 1;
  ctl.ram_stall_at = scenario_int(opt, "ram-stall-at", ctl.ram_stall_at);
  const bool memcpy_client = scenario_uint(opt, "memcpy-client", 1) != 0;
  const unsigned memcpy_iterations = scenario_uint(opt, "memcpy-iterations", 50);
  de::dmatest_info dt_info;
  bool dt_done = !memcpy_client;
  int dt_ret = 0;
  std::vector<Run> runs;
  runs.reserve(cycles);
  Stats trig_lat, resume_lat, irq_lat, stop_idle;
  de::dmac_chan* audio_chan = nullptr;
  // stop -> DMA idle of the previous run: the channel's abort seen finished
  // after its STOP trigger (read once the next prepare has synchronized).
  auto account_stop_idle = [&](const Run& run) {
    if (!audio_chan || !run.stopped || run.xrun || run.t_stop == sc_core::SC_ZERO_TIME) return;
    if (audio_chan->abort_done_at >= run.t_stop) stop_idle.add((audio_chan->abort_done_at - run.t_stop).to_seconds() * 1e9);
  };
  sc_core::sc_time last_irq_rise;
  bool irq_rise_unused = false;
  std::mt19937 rng(opt.seed);
  bool finished = false;
  std::string setup_error;
  std::string end_state;  // dmac_dbg_check_quiescent() before .remove
  uint64_t dma_tasklet_runs = 0, dma_tasklet_runs_in_ksoftirqd = 0;
  uint64_t deferred_runs = 0, deferred_cancelled = 0, deferred_overwritten = 0;
  dmacosim_i2s* i2s = nullptr;
  linux_c::DmacProvider dmac;  // the provider --driver names
  snd_pcm_substream* ss = nullptr;
  uint64_t total_pauses = 0, total_suspends = 0;
  sc_core::sc_time t_resume_trigger;
  bool resume_pending = false;

  sys.hw.dmac.irq.on_change([&](bool level) {
    if (level) {
      last_irq_rise = sc_core::sc_time_stamp();
      irq_rise_unused = true;
      sys.hw.mark_first("DMA IRQ");
    }
  });
  sys.hw.audio.irq_out().on_change([&](bool level) {
    if (level) sys.hw.mark_first("I2S underrun IRQ");
  });

  auto rand_time = [&](const sc_core::sc_time& lo, const sc_core::sc_time& hi) {
    std::uniform_real_distribution<double> d(0.0, 1.0);
    return lo + (hi - lo) * d(rng);
  };

  // ---- the application (aplay) ----
  auto app = [&]() -> int {
    std::vector<uint32_t> buf;
    unsigned gen_done = 0;
    for (;;) {
      wait_event(ctl.app_wq, ctl.quit || ctl.gen != gen_done);
      if (ctl.quit) break;
      gen_done = ctl.gen;
      const unsigned run = ctl.run;
      uint64_t written = 0;
      snd_pcm_runtime* rt = ss->runtime;
      for (;;) {
        if (int(run) == ctl.xrun_at && written >= rt->buffer_size) {
          // The application stalls: wait until the stream is no longer running.
          wait_event(ctl.app_wq, ctl.quit || ctl.gen != gen_done ||
                                     (rt->state != SNDRV_PCM_STATE_RUNNING && rt->state != SNDRV_PCM_STATE_PREPARED &&
                                      rt->state != SNDRV_PCM_STATE_PAUSED));
          break;
        }
        const snd_pcm_uframes_t n = period_frames;
        buf.resize(n);
        for (snd_pcm_uframes_t i = 0; i < n; ++i) buf[i] = audio_frame(run, written + i);
        snd_pcm_sframes_t ret = snd_pcm_lib_write(ss, buf.data(), n);
        if (ret > 0) {
          written += uint64_t(ret);
          wake_up(&ctl.ctl_wq);
          continue;
        }
        if (ret == -PCM_ESTRPIPE) {  // suspended: wait for the resume (the control thread does it)
          wait_event(ctl.app_wq, ctl.quit || rt->state != SNDRV_PCM_STATE_SUSPENDED);
          if (ctl.quit) break;
          continue;
        }
        if (ret == -PCM_EIO) ctl.app_error = "snd_pcm_lib_write timed out: playback write error (DMA or IRQ trouble?)";
        break;  // -EBADFD (stopped), -EPIPE (xrun): this run is over
      }
      ctl.app_ended = gen_done;
      wake_up(&ctl.ctl_wq);
    }
    ctl.app_done = true;
    wake_up(&ctl.ctl_wq);
    return 0;
  };

  // ---- the control thread (alsa-ctl) ----
  auto control = [&]() -> int {
    snd_pcm_runtime* rt = ss->runtime;
    const sc_core::sc_time guard = period_time * double(opt.periods + 4) + sc_core::sc_time(50, sc_core::SC_MS);
    for (unsigned r = 0; r < cycles && setup_error.empty(); ++r) {
      runs.push_back(Run{});
      Run& run = runs.back();
      run.index = r;
      // Faults this run injects on purpose: their log lines are labelled
      // expected (the strict oracle fails the run on any other).
      std::vector<std::unique_ptr<ExpectedLog>> injected;
      auto inject = [&](LogLevel level, const char* needle, const std::string& why) {
        injected.push_back(std::make_unique<ExpectedLog>(level, needle, why));
      };
      if (int(r) == ctl.xrun_at) {
        const std::string why = strfmt("injected: the application stalls in run %u (--xrun-at)", r);
        inject(LogLevel::Warn, "XRUN", why);
        inject(LogLevel::Warn, "transmit FIFO underrun", why);
      }
      int err = snd_pcm_prepare(ss);
      if (err < 0) {
        setup_error = strfmt("snd_pcm_prepare failed (%d) in run %u", err, r);
        break;
      }
      if (r > 0) account_stop_idle(runs[r - 1]);
      ctl.run = r;
      ctl.gen++;
      wake_up(&ctl.app_wq);
      if (!wait_until(ctl.ctl_wq, [&] { return rt->appl_ptr >= rt->buffer_size || !ctl.app_error.empty(); }, guard)) {
        setup_error = strfmt("run %u: the application did not prefill the buffer", r);
        break;
      }
      run.t_trigger = sc_core::sc_time_stamp();
      run.codec_start = port.frames_out();  // the DAI's START moves it (not when cancelled)
      run.quick = quick_stop && r % quick_stop == quick_stop - 1;
      err = snd_pcm_start(ss);
      if (err < 0) {
        run.start_err = err;
        setup_error = strfmt("run %u: snd_pcm_start failed (%d)", r, err);
        break;
      }
      run.started = true;
      // Pause and suspend plans (period index after which they happen).
      std::uniform_int_distribution<unsigned> pick(1, run_periods - 1);
      const unsigned pause_after = do_pause && r % 2 == 1 ? pick(rng) : ~0u;
      const unsigned suspend_after = do_suspend && r % 5 == 2 ? pick(rng) : ~0u;
      // A quick run stops right after its START, before anything sleeps (a
      // deferred START is still queued then: the STOP must cancel it).
      for (unsigned p = 1; p <= (run.quick ? 0 : run_periods); ++p) {
        // The p-th period by position (hw_ptr, from the residue), not the p-th callback.
        bool ok = wait_until(ctl.ctl_wq,
                             [&] {
                               return rt->hw_ptr >= snd_pcm_uframes_t(p) * period_frames ||
                                      rt->state == SNDRV_PCM_STATE_XRUN || !ctl.app_error.empty();
                             },
                             guard);
        if (!ok) {
          setup_error = strfmt("run %u: period %u not reached within %.1f ms (hang)", r, p, guard.to_seconds() * 1e3);
          break;
        }
        if (rt->state == SNDRV_PCM_STATE_XRUN || !ctl.app_error.empty()) break;
        if (int(r) == ctl.ram_stall_at && p == 1) {
          // Memory stall: every RAM access takes 2 ms. The DMA cannot refill
          // the 16-frame FIFO (333 us), the port underruns, its IRQ handler
          // stops the stream with XRUN (hardirq). Then the memory recovers.
          run.ram_stall = true;
          const std::string why = strfmt("injected: every RAM access takes 2 ms in run %u (--ram-stall-at)", r);
          inject(LogLevel::Warn, "XRUN", why);
          inject(LogLevel::Warn, "transmit FIFO underrun", why);
          inject(LogLevel::Error, "[hang.read]", why);
          const RamTiming normal = cfg.ram_timing;
          RamTiming slow = normal;
          slow.first_beat = sc_core::sc_time(2, sc_core::SC_MS);
          sys.hw.ram.set_timing(slow);
          wait_until(ctl.ctl_wq, [&] { return rt->state == SNDRV_PCM_STATE_XRUN; }, sc_core::sc_time(20, sc_core::SC_MS));
          sys.hw.ram.set_timing(normal);
          break;
        }
        if (p == pause_after || p == suspend_after) {
          const bool susp = p == suspend_after;
          sleep_for(rand_time(sc_core::SC_ZERO_TIME, period_time / 3));
          err = susp ? snd_pcm_suspend(ss) : snd_pcm_pause(ss, true);
          if (err < 0) {
            setup_error = strfmt("run %u: %s failed (%d)", r, susp ? "suspend" : "pause push", err);
            break;
          }
          sleep_for(rand_time(sc_core::sc_time(100, sc_core::SC_US), sc_core::sc_time(2, sc_core::SC_MS)));
          t_resume_trigger = sc_core::sc_time_stamp();
          resume_pending = true;
          err = susp ? snd_pcm_resume(ss) : snd_pcm_pause(ss, false);
          if (err < 0) {
            setup_error = strfmt("run %u: %s failed (%d)", r, susp ? "resume" : "pause release", err);
            break;
          }
          wake_up(&ctl.app_wq);  // an application waiting out a suspend retries now
          (susp ? run.suspends : run.pauses)++;
          (susp ? total_suspends : total_pauses)++;
        }
      }
      if (!setup_error.empty()) break;
      if (rt->state == SNDRV_PCM_STATE_RUNNING) {
        if (!run.quick) sleep_for(rand_time(sc_core::SC_ZERO_TIME, period_time / 3));
        snd_pcm_sframes_t avail = snd_pcm_avail(ss);  // updates hw_ptr from the residue
        (void)avail;
        run.hw_ptr_at_stop = rt->hw_ptr;
      } else {
        run.xrun = rt->state == SNDRV_PCM_STATE_XRUN;
        run.hw_ptr_at_stop = rt->hw_ptr;
      }
      snd_pcm_drop(ss);
      run.stopped = true;
      wake_up(&ctl.app_wq);
      // The application must have left its write of this run before the next
      // prepare (one writer, two threads: the app's own synchronisation).
      if (!wait_until(ctl.ctl_wq, [&] { return ctl.app_ended == ctl.gen || !ctl.app_error.empty(); }, guard)) {
        setup_error = strfmt("run %u: the application did not return from its write after the stop", r);
        break;
      }
    }
    return 0;
  };

  sys.start_init([&]() -> int {
    KFUNC("audio_init");
    if (!dmac.probe(opt.driver, board::dmac_pdata(board::dmac_pool(2u << 20)), &setup_error)) {
      sc_core::sc_stop();
      return 1;
    }
    board::add_dma_slave_map();
    dmacosim_i2s_platform_data ip = board::i2s_pdata();
    ip.fifo_depth = fifo_depth;
    ip.watermark = unsigned(cfg.audio.watermark);
    ip.maxburst = maxburst;
    ip.lock_model = lock_model;
    ip.dma_trigger = dma_trigger;
    ip.deferred_naive = deferred_naive;
    ip.trigger_delay_us = trigger_delay_us;
    i2s = dmacosim_i2s_probe(ip);
    if (!i2s) {
      setup_error = "dmacosim_i2s_probe failed";
      sc_core::sc_stop();
      return 1;
    }
    int err = snd_pcm_open_substream(i2s->pcm, SNDRV_PCM_STREAM_PLAYBACK, &ss);
    struct snd_pcm_hw_params hp;
    hp.period_bytes = opt.period_bytes;
    hp.periods = opt.periods;
    if (!err) err = snd_pcm_hw_params(ss, &hp);
    if (err) {
      setup_error = strfmt("PCM open/hw_params failed (%d)", err);
      sc_core::sc_stop();
      return 1;
    }
    // Instrumentation: trigger markers, codec indices, latencies.
    // GTKWave named markers: the first trigger of each kind, the first sample
    // at the codec, the first period interrupt and callback, the first underrun.
    // The C++ provider's channel (stop -> DMA idle); the C one keeps it private.
    if (dmac.cxx()) audio_chan = de::to_dmac_chan(snd_dmaengine_pcm_get_chan(ss));
    ss->on_trigger_begin = [&](snd_pcm_substream*, int cmd) {
      if (cmd == SNDRV_PCM_TRIGGER_STOP && !runs.empty()) runs.back().t_stop = sc_core::sc_time_stamp();
      sys.hw.mark_first(std::string("trigger ") + snd_pcm_trigger_name(cmd));
    };
    ss->on_trigger = [&](snd_pcm_substream*, int cmd, int) { sys.hw.set_marker(uint8_t(0x10 | cmd)); };
    i2s->on_dai_trigger = [&](int cmd) {
      if (runs.empty()) return;
      Run& run = runs.back();
      const sc_core::sc_time now = sc_core::sc_time_stamp();
      if (cmd == SNDRV_PCM_TRIGGER_START) {
        run.codec_start = port.frames_out();
        run.playing = true;
        run.t_enable = now;
        sys.hw.mark_first("first sample", uint64_t((now + sample_period).value()));
        trig_lat.add((now + sample_period - run.t_trigger).to_seconds() * 1e9);
      } else if (cmd == SNDRV_PCM_TRIGGER_STOP) {
        run.codec_end = port.frames_out();
        run.playing = false;
      } else if ((cmd == SNDRV_PCM_TRIGGER_PAUSE_RELEASE || cmd == SNDRV_PCM_TRIGGER_RESUME) && resume_pending) {
        resume_lat.add((now + sample_period - t_resume_trigger).to_seconds() * 1e9);
        resume_pending = false;
      }
    };
    ss->on_period_elapsed = [&](snd_pcm_substream* s) {
      const sc_core::sc_time now = sc_core::sc_time_stamp();
      if (irq_rise_unused) {  // merged periods (no new interrupt) are not sampled
        irq_lat.add((now - last_irq_rise).to_seconds() * 1e9);
        irq_rise_unused = false;
      }
      if (!runs.empty()) {
        // Position as ALSA's update in snd_pcm_period_elapsed() reads it.
        Run& run = runs.back();
        run.callbacks++;
        unsigned long flags;
        snd_pcm_stream_lock_irqsave(s, flags);
        const snd_pcm_uframes_t index = snd_dmaengine_pcm_pointer(s) / period_frames;
        snd_pcm_stream_unlock_irqrestore(s, flags);
        run.periods_by_position += (index + opt.periods - run.last_period_index) % opt.periods;
        run.last_period_index = index;
      }
      sys.hw.mark_first("period_elapsed");
      wake_up(&ctl.ctl_wq);
    };
    init_waitqueue_head(&ctl.ctl_wq);
    init_waitqueue_head(&ctl.app_wq);
    if (!net::softnet_load_start(netrx)) {
      setup_error = "softnet_load_start failed";
      sc_core::sc_stop();
      return 1;
    }
    if (memcpy_client) {
      // A second client of the same DMA controller in process context (IRQs
      // on): dmatest memcpy on another channel, concurrent with the audio.
      kthread_run(std::function<int()>([&]() -> int {
        de::dmatest_params p;
        p.test_buf_size = 4096;
        p.iterations = memcpy_iterations;
        p.max_channels = 1;
        p.timeout = 100;
        p.seed = opt.seed;
        dt_ret = de::dmatest_run(p, &dt_info);
        dt_done = true;
        wake_up(&ctl.ctl_wq);
        return 0;
      }), "dmatest");
    }
    kthread_run(std::function<int()>(app), "aplay");
    task_struct* c = kthread_run(std::function<int()>([&]() -> int {
      control();
      // Close: drop (nothing running), sync_stop, free the buffer, release the channel.
      if (audio_chan) {
        dma_tasklet_runs = audio_chan->vc.task.runs;
        dma_tasklet_runs_in_ksoftirqd = audio_chan->vc.task.runs_in_ksoftirqd;
      } else {  // C provider: its channels' tasklets together
        dma_tasklet_runs = dmac.tasklet_runs();
        dma_tasklet_runs_in_ksoftirqd = dmac.tasklet_runs_in_ksoftirqd();
      }
      if (i2s) {
        deferred_runs = i2s->deferred_runs;
        deferred_cancelled = i2s->deferred_cancelled;
        deferred_overwritten = i2s->deferred_overwritten;
      }
      snd_pcm_release(ss);
      if (!runs.empty()) account_stop_idle(runs.back());
      audio_chan = nullptr;
      net::softnet_load_stop();
      ss = nullptr;
      ctl.quit = true;
      wake_up(&ctl.app_wq);
      wait_until(ctl.ctl_wq, [&] { return ctl.app_done; }, sc_core::sc_time(1, sc_core::SC_SEC));
      wait_until(ctl.ctl_wq, [&] { return dt_done; }, sc_core::sc_time(1, sc_core::SC_SEC));
      // The drivers' .remove, the card first: they free what probe allocated (LeakSanitizer).
      dmacosim_i2s_remove(i2s);
      i2s = nullptr;
      end_state = dmac.check_quiescent();  // strict oracle: nothing left running or pending
      end_state += dmac.remove();
      finished = true;
      sc_core::sc_stop();
      return 0;
    }), "alsa-ctl");
    (void)c;
    return 0;
  });

  // Upper bound of the simulated time: every run plus pauses, with margin.
  const sc_core::sc_time limit = (period_time * double(run_periods + opt.periods + 2) + sc_core::sc_time(5, sc_core::SC_MS)) *
                                     double(cycles) + sc_core::sc_time(1, sc_core::SC_SEC);
  // The codec's frames: checked and written as they play, not kept.
  port.set_capture(false);
  port.add_frame_sink([&](uint64_t, uint32_t frame, bool underrun) {
    if (runs.empty() || !runs.back().playing) return;  // outside any run: the window check below finds it
    Run& run = runs.back();
    if (underrun) {
      ++run.silent_tail;
      ++run.frames;
      return;
    }
    run.judge_silence();
    run.check(frame);
  });
  // The WAV the codec plays goes into --out (nothing is written without it).
  const std::string wav = report.out_path("audio.wav");
  bool wav_ok = opt.out_dir.empty() || port.open_wav(wav);
  simulate(opt, limit, [&] {
    return strfmt("cycle %zu/%u, codec frames %llu", runs.size(), cycles, (unsigned long long)port.frames_out());
  });
  const double sim_s = sc_core::sc_time_stamp().to_seconds();
  const double wall = report.wall_seconds();
  const uint64_t cycles_sim = sys.hw.dmac.cycles();

  // ---- checks ----
  const uint64_t played = port.frames_out();
  bool data_ok = true;
  std::string first_mismatch;
  uint64_t matched = 0;
  uint64_t periods_elapsed = 0, callbacks = 0, periods_by_position = 0;
  std::string first_bad_count;
  unsigned xruns_seen = 0;
  uint64_t cursor = 0;
  uint64_t injected_underruns = 0, all_callbacks = 0;
  for (Run& run : runs) {
    all_callbacks += run.callbacks;
    if (!run.started) continue;
    if (!run.xrun) {
      callbacks += run.callbacks;
      periods_by_position += run.periods_by_position;
    }
    const uint64_t end = run.stopped ? run.codec_end : played;
    if (run.xrun) ++xruns_seen;
    if (run.codec_start != cursor && data_ok) {
      data_ok = false;
      first_mismatch = strfmt("run %u: the codec played %llu frames outside any run before it", run.index,
                              (unsigned long long)(run.codec_start - cursor));
    }
    const uint64_t window = run.frames;  // played while its transmitter was on
    if (run.ram_stall) {  // trailing underrun silence of the injected stall is expected
      injected_underruns += run.silent_tail;
      run.frames -= run.silent_tail;
      run.silent_tail = 0;
    }
    run.judge_silence();
    const uint64_t len = run.frames;
    matched += run.matched;
    if (data_ok && !run.mismatch.empty()) {
      data_ok = false;
      first_mismatch = run.mismatch;
    }
    if (data_ok && end - run.codec_start != window) {
      data_ok = false;
      first_mismatch = strfmt("run %u: %llu codec frames between its START and STOP, %llu checked", run.index,
                              (unsigned long long)(end - run.codec_start), (unsigned long long)window);
    }
    if (len == 0 && data_ok && !run.quick) {
      data_ok = false;
      first_mismatch = strfmt("run %u: the codec played nothing", run.index);
    }
    const snd_pcm_uframes_t hw = run.hw_ptr_at_stop;
    if (run.stopped && !run.xrun && data_ok && (len > hw + 2 || hw > len + fifo_depth + fifo_depth / 2)) {
      data_ok = false;
      first_mismatch = strfmt("run %u: codec played %llu frames but the DMA pointer says %lu", run.index,
                              (unsigned long long)len, hw);
    }
    if (!run.xrun) {
      periods_elapsed += hw / period_frames;
      if (run.stopped && first_bad_count.empty() &&
          ((run.callbacks == 0 && !run.quick) || run.callbacks > hw / period_frames || run.periods_by_position != hw / period_frames))
        first_bad_count = strfmt("run %u: %llu callbacks, %llu periods by position at the callbacks, %lu at the stop",
                                 run.index, (unsigned long long)run.callbacks,
                                 (unsigned long long)run.periods_by_position, hw / period_frames);
    }
    cursor = end;
  }
  if (cursor != played && data_ok) {
    data_ok = false;
    first_mismatch = strfmt("the codec played %llu frames after the last stop", (unsigned long long)(played - cursor));
  }
  const bool underrun_free = port.underrun_count() == injected_underruns;
  const bool bit_exact = data_ok && underrun_free && !runs.empty();

  auto& ld = sys.kernel.lockdep();
  const auto& reps = ld.reports();
  const uint64_t dma_irqs = sys.kernel.irq_count(kIrqDma);
  const uint64_t xruns = xruns_seen;  // 0 when the card was not probed (no run)

  // ---- verdict ----
  if (sys.kernel.fatal()) report.fail("kernel: " + sys.kernel.fatal_message());
  if (!end_state.empty()) report.fail("DMA not quiescent at the end of the run:\n" + end_state);
  if (!setup_error.empty()) report.fail(setup_error);
  if (!ctl.app_error.empty()) report.fail(ctl.app_error);
  if (!finished && setup_error.empty() && !sys.kernel.fatal())
    report.fail_hang(strfmt("simulation hang: the control thread did not finish within %.3f s simulated", limit.to_seconds()), sys.kernel.hang_dumps());
  if (runs.size() < cycles && setup_error.empty() && !sys.kernel.fatal())
    report.fail(strfmt("only %zu of %u start/stop cycles ran", runs.size(), cycles));
  if (!data_ok) report.fail("data mismatch: " + first_mismatch);
  if (!underrun_free) report.fail(strfmt("%u underruns at the codec", port.underrun_count()));
  if (port.overflow_count()) report.fail(strfmt("%u FIFO overflows", port.overflow_count()));
  // By position: every elapsed period was seen at the callbacks; a callback
  // may stand for several periods but never for none.
  if (periods_by_position != periods_elapsed || callbacks > periods_elapsed || !first_bad_count.empty())
    report.fail(strfmt("period accounting: %llu periods by position at the callbacks, %llu elapsed at the stops, "
                       "%llu callbacks (%s)",
                       (unsigned long long)periods_by_position, (unsigned long long)periods_elapsed,
                       (unsigned long long)callbacks, first_bad_count.c_str()));
  if (ctl.xrun_at >= 0 && int(runs.size()) > ctl.xrun_at && !runs[size_t(ctl.xrun_at)].xrun)
    report.fail(strfmt("run %d: the requested application stall did not end in an xrun", ctl.xrun_at));
  unsigned xruns_expected = 0;
  for (const Run& run : runs) xruns_expected += run.xrun && (int(run.index) == ctl.xrun_at || run.ram_stall);
  if (xruns_seen > xruns_expected) report.fail(strfmt("%u unexpected xruns", xruns_seen - xruns_expected));
  if (ctl.ram_stall_at >= 0 && int(runs.size()) > ctl.ram_stall_at && !runs[size_t(ctl.ram_stall_at)].xrun)
    report.fail(strfmt("run %d: the injected memory stall did not end in an xrun", ctl.ram_stall_at));
  if (memcpy_client && (dt_ret != 0 || dt_info.total_failures || !dt_info.all_threads_finished))
    report.fail(strfmt("memcpy client (dmatest): ret %d, %u/%u failures", dt_ret, dt_info.total_failures,
                       dt_info.total_tests));
  for (const LockReport& r : reps) {
    std::string ctxs;
    for (auto& c : r.contexts) ctxs += (ctxs.empty() ? "" : " | ") + c;
    report.fail("validator " + r.rule + ": " + r.headline + (ctxs.empty() ? "" : " [" + ctxs + "]"));
  }

  // ---- outputs ----
  wav_ok = port.close_wav() && wav_ok;
  if (!wav_ok) report.io_fail("could not write " + wav);

  const double cyc_per_s = wall > 0 ? double(cycles_sim) / wall : 0;
  report.row("driver / ALSA lock model", opt.driver + " / " + pcm_lock_model_name(lock_model));
  report.row("ring", strfmt("%u periods x %u bytes (%u frames), %u periods per run", opt.periods, opt.period_bytes,
                            period_frames, run_periods));
  report.row("start/stop cycles", strfmt("%zu of %u (pauses %llu, suspends %llu, xruns %u)", runs.size(), cycles,
                                         (unsigned long long)total_pauses, (unsigned long long)total_suspends,
                                         xruns_seen));
  report.row("frames played / expected", strfmt("%llu / %llu (%s)", (unsigned long long)matched, (unsigned long long)played,
                                                 bit_exact ? "bit-exact" : "NOT bit-exact"));
  report.row("periods elapsed / by position / callbacks",
             strfmt("%llu / %llu / %llu", (unsigned long long)periods_elapsed,
                    (unsigned long long)periods_by_position, (unsigned long long)callbacks));
  report.row("DMA IRQs taken", std::to_string(dma_irqs));
  report.row("underruns", strfmt("%u (%llu injected by the memory stall)", port.underrun_count(),
                                 (unsigned long long)injected_underruns));
  if (memcpy_client)
    report.row("memcpy client (dmatest)", strfmt("%u tests, %u failures on %u channel(s)", dt_info.total_tests,
                                                 dt_info.total_failures, dt_info.channels));
  report.row("validator reports", std::to_string(reps.size()));
  for (const LockReport& r : reps) report.row("  " + r.rule, r.headline);
  report.row("PCM trigger's DMA calls", strfmt("%s%s", pcm_dma_trigger_name(dma_trigger),
                                               deferred_naive ? " (naive)" : ""));
  report.row("trigger -> first sample", trig_lat.text());
  report.row("stop -> DMA idle", stop_idle.text());
  report.row("release/resume -> sample", resume_lat.text());
  report.row("period IRQ -> callback", irq_lat.text());
  report.row("simulated time", strfmt("%.6f s", sim_s));
  report.row("wall time", strfmt("%.2f s (%.2f M simulated DMA cycles/s)", wall, cyc_per_s / 1e6));
  report.row("WAV", opt.out_dir.empty() ? "not written (no --out)" : wav_ok ? wav : "not written");
  if (!opt.out_dir.empty()) report.row("log", report.out_path("dmacosim.log"));

  report.add("alsa_lock_model", std::string(pcm_lock_model_name(lock_model)));
  report.add("period_bytes", uint64_t(opt.period_bytes));
  report.add("periods", uint64_t(opt.periods));
  report.add("periods_per_run", uint64_t(run_periods));
  report.add("start_stop_cycles", uint64_t(runs.size()));
  report.add("pauses", total_pauses);
  report.add("suspends", total_suspends);
  report.add("frames_played", uint64_t(matched));
  report.add("frames_expected", played);
  report.add("underruns", uint64_t(port.underrun_count()));
  report.add("overflows", uint64_t(port.overflow_count()));
  report.add("xruns", uint64_t(xruns));
  report.add("period_irqs", callbacks);
  report.add("period_callbacks_total", all_callbacks);
  report.add("injected_underruns", injected_underruns);
  report.add("memcpy_tests", uint64_t(dt_info.total_tests));
  report.add("memcpy_failures", uint64_t(dt_info.total_failures));
  report.add("periods_elapsed", periods_elapsed);
  report.add("periods_by_position", periods_by_position);
  report.add("dma_irqs", dma_irqs);
  report.add_raw_json("validator_reports", ScenarioReport::json_reports(reps));
  report.add_raw_json("trigger_latency_ns", trig_lat.json());
  report.add_raw_json("trigger_latency_samples_ns", trig_lat.samples_json());
  report.add_raw_json("stop_to_idle_ns", stop_idle.json());
  {
    const kernel::cpu_time_stats ct = sys.kernel.cpu_times();
    auto ns = [](const sc_core::sc_time& t) { return strfmt("%.0f", t.to_seconds() * 1e9); };
    report.add_raw_json("cpu_ns", "{\"hardirq\": " + ns(ct.hardirq) + ", \"softirq\": " + ns(ct.softirq) +
                                      ", \"softirq_in_ksoftirqd\": " + ns(ct.softirq_in_ksoftirqd) +
                                      ", \"task\": " + ns(ct.task) + ", \"idle\": " + ns(ct.idle) + "}");
    report.row("CPU time hardirq / softirq / task", strfmt("%.2f / %.2f / %.2f ms (softirq in ksoftirqd %.2f ms)",
                                                           ct.hardirq.to_seconds() * 1e3, ct.softirq.to_seconds() * 1e3,
                                                           ct.task.to_seconds() * 1e3,
                                                           ct.softirq_in_ksoftirqd.to_seconds() * 1e3));
  }
  report.add("dma_tasklet_runs", dma_tasklet_runs);
  report.add("dma_tasklet_runs_in_ksoftirqd", dma_tasklet_runs_in_ksoftirqd);
  report.row("DMA tasklet runs (in ksoftirqd)", strfmt("%llu (%llu)", (unsigned long long)dma_tasklet_runs,
                                                      (unsigned long long)dma_tasklet_runs_in_ksoftirqd));
  uint64_t quick_stops = 0;
  for (const Run& run : runs) quick_stops += run.quick && run.stopped;
  report.add("quick_stops", quick_stops);
  report.add("deferred_runs", deferred_runs);
  report.add("deferred_cancelled", deferred_cancelled);
  report.add("deferred_overwritten", deferred_overwritten);
  report.add("softirq_budget_handoffs", sys.kernel.softirq_statistics().budget_handoffs);
  {
    const net::softnet_stats& ns = net::softnet_statistics();
    report.add("netrx_packets", ns.packets_processed);
    report.add("netrx_runs_in_ksoftirqd", ns.net_rx_in_ksoftirqd);
    if (netrx.percent)
      report.row("network receive load", strfmt("%u %%: %llu packets, NET_RX %llu runs (%llu in ksoftirqd)",
                                                netrx.percent, (unsigned long long)ns.packets_processed,
                                                (unsigned long long)ns.net_rx_runs,
                                                (unsigned long long)ns.net_rx_in_ksoftirqd));
  }
  report.add_raw_json("resume_latency_ns", resume_lat.json());
  report.add_raw_json("period_irq_to_callback_ns", irq_lat.json());
  report.add_bool("bit_exact", bit_exact);
  report.add("sim_seconds", sim_s);
  report.add("cycles", cycles_sim);
  report.add("wav", wav);
  if (opt.trace) {
    report.add("fst", cfg.fst_path);
    const std::string events = System::trace_events_path(cfg.fst_path);
    report.add("trace_events", events);  // the software timeline (Perfetto)
    report.write_save_file("audio", cfg.fst_path);
    if (opt.png) {
      sys.close_trace_events();  // the PNG's overview reads hw_ptr/appl_ptr from it
      report.render_png("audio", cfg.fst_path, events);
      // The software timeline as a picture (scripts/render_timeline.py).
      const std::string png = report.out_path("audio.timeline.png");
      // Debian's interpreter first: python3-matplotlib installs for it.
      const char* python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
      const std::string title = "dmacosim run audio --driver=" + opt.driver + ": the software timeline";
      const std::string cmd = std::string(python) + " '" + DMACOSIM_SOURCE_DIR + "/scripts/render_timeline.py' '" +
                              events + "' '" + png + "' --title '" + title + "' > /dev/null";
      if (std::system(cmd.c_str()) != 0)
        report.fail("--png: rendering the timeline failed (scripts/render_timeline.py needs python3-matplotlib)");
      else report.add("timeline_png", png);
    }
  }
  return report.finish();
}

ScenarioRegistrar reg({"audio",
                       "ALSA playback over cyclic DMA: start/stop/pause/suspend triggers, bit-exact at the codec, "
                       "lock validator (--driver=legacy-bh reproduces the 2010 bug)",
                       run_audio,
                       {
                           {"alsa", "2.6.33", "ALSA stream-lock model: 2.6.33 or 6.8"},
                           {"pause", "1", "PAUSE_PUSH/PAUSE_RELEASE in every odd run (0 = never)"},
                           {"suspend", "1", "SUSPEND/RESUME in every run r % 5 == 2 (0 = never)"},
                           {"pcm-dma-trigger", "direct",
                            "where the card's trigger makes the DMA calls: direct, irq-enable, deferred-tasklet, "
                            "deferred-work"},
                           {"deferred-naive", "0", "1 = the first deferred trigger one would write"},
                           {"quick-stop", "0", "every N-th run stops right after its START (0 = none)"},
                           {"trigger-delay-us", "0", "busy time with IRQs off at the start of every trigger, us"},
                           {"netrx-load", "0", "network receive softirq load, percent of the CPU (0..100)"},
                           {"fifo-depth", "16", "audio port FIFO depth, frames"},
                           {"watermark", "fifo-depth/4", "FIFO level that raises the DMA request"},
                           {"single-requests", "0", "1 = the port raises single requests instead of bursts"},
                           {"burst", "fifo-depth/2", "DMA maxburst, frames"},
                           {"xrun-at", "-1", "the application stalls in run R: an xrun (-1 = never)"},
                           {"ram-stall-at", "1 with legacy-bh, else -1",
                            "every RAM access of run R takes 2 ms: underrun, the I2S IRQ stops the stream (-1 = off)"},
                           {"memcpy-client", "1", "a dmatest memcpy client on another channel (0 = off)"},
                           {"memcpy-iterations", "50", "its iterations", "iterations"},
                       }});

}  // namespace
}  // namespace dmacosim
