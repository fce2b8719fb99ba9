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
//
// The file reads in the toolkit's phases (tb/scenario_kit.h): read_settings()
// -> Audio::set_up() (platform, probes, hooks, threads) -> Audio::run() (the
// threads above to a time limit) -> Audio::check() (bit-exactness, period
// accounting) -> Audio::report() (verdict, table, summary.json, trace).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <vector>

#include <unistd.h>

#include "driver/dmaengine/dmacosim-dmac.h"
#include "driver/dmaengine/dmaengine.h"
#include "driver/dmaengine/dmatest.h"
#include "driver/kernel/sched.h"
#include "driver/net/softnet_load.h"
#include "driver/sound/dmacosim_i2s.h"
#include "driver/sound/pcm.h"
#include "models/log.h"
#include "tb/board_linux.h"
#include "tb/scenario_kit.h"

namespace dmacosim {
namespace {

using namespace kernel;
using namespace board;
using namespace sound;
namespace de = dmaengine;
using kit::wait_until;

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

// ---- settings ----

struct Settings {
  PcmLockModel lock_model = PcmLockModel::Linux2_6_33;
  unsigned period_frames = 0, cycles = 0, run_periods = 0;  // frames per period, start/stop cycles, periods per run
  sc_core::sc_time period_time, sample_period;
  bool pause = true, suspend = true;
  PcmDmaTrigger dma_trigger = PcmDmaTrigger::Direct;
  bool deferred_naive = false;
  unsigned quick_stop = 0, trigger_delay_us = 0;
  net::softnet_load_params netrx;
  unsigned fifo_depth = 16, maxburst = 8;
  int watermark = 4;
  bool single_requests = false;
  int xrun_at = -1, ram_stall_at = -1;
  bool memcpy_client = true;
  unsigned memcpy_iterations = 50;
};

// The settings (in the order summary.json's "settings" lists them); false
// after a usage error was printed.
bool read_settings(const ScenarioOptions& opt, Settings* s) {
  if (!kit::driver_known(opt)) return false;
  const std::string alsa = kit::scenario_choice(opt, "alsa");
  if (alsa.empty()) return false;
  s->lock_model = alsa == "6.8" ? PcmLockModel::Linux6_8 : PcmLockModel::Linux2_6_33;
  const unsigned frame_bytes = 4;
  if (opt.period_bytes < 64 || opt.period_bytes % 32 || opt.periods < 2 || opt.periods > 64 ||
      opt.period_bytes * opt.periods > (512u << 10)) {
    kit::usage_error(opt, "--period-bytes must be a multiple of 32 (>= 64), --periods 2..64, buffer <= 512 KiB");
    return false;
  }
  s->period_frames = opt.period_bytes / frame_bytes;
  s->cycles = std::max(1u, opt.start_stop);
  s->run_periods = std::max(2u, unsigned(std::lround(opt.seconds * kRate / s->period_frames / s->cycles)));
  s->period_time = sc_core::sc_time(double(s->period_frames) / kRate, sc_core::SC_SEC);
  s->sample_period = sc_core::sc_time(1.0 / kRate, sc_core::SC_SEC);
  s->pause = scenario_uint(opt, "pause", 1) != 0;
  s->suspend = scenario_uint(opt, "suspend", 1) != 0;
  const std::string trigger = kit::scenario_choice(opt, "pcm-dma-trigger");
  if (trigger.empty()) return false;
  if (!pcm_dma_trigger_from_string(trigger, &s->dma_trigger))
    throw std::logic_error("--pcm-dma-trigger=" + trigger + ": a choice the sound driver does not know");
  s->deferred_naive = scenario_uint(opt, "deferred-naive", 0) != 0;
  s->quick_stop = scenario_uint(opt, "quick-stop", 0);
  s->trigger_delay_us = scenario_uint(opt, "trigger-delay-us", 0);
  s->netrx.percent = scenario_uint(opt, "netrx-load", 0);
  if (s->netrx.percent > 100) {
    kit::usage_error(opt, "--netrx-load is a CPU share in percent (0..100)");
    return false;
  }
  s->netrx.interval = sc_core::sc_time(10, sc_core::SC_MS);
  s->fifo_depth = scenario_uint(opt, "fifo-depth", 16);
  // Default watermark depth/4 (4 of 16) with 8-frame bursts; depth/2 plays as
  // cleanly (ctest dmacosim.soak_audio_10k_watermark_8: 10^4 cycles, bit-exact).
  s->watermark = int(scenario_uint(opt, "watermark", s->fifo_depth / 4));
  s->single_requests = scenario_uint(opt, "single-requests", 0) != 0;
  s->maxburst = scenario_uint(opt, "burst", s->fifo_depth / 2);
  s->xrun_at = scenario_int(opt, "xrun-at", -1);
  // The 2010 reproduction needs the stream lock to be HARDIRQ-safe, as it is on
  // a real system as soon as the I2S error interrupt stops a stream: so the
  // legacy-bh run injects one bus stall in run 1 by default (underrun -> I2S IRQ
  // -> snd_pcm_stop in hardirq). The fixed driver under the very same stall is
  // clean (ctest dmacosim.audio_virt_dma_same_stress_clean). --ram-stall-at=-1
  // turns it off (then only V-BH-1 fires).
  s->ram_stall_at = scenario_int(opt, "ram-stall-at", linux_c::dmac_driver_is_legacy(opt.driver) ? 1 : -1);
  s->memcpy_client = scenario_uint(opt, "memcpy-client", 1) != 0;
  s->memcpy_iterations = scenario_uint(opt, "memcpy-iterations", 50);
  return true;
}

// ---- one start/stop cycle ----

struct Run {
  unsigned index = 0;
  uint64_t codec_start = 0, codec_end = 0;  // codec frame counts (AudioPort::frames_out()) at the DAI's START, STOP
  bool started = false, stopped = false, xrun = false;
  sc_core::sc_time t_trigger, t_enable, t_stop;
  snd_pcm_uframes_t hw_ptr_at_stop = 0;
  // Period callbacks (snd_pcm_period_elapsed() calls) from this run's creation
  // to the next one's or the end: the PCM's count, runtime->period_elapsed_calls.
  uint64_t callbacks = 0, calls_before = 0;
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

// The control thread and the application: who waits for whom.
struct Ctl {
  wait_queue_head_t ctl_wq, app_wq;
  bool quit = false;
  unsigned gen = 0;  // bumped at each prepare: the app starts a new run
  unsigned run = 0;
  unsigned app_ended = 0;  // last gen whose writes the application finished
  std::string app_error;
};

// What the check phase finds over all runs.
struct Totals {
  uint64_t played = 0, matched = 0;  // codec frames: all, the expected ones
  kit::FirstMismatch mismatch;       // the codec output against the runs' signals
  uint64_t periods_elapsed = 0, callbacks = 0, periods_by_position = 0, all_callbacks = 0;
  std::string first_bad_count;
  unsigned xruns_seen = 0;
  uint64_t injected_underruns = 0;
  bool underrun_free = false, bit_exact = false;
};

class Audio {
public:
  Audio(const ScenarioOptions& opt, const Settings& s, ScenarioReport& report);
  void set_up();
  void run();
  void check();
  int report();

private:
  // set up
  static PlatformConfig platform(const ScenarioOptions& opt, const Settings& s, const ScenarioReport& report);
  void instrument();
  void open_codec();
  int init();
  bool probe_card();
  void hook_pcm();
  void period_elapsed(snd_pcm_substream* s);
  uint64_t period_elapsed_calls() const { return ss_ && ss_->runtime ? ss_->runtime->period_elapsed_calls : 0; }
  void count_callbacks();
  void start_threads();
  // workload
  int app();
  void app_write_run(unsigned run, unsigned gen);
  int control();
  void play_run(unsigned r);
  bool prepare(Run& run);
  bool start(Run& run);
  void play_periods(Run& run, kit::ExpectedLogs& injected);
  void ram_stall(Run& run, kit::ExpectedLogs& injected);
  bool pause_or_suspend(Run& run, bool suspend);
  void stop(Run& run);
  void close();
  void account_stop_idle(const Run& run);
  sc_core::sc_time rand_time(const sc_core::sc_time& lo, const sc_core::sc_time& hi);
  // check
  void check_run(Run& run, uint64_t* cursor);
  // report
  void verdict();
  void rows();
  void fields();
  void trace_outputs();

  const ScenarioOptions& opt_;
  const Settings s_;
  ScenarioReport& report_;
  PlatformConfig cfg_;
  System sys_;
  AudioPort& port_;
  kit::Workload work_;
  Ctl ctl_;
  kit::KThread app_, dmatest_;
  de::dmatest_info dt_info_;
  std::vector<Run> runs_;
  kit::Samples trig_lat_, resume_lat_, irq_lat_, stop_idle_;
  de::dmac_chan* audio_chan_ = nullptr;  // the C++ provider's channel (the C one keeps it private)
  sc_core::sc_time last_irq_rise_;
  bool irq_rise_unused_ = false;
  std::mt19937 rng_;
  uint64_t dma_tasklet_runs_ = 0, dma_tasklet_runs_in_ksoftirqd_ = 0;
  uint64_t deferred_runs_ = 0, deferred_cancelled_ = 0, deferred_overwritten_ = 0;
  dmacosim_i2s* i2s_ = nullptr;
  snd_pcm_substream* ss_ = nullptr;
  uint64_t total_pauses_ = 0, total_suspends_ = 0;
  sc_core::sc_time t_resume_trigger_;
  bool resume_pending_ = false;
  sc_core::sc_time guard_;  // the control thread's bound on any one wait
  sc_core::sc_time limit_;  // the run's bound in simulated time
  std::string wav_;
  bool wav_ok_ = true;
  kit::RunTimes times_;
  Totals tot_;
};

Audio::Audio(const ScenarioOptions& opt, const Settings& s, ScenarioReport& report)
    : opt_(opt), s_(s), report_(report), cfg_(platform(opt, s, report)), sys_("sys", cfg_), port_(sys_.hw.audio),
      work_(sys_), rng_(opt.seed) {
  runs_.reserve(s_.cycles);
  guard_ = s_.period_time * double(opt_.periods + 4) + sc_core::sc_time(50, sc_core::SC_MS);
  // Upper bound of the simulated time: every run plus pauses, with margin.
  limit_ = (s_.period_time * double(s_.run_periods + opt_.periods + 2) + sc_core::sc_time(5, sc_core::SC_MS)) *
               double(s_.cycles) + sc_core::sc_time(1, sc_core::SC_SEC);
}

PlatformConfig Audio::platform(const ScenarioOptions& opt, const Settings& s, const ScenarioReport& report) {
  PlatformConfig cfg = kit::platform_config(opt, report, "audio");
  cfg.audio.fifo_depth = s.fifo_depth;
  cfg.audio.watermark = s.watermark;
  cfg.audio.single_requests = s.single_requests;
  return cfg;
}

// ---- set up ----

void Audio::set_up() {
  instrument();
  work_.start([this] { return init(); });
  open_codec();
}

// GTKWave named markers for the interrupt lines; a DMA IRQ's rise starts the
// "period IRQ -> callback" latency.
void Audio::instrument() {
  sys_.hw.dmac.irq.on_change([this](bool level) {
    if (level) {
      last_irq_rise_ = sc_core::sc_time_stamp();
      irq_rise_unused_ = true;
      sys_.hw.mark_first("DMA IRQ");
    }
  });
  port_.irq_out().on_change([this](bool level) {
    if (level) sys_.hw.mark_first("I2S underrun IRQ");
  });
}

// The codec's frames: checked and written as they play, not kept. The WAV
// goes into --out (nothing is written without it).
void Audio::open_codec() {
  port_.set_capture(false);
  port_.add_frame_sink([this](uint64_t, uint32_t frame, bool underrun) {
    if (runs_.empty() || !runs_.back().playing) return;  // outside any run: the window check finds it
    Run& run = runs_.back();
    if (underrun) {
      ++run.silent_tail;
      ++run.frames;
      return;
    }
    run.judge_silence();
    run.check(frame);
  });
  wav_ = report_.out_path("audio.wav");
  wav_ok_ = opt_.out_dir.empty() || port_.open_wav(wav_);
}

int Audio::init() {
  KFUNC("audio_init");
  if (!work_.probe(opt_, board::dmac_pdata(board::dmac_pool(2u << 20)))) return 1;
  board::add_dma_slave_map();
  if (!probe_card()) return 1;
  hook_pcm();
  init_waitqueue_head(&ctl_.ctl_wq);
  init_waitqueue_head(&ctl_.app_wq);
  if (!net::softnet_load_start(s_.netrx)) return work_.setup_failed("softnet_load_start failed");
  start_threads();
  return 0;
}

// The I2S card on the board's i2s node, its PCM opened and configured.
bool Audio::probe_card() {
  dmacosim_i2s_platform_data ip = board::i2s_pdata();
  ip.fifo_depth = port_.config().fifo_depth;
  ip.watermark = unsigned(cfg_.audio.watermark);
  ip.maxburst = s_.maxburst;
  ip.lock_model = s_.lock_model;
  ip.dma_trigger = s_.dma_trigger;
  ip.deferred_naive = s_.deferred_naive;
  ip.trigger_delay_us = s_.trigger_delay_us;
  i2s_ = dmacosim_i2s_probe(ip);
  if (!i2s_) {
    work_.setup_failed("dmacosim_i2s_probe failed");
    return false;
  }
  int err = snd_pcm_open_substream(i2s_->pcm, SNDRV_PCM_STREAM_PLAYBACK, &ss_);
  struct snd_pcm_hw_params hp;
  hp.period_bytes = opt_.period_bytes;
  hp.periods = opt_.periods;
  if (!err) err = snd_pcm_hw_params(ss_, &hp);
  if (err) {
    work_.setup_failed(strfmt("PCM open/hw_params failed (%d)", err));
    return false;
  }
  return true;
}

// Instrumentation: trigger markers, codec indices, latencies. GTKWave named
// markers: the first trigger of each kind, the first sample at the codec, the
// first period interrupt and callback, the first underrun.
void Audio::hook_pcm() {
  if (work_.dmac().cxx()) audio_chan_ = de::to_dmac_chan(snd_dmaengine_pcm_get_chan(ss_));
  ss_->on_trigger_begin = [this](snd_pcm_substream*, int cmd) {
    if (cmd == SNDRV_PCM_TRIGGER_STOP && !runs_.empty()) runs_.back().t_stop = sc_core::sc_time_stamp();
    sys_.hw.mark_first(std::string("trigger ") + snd_pcm_trigger_name(cmd));
  };
  ss_->on_trigger = [this](snd_pcm_substream*, int cmd, int) { sys_.hw.set_marker(uint8_t(0x10 | cmd)); };
  i2s_->on_dai_trigger = [this](int cmd) {
    if (runs_.empty()) return;
    Run& run = runs_.back();
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (cmd == SNDRV_PCM_TRIGGER_START) {
      run.codec_start = port_.frames_out();
      run.playing = true;
      run.t_enable = now;
      sys_.hw.mark_first("first sample", uint64_t((now + s_.sample_period).value()));
      trig_lat_.add((now + s_.sample_period - run.t_trigger).to_seconds() * 1e9);
    } else if (cmd == SNDRV_PCM_TRIGGER_STOP) {
      run.codec_end = port_.frames_out();
      run.playing = false;
    } else if ((cmd == SNDRV_PCM_TRIGGER_PAUSE_RELEASE || cmd == SNDRV_PCM_TRIGGER_RESUME) && resume_pending_) {
      resume_lat_.add((now + s_.sample_period - t_resume_trigger_).to_seconds() * 1e9);
      resume_pending_ = false;
    }
  };
  ss_->on_period_elapsed = [this](snd_pcm_substream* s) { period_elapsed(s); };
}

// The period callback: the IRQ latency, and the periods crossed by position.
void Audio::period_elapsed(snd_pcm_substream* s) {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  if (irq_rise_unused_) {  // merged periods (no new interrupt) are not sampled
    irq_lat_.add((now - last_irq_rise_).to_seconds() * 1e9);
    irq_rise_unused_ = false;
  }
  if (!runs_.empty()) {
    // Position as ALSA's update in snd_pcm_period_elapsed() reads it.
    Run& run = runs_.back();
    unsigned long flags;
    snd_pcm_stream_lock_irqsave(s, flags);
    const snd_pcm_uframes_t index = snd_dmaengine_pcm_pointer(s) / s_.period_frames;
    snd_pcm_stream_unlock_irqrestore(s, flags);
    run.periods_by_position += (index + opt_.periods - run.last_period_index) % opt_.periods;
    run.last_period_index = index;
  }
  sys_.hw.mark_first("period_elapsed");
  wake_up(&ctl_.ctl_wq);
}

// The last run's callbacks so far (the PCM counts them); while the stream is
// open: at the next run's creation, at the close, at the check when the run
// was cut short.
void Audio::count_callbacks() {
  if (ss_ && !runs_.empty()) runs_.back().callbacks = period_elapsed_calls() - runs_.back().calls_before;
}

void Audio::start_threads() {
  if (s_.memcpy_client) {
    // A second client of the same DMA controller in process context (IRQs
    // on): dmatest memcpy on another channel, concurrent with the audio.
    dmatest_.run("dmatest", [this] {
      de::dmatest_params p;
      p.test_buf_size = 4096;
      p.iterations = s_.memcpy_iterations;
      p.max_channels = 1;
      p.timeout = 100;
      p.seed = opt_.seed;
      return de::dmatest_run(p, &dt_info_);
    }, &ctl_.ctl_wq);
  }
  app_.run("aplay", [this] { return app(); }, &ctl_.ctl_wq);
  kthread_run(std::function<int()>([this] { return control(); }), "alsa-ctl");
}

// ---- the application (aplay) ----

int Audio::app() {
  unsigned gen_done = 0;
  for (;;) {
    wait_event(ctl_.app_wq, ctl_.quit || ctl_.gen != gen_done);
    if (ctl_.quit) break;
    gen_done = ctl_.gen;
    app_write_run(ctl_.run, gen_done);
    ctl_.app_ended = gen_done;
    wake_up(&ctl_.ctl_wq);
  }
  return 0;
}

// Fills the ring ahead of the hardware pointer until the run is over.
void Audio::app_write_run(unsigned run, unsigned gen) {
  std::vector<uint32_t> buf;
  uint64_t written = 0;
  snd_pcm_runtime* rt = ss_->runtime;
  for (;;) {
    if (int(run) == s_.xrun_at && written >= rt->buffer_size) {
      // The application stalls: wait until the stream is no longer running.
      wait_event(ctl_.app_wq, ctl_.quit || ctl_.gen != gen ||
                                  (rt->state != SNDRV_PCM_STATE_RUNNING && rt->state != SNDRV_PCM_STATE_PREPARED &&
                                   rt->state != SNDRV_PCM_STATE_PAUSED));
      return;
    }
    const snd_pcm_uframes_t n = s_.period_frames;
    buf.resize(n);
    for (snd_pcm_uframes_t i = 0; i < n; ++i) buf[i] = audio_frame(run, written + i);
    snd_pcm_sframes_t ret = snd_pcm_lib_write(ss_, buf.data(), n);
    if (ret > 0) {
      written += uint64_t(ret);
      wake_up(&ctl_.ctl_wq);
      continue;
    }
    if (ret == -PCM_ESTRPIPE) {  // suspended: wait for the resume (the control thread does it)
      wait_event(ctl_.app_wq, ctl_.quit || rt->state != SNDRV_PCM_STATE_SUSPENDED);
      if (ctl_.quit) return;
      continue;
    }
    if (ret == -PCM_EIO) ctl_.app_error = "snd_pcm_lib_write timed out: playback write error (DMA or IRQ trouble?)";
    return;  // -EBADFD (stopped), -EPIPE (xrun): this run is over
  }
}

// ---- the control thread (alsa-ctl) ----

int Audio::control() {
  for (unsigned r = 0; r < s_.cycles && work_.ok(); ++r) play_run(r);
  close();
  return 0;
}

void Audio::play_run(unsigned r) {
  count_callbacks();
  runs_.push_back(Run{});
  Run& run = runs_.back();
  run.index = r;
  run.calls_before = period_elapsed_calls();
  // Faults this run injects on purpose: their log lines are labelled
  // expected (the strict oracle fails the run on any other).
  kit::ExpectedLogs injected;
  if (int(r) == s_.xrun_at) {
    const std::string why = strfmt("injected: the application stalls in run %u (--xrun-at)", r);
    injected.add(LogLevel::Warn, "XRUN", why);
    injected.add(LogLevel::Warn, "transmit FIFO underrun", why);
  }
  if (!prepare(run) || !start(run)) return;
  play_periods(run, injected);
  if (work_.ok()) stop(run);
}

// prepare (sync_stop -> dmaengine_synchronize), then the application's prefill.
bool Audio::prepare(Run& run) {
  const unsigned r = run.index;
  snd_pcm_runtime* rt = ss_->runtime;
  int err = snd_pcm_prepare(ss_);
  if (err < 0) {
    work_.fail(strfmt("snd_pcm_prepare failed (%d) in run %u", err, r));
    return false;
  }
  if (r > 0) account_stop_idle(runs_[r - 1]);
  ctl_.run = r;
  ctl_.gen++;
  wake_up(&ctl_.app_wq);
  if (!wait_until(ctl_.ctl_wq, [&] { return rt->appl_ptr >= rt->buffer_size || !ctl_.app_error.empty(); }, guard_)) {
    work_.fail(strfmt("run %u: the application did not prefill the buffer", r));
    return false;
  }
  return true;
}

bool Audio::start(Run& run) {
  run.t_trigger = sc_core::sc_time_stamp();
  run.codec_start = port_.frames_out();  // the DAI's START moves it (not when cancelled)
  run.quick = s_.quick_stop && run.index % s_.quick_stop == s_.quick_stop - 1;
  const int err = snd_pcm_start(ss_);
  if (err < 0) {
    run.start_err = err;
    work_.fail(strfmt("run %u: snd_pcm_start failed (%d)", run.index, err));
    return false;
  }
  run.started = true;
  return true;
}

// The run's periods, waited for by position (hw_ptr, from the residue), not
// by callbacks; with the run's planned pause or suspend, or memory stall.
void Audio::play_periods(Run& run, kit::ExpectedLogs& injected) {
  const unsigned r = run.index;
  snd_pcm_runtime* rt = ss_->runtime;
  // Pause and suspend plans (period index after which they happen).
  std::uniform_int_distribution<unsigned> pick(1, s_.run_periods - 1);
  const unsigned pause_after = s_.pause && r % 2 == 1 ? pick(rng_) : ~0u;
  const unsigned suspend_after = s_.suspend && r % 5 == 2 ? pick(rng_) : ~0u;
  // A quick run stops right after its START, before anything sleeps (a
  // deferred START is still queued then: the STOP must cancel it).
  for (unsigned p = 1; p <= (run.quick ? 0 : s_.run_periods); ++p) {
    const bool ok = wait_until(ctl_.ctl_wq,
                               [&] {
                                 return rt->hw_ptr >= snd_pcm_uframes_t(p) * s_.period_frames ||
                                        rt->state == SNDRV_PCM_STATE_XRUN || !ctl_.app_error.empty();
                               },
                               guard_);
    if (!ok) {
      work_.fail(strfmt("run %u: period %u not reached within %.1f ms (hang)", r, p, guard_.to_seconds() * 1e3));
      return;
    }
    if (rt->state == SNDRV_PCM_STATE_XRUN || !ctl_.app_error.empty()) return;
    if (int(r) == s_.ram_stall_at && p == 1) {
      ram_stall(run, injected);
      return;
    }
    if ((p == pause_after || p == suspend_after) && !pause_or_suspend(run, p == suspend_after)) return;
  }
}

// Memory stall: every RAM access takes 2 ms. The DMA cannot refill the
// 16-frame FIFO (333 us), the port underruns, its IRQ handler stops the stream
// with XRUN (hardirq). Then the memory recovers.
void Audio::ram_stall(Run& run, kit::ExpectedLogs& injected) {
  run.ram_stall = true;
  const std::string why = strfmt("injected: every RAM access takes 2 ms in run %u (--ram-stall-at)", run.index);
  injected.add(LogLevel::Warn, "XRUN", why);
  injected.add(LogLevel::Warn, "transmit FIFO underrun", why);
  injected.add(LogLevel::Error, "[hang.read]", why);
  const RamTiming normal = cfg_.ram_timing;
  RamTiming slow = normal;
  slow.first_beat = sc_core::sc_time(2, sc_core::SC_MS);
  sys_.hw.ram.set_timing(slow);
  snd_pcm_runtime* rt = ss_->runtime;
  wait_until(ctl_.ctl_wq, [&] { return rt->state == SNDRV_PCM_STATE_XRUN; }, sc_core::sc_time(20, sc_core::SC_MS));
  sys_.hw.ram.set_timing(normal);
}

// PAUSE_PUSH/RELEASE or SUSPEND/RESUME, at random times within the period.
bool Audio::pause_or_suspend(Run& run, bool susp) {
  sleep_for(rand_time(sc_core::SC_ZERO_TIME, s_.period_time / 3));
  int err = susp ? snd_pcm_suspend(ss_) : snd_pcm_pause(ss_, true);
  if (err < 0) {
    work_.fail(strfmt("run %u: %s failed (%d)", run.index, susp ? "suspend" : "pause push", err));
    return false;
  }
  sleep_for(rand_time(sc_core::sc_time(100, sc_core::SC_US), sc_core::sc_time(2, sc_core::SC_MS)));
  t_resume_trigger_ = sc_core::sc_time_stamp();
  resume_pending_ = true;
  err = susp ? snd_pcm_resume(ss_) : snd_pcm_pause(ss_, false);
  if (err < 0) {
    work_.fail(strfmt("run %u: %s failed (%d)", run.index, susp ? "resume" : "pause release", err));
    return false;
  }
  wake_up(&ctl_.app_wq);  // an application waiting out a suspend retries now
  (susp ? run.suspends : run.pauses)++;
  (susp ? total_suspends_ : total_pauses_)++;
  return true;
}

// STOP (snd_pcm_drop) a random time (< 1/3 period) after the last period, so
// the position at the stop says how many periods elapsed.
void Audio::stop(Run& run) {
  snd_pcm_runtime* rt = ss_->runtime;
  if (rt->state == SNDRV_PCM_STATE_RUNNING) {
    if (!run.quick) sleep_for(rand_time(sc_core::SC_ZERO_TIME, s_.period_time / 3));
    (void)snd_pcm_avail(ss_);  // updates hw_ptr from the residue
  } else {
    run.xrun = rt->state == SNDRV_PCM_STATE_XRUN;
  }
  run.hw_ptr_at_stop = rt->hw_ptr;
  snd_pcm_drop(ss_);
  run.stopped = true;
  wake_up(&ctl_.app_wq);
  // The application must have left its write of this run before the next
  // prepare (one writer, two threads: the app's own synchronisation).
  if (!wait_until(ctl_.ctl_wq, [&] { return ctl_.app_ended == ctl_.gen || !ctl_.app_error.empty(); }, guard_))
    work_.fail(strfmt("run %u: the application did not return from its write after the stop", run.index));
}

// Close: drop (nothing running), sync_stop, free the buffer, release the
// channel; the other threads end; the drivers' .remove.
void Audio::close() {
  if (audio_chan_) {
    dma_tasklet_runs_ = audio_chan_->vc.task.runs;
    dma_tasklet_runs_in_ksoftirqd_ = audio_chan_->vc.task.runs_in_ksoftirqd;
  } else {  // C provider: its channels' tasklets together
    dma_tasklet_runs_ = work_.dmac().tasklet_runs();
    dma_tasklet_runs_in_ksoftirqd_ = work_.dmac().tasklet_runs_in_ksoftirqd();
  }
  if (i2s_) {
    deferred_runs_ = i2s_->deferred_runs;
    deferred_cancelled_ = i2s_->deferred_cancelled;
    deferred_overwritten_ = i2s_->deferred_overwritten;
  }
  count_callbacks();
  snd_pcm_release(ss_);
  if (!runs_.empty()) account_stop_idle(runs_.back());
  audio_chan_ = nullptr;
  net::softnet_load_stop();
  ss_ = nullptr;
  ctl_.quit = true;
  wake_up(&ctl_.app_wq);
  app_.join(sc_core::sc_time(1, sc_core::SC_SEC));
  dmatest_.join(sc_core::sc_time(1, sc_core::SC_SEC));
  // The drivers' .remove, the card first: they free what probe allocated (LeakSanitizer).
  dmacosim_i2s_remove(i2s_);
  i2s_ = nullptr;
  work_.finish();
}

// stop -> DMA idle of a run: the channel's abort seen finished after its STOP
// trigger (read once the next prepare has synchronized).
void Audio::account_stop_idle(const Run& run) {
  if (!audio_chan_ || !run.stopped || run.xrun || run.t_stop == sc_core::SC_ZERO_TIME) return;
  if (audio_chan_->abort_done_at >= run.t_stop)
    stop_idle_.add((audio_chan_->abort_done_at - run.t_stop).to_seconds() * 1e9);
}

sc_core::sc_time Audio::rand_time(const sc_core::sc_time& lo, const sc_core::sc_time& hi) {
  std::uniform_real_distribution<double> d(0.0, 1.0);
  return lo + (hi - lo) * d(rng_);
}

void Audio::run() {
  simulate(opt_, limit_, [this] {
    return strfmt("cycle %zu/%u, codec frames %llu", runs_.size(), s_.cycles, (unsigned long long)port_.frames_out());
  });
  times_ = kit::run_times(report_, sys_);
}

// ---- check ----

void Audio::check() {
  count_callbacks();  // a run cut short by the time limit: the stream is still open
  tot_.played = port_.frames_out();
  uint64_t cursor = 0;
  for (Run& run : runs_) check_run(run, &cursor);
  if (cursor != tot_.played)
    tot_.mismatch(strfmt("the codec played %llu frames after the last stop", (unsigned long long)(tot_.played - cursor)));
  tot_.underrun_free = port_.underrun_count() == tot_.injected_underruns;
  tot_.bit_exact = tot_.mismatch.ok() && tot_.underrun_free && !runs_.empty();
}

// One run: its frames (the prefix of its signal, contiguous with the runs
// before it) and its periods (by position at the callbacks = at the stop).
void Audio::check_run(Run& run, uint64_t* cursor) {
  tot_.all_callbacks += run.callbacks;
  if (!run.started) return;
  if (!run.xrun) {
    tot_.callbacks += run.callbacks;
    tot_.periods_by_position += run.periods_by_position;
  }
  const uint64_t end = run.stopped ? run.codec_end : tot_.played;
  if (run.xrun) ++tot_.xruns_seen;
  if (run.codec_start != *cursor)
    tot_.mismatch(strfmt("run %u: the codec played %llu frames outside any run before it", run.index,
                         (unsigned long long)(run.codec_start - *cursor)));
  const uint64_t window = run.frames;  // played while its transmitter was on
  if (run.ram_stall) {  // trailing underrun silence of the injected stall is expected
    tot_.injected_underruns += run.silent_tail;
    run.frames -= run.silent_tail;
    run.silent_tail = 0;
  }
  run.judge_silence();
  const uint64_t len = run.frames;
  tot_.matched += run.matched;
  if (!run.mismatch.empty()) tot_.mismatch(run.mismatch);
  if (end - run.codec_start != window)
    tot_.mismatch(strfmt("run %u: %llu codec frames between its START and STOP, %llu checked", run.index,
                         (unsigned long long)(end - run.codec_start), (unsigned long long)window));
  if (len == 0 && !run.quick) tot_.mismatch(strfmt("run %u: the codec played nothing", run.index));
  const snd_pcm_uframes_t hw = run.hw_ptr_at_stop;
  const unsigned fifo_depth = port_.config().fifo_depth;
  if (run.stopped && !run.xrun && (len > hw + 2 || hw > len + fifo_depth + fifo_depth / 2))
    tot_.mismatch(strfmt("run %u: codec played %llu frames but the DMA pointer says %lu", run.index,
                         (unsigned long long)len, hw));
  if (run.xrun) {
    *cursor = end;
    return;
  }
  const uint64_t periods = hw / s_.period_frames;
  tot_.periods_elapsed += periods;
  if (run.stopped && tot_.first_bad_count.empty() &&
      ((run.callbacks == 0 && !run.quick) || run.callbacks > periods || run.periods_by_position != periods))
    tot_.first_bad_count = strfmt("run %u: %llu callbacks, %llu periods by position at the callbacks, %lu at the stop",
                                  run.index, (unsigned long long)run.callbacks,
                                  (unsigned long long)run.periods_by_position, hw / s_.period_frames);
  *cursor = end;
}

// ---- report ----

int Audio::report() {
  verdict();
  wav_ok_ = port_.close_wav() && wav_ok_;
  if (!wav_ok_) report_.io_fail("could not write " + wav_);
  rows();
  fields();
  if (opt_.trace) trace_outputs();
  return report_.finish();
}

void Audio::verdict() {
  work_.report_outcome(report_, strfmt("simulation hang: the control thread did not finish within %.3f s simulated",
                                       limit_.to_seconds()),
                       ctl_.app_error);
  if (runs_.size() < s_.cycles && work_.ran())
    report_.fail(strfmt("only %zu of %u start/stop cycles ran", runs_.size(), s_.cycles));
  if (!tot_.mismatch.ok()) report_.fail("data mismatch: " + tot_.mismatch.first());
  if (!tot_.underrun_free) report_.fail(strfmt("%u underruns at the codec", port_.underrun_count()));
  if (port_.overflow_count()) report_.fail(strfmt("%u FIFO overflows", port_.overflow_count()));
  // By position: every elapsed period was seen at the callbacks; a callback
  // may stand for several periods but never for none.
  if (tot_.periods_by_position != tot_.periods_elapsed || tot_.callbacks > tot_.periods_elapsed ||
      !tot_.first_bad_count.empty())
    report_.fail(strfmt("period accounting: %llu periods by position at the callbacks, %llu elapsed at the stops, "
                        "%llu callbacks (%s)",
                        (unsigned long long)tot_.periods_by_position, (unsigned long long)tot_.periods_elapsed,
                        (unsigned long long)tot_.callbacks, tot_.first_bad_count.c_str()));
  if (s_.xrun_at >= 0 && int(runs_.size()) > s_.xrun_at && !runs_[size_t(s_.xrun_at)].xrun)
    report_.fail(strfmt("run %d: the requested application stall did not end in an xrun", s_.xrun_at));
  unsigned xruns_expected = 0;
  for (const Run& run : runs_) xruns_expected += run.xrun && (int(run.index) == s_.xrun_at || run.ram_stall);
  if (tot_.xruns_seen > xruns_expected) report_.fail(strfmt("%u unexpected xruns", tot_.xruns_seen - xruns_expected));
  if (s_.ram_stall_at >= 0 && int(runs_.size()) > s_.ram_stall_at && !runs_[size_t(s_.ram_stall_at)].xrun)
    report_.fail(strfmt("run %d: the injected memory stall did not end in an xrun", s_.ram_stall_at));
  if (s_.memcpy_client && (dmatest_.ret() != 0 || dt_info_.total_failures || !dt_info_.all_threads_finished))
    report_.fail(strfmt("memcpy client (dmatest): ret %d, %u/%u failures", dmatest_.ret(), dt_info_.total_failures,
                        dt_info_.total_tests));
  kit::fail_validator(report_, sys_.kernel.lockdep().reports());
}

void Audio::rows() {
  report_.row("driver / ALSA lock model", opt_.driver + " / " + pcm_lock_model_name(s_.lock_model));
  report_.row("ring", strfmt("%u periods x %u bytes (%u frames), %u periods per run", opt_.periods, opt_.period_bytes,
                             s_.period_frames, s_.run_periods));
  report_.row("start/stop cycles", strfmt("%zu of %u (pauses %llu, suspends %llu, xruns %u)", runs_.size(), s_.cycles,
                                          (unsigned long long)total_pauses_, (unsigned long long)total_suspends_,
                                          tot_.xruns_seen));
  report_.row("frames played / expected", strfmt("%llu / %llu (%s)", (unsigned long long)tot_.matched,
                                                 (unsigned long long)tot_.played,
                                                 tot_.bit_exact ? "bit-exact" : "NOT bit-exact"));
  report_.row("periods elapsed / by position / callbacks",
              strfmt("%llu / %llu / %llu", (unsigned long long)tot_.periods_elapsed,
                     (unsigned long long)tot_.periods_by_position, (unsigned long long)tot_.callbacks));
  report_.row("DMA IRQs taken", std::to_string(sys_.kernel.irq_count(kIrqDma)));
  report_.row("underruns", strfmt("%u (%llu injected by the memory stall)", port_.underrun_count(),
                                  (unsigned long long)tot_.injected_underruns));
  if (s_.memcpy_client)
    report_.row("memcpy client (dmatest)", strfmt("%u tests, %u failures on %u channel(s)", dt_info_.total_tests,
                                                  dt_info_.total_failures, dt_info_.channels));
  kit::row_validator(report_, sys_.kernel.lockdep().reports());
  report_.row("PCM trigger's DMA calls",
              strfmt("%s%s", pcm_dma_trigger_name(s_.dma_trigger), s_.deferred_naive ? " (naive)" : ""));
  report_.row("trigger -> first sample", trig_lat_.text());
  report_.row("stop -> DMA idle", stop_idle_.text());
  report_.row("release/resume -> sample", resume_lat_.text());
  report_.row("period IRQ -> callback", irq_lat_.text());
  kit::row_times(report_, times_);
  report_.row("WAV", opt_.out_dir.empty() ? "not written (no --out)" : wav_ok_ ? wav_ : "not written");
  if (!opt_.out_dir.empty()) report_.row("log", report_.out_path("dmacosim.log"));
  const kernel::cpu_time_stats ct = sys_.kernel.cpu_times();
  report_.row("CPU time hardirq / softirq / task",
              strfmt("%.2f / %.2f / %.2f ms (softirq in ksoftirqd %.2f ms)", ct.hardirq.to_seconds() * 1e3,
                     ct.softirq.to_seconds() * 1e3, ct.task.to_seconds() * 1e3,
                     ct.softirq_in_ksoftirqd.to_seconds() * 1e3));
  report_.row("DMA tasklet runs (in ksoftirqd)", strfmt("%llu (%llu)", (unsigned long long)dma_tasklet_runs_,
                                                       (unsigned long long)dma_tasklet_runs_in_ksoftirqd_));
  const net::softnet_stats& ns = net::softnet_statistics();
  if (s_.netrx.percent)
    report_.row("network receive load", strfmt("%u %%: %llu packets, NET_RX %llu runs (%llu in ksoftirqd)",
                                               s_.netrx.percent, (unsigned long long)ns.packets_processed,
                                               (unsigned long long)ns.net_rx_runs,
                                               (unsigned long long)ns.net_rx_in_ksoftirqd));
}

void Audio::fields() {
  report_.add("alsa_lock_model", std::string(pcm_lock_model_name(s_.lock_model)));
  report_.add("period_bytes", uint64_t(opt_.period_bytes));
  report_.add("periods", uint64_t(opt_.periods));
  report_.add("periods_per_run", uint64_t(s_.run_periods));
  report_.add("start_stop_cycles", uint64_t(runs_.size()));
  report_.add("pauses", total_pauses_);
  report_.add("suspends", total_suspends_);
  report_.add("frames_played", uint64_t(tot_.matched));
  report_.add("frames_expected", tot_.played);
  report_.add("underruns", uint64_t(port_.underrun_count()));
  report_.add("overflows", uint64_t(port_.overflow_count()));
  report_.add("xruns", uint64_t(tot_.xruns_seen));  // 0 when the card was not probed (no run)
  report_.add("period_irqs", tot_.callbacks);
  report_.add("period_callbacks_total", tot_.all_callbacks);
  report_.add("injected_underruns", tot_.injected_underruns);
  report_.add("memcpy_tests", uint64_t(dt_info_.total_tests));
  report_.add("memcpy_failures", uint64_t(dt_info_.total_failures));
  report_.add("periods_elapsed", tot_.periods_elapsed);
  report_.add("periods_by_position", tot_.periods_by_position);
  report_.add("dma_irqs", sys_.kernel.irq_count(kIrqDma));
  report_.add_raw_json("validator_reports", ScenarioReport::json_reports(sys_.kernel.lockdep().reports()));
  report_.add_raw_json("trigger_latency_ns", trig_lat_.json());
  report_.add_raw_json("trigger_latency_samples_ns", trig_lat_.samples_json());
  report_.add_raw_json("stop_to_idle_ns", stop_idle_.json());
  const kernel::cpu_time_stats ct = sys_.kernel.cpu_times();
  auto ns = [](const sc_core::sc_time& t) { return strfmt("%.0f", t.to_seconds() * 1e9); };
  report_.add_raw_json("cpu_ns", "{\"hardirq\": " + ns(ct.hardirq) + ", \"softirq\": " + ns(ct.softirq) +
                                     ", \"softirq_in_ksoftirqd\": " + ns(ct.softirq_in_ksoftirqd) +
                                     ", \"task\": " + ns(ct.task) + ", \"idle\": " + ns(ct.idle) + "}");
  report_.add("dma_tasklet_runs", dma_tasklet_runs_);
  report_.add("dma_tasklet_runs_in_ksoftirqd", dma_tasklet_runs_in_ksoftirqd_);
  uint64_t quick_stops = 0;
  for (const Run& run : runs_) quick_stops += run.quick && run.stopped;
  report_.add("quick_stops", quick_stops);
  report_.add("deferred_runs", deferred_runs_);
  report_.add("deferred_cancelled", deferred_cancelled_);
  report_.add("deferred_overwritten", deferred_overwritten_);
  report_.add("softirq_budget_handoffs", sys_.kernel.softirq_statistics().budget_handoffs);
  report_.add("netrx_packets", net::softnet_statistics().packets_processed);
  report_.add("netrx_runs_in_ksoftirqd", net::softnet_statistics().net_rx_in_ksoftirqd);
  report_.add_raw_json("resume_latency_ns", resume_lat_.json());
  report_.add_raw_json("period_irq_to_callback_ns", irq_lat_.json());
  report_.add_bool("bit_exact", tot_.bit_exact);
  report_.add("sim_seconds", times_.sim_s);
  report_.add("cycles", times_.cycles);
  report_.add("wav", wav_);
}

// The FST's save file and trace events; with --png the pictures.
void Audio::trace_outputs() {
  report_.add("fst", cfg_.fst_path);
  const std::string events = System::trace_events_path(cfg_.fst_path);
  report_.add("trace_events", events);  // the software timeline (Perfetto)
  report_.write_save_file("audio", cfg_.fst_path);
  if (!opt_.png) return;
  sys_.close_trace_events();  // the PNG's overview reads hw_ptr/appl_ptr from it
  report_.render_png("audio", cfg_.fst_path, events);
  // The software timeline as a picture (scripts/render_timeline.py).
  const std::string png = report_.out_path("audio.timeline.png");
  // Debian's interpreter first: python3-matplotlib installs for it.
  const char* python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
  const std::string title = "dmacosim run audio --driver=" + opt_.driver + ": the software timeline";
  const std::string cmd = std::string(python) + " '" + DMACOSIM_SOURCE_DIR + "/scripts/render_timeline.py' '" +
                          events + "' '" + png + "' --title '" + title + "' > /dev/null";
  if (std::system(cmd.c_str()) != 0)
    report_.fail("--png: rendering the timeline failed (scripts/render_timeline.py needs python3-matplotlib)");
  else report_.add("timeline_png", png);
}

int run_audio(const ScenarioOptions& opt) {
  ScenarioReport report("audio", opt);
  report.add("driver", opt.driver);
  Settings s;
  if (!read_settings(opt, &s)) return kExitUsage;
  report.add("pcm_dma_trigger", std::string(pcm_dma_trigger_name(s.dma_trigger)));
  report.add_bool("deferred_naive", s.deferred_naive);
  report.add("netrx_load_percent", uint64_t(s.netrx.percent));
  Audio audio(opt, s, report);
  audio.set_up();
  audio.run();
  audio.check();
  return audio.report();
}

ScenarioRegistrar audio_registrar({"audio",
                       "ALSA playback over cyclic DMA: start/stop/pause/suspend triggers, bit-exact at the codec, "
                       "lock validator (--driver=legacy-bh reproduces the 2010 bug)",
                       run_audio,
                       {
                           {"alsa", "2.6.33", "ALSA stream-lock model: 2.6.33 or 6.8", "", {"2.6.33", "6.8"}},
                           {"pause", "1", "PAUSE_PUSH/PAUSE_RELEASE in every odd run (0 = never)"},
                           {"suspend", "1", "SUSPEND/RESUME in every run r % 5 == 2 (0 = never)"},
                           {"pcm-dma-trigger", "direct",
                            "where the card's trigger makes the DMA calls: direct, irq-enable, deferred-tasklet, "
                            "deferred-work",
                            "",
                            {"direct", "irq-enable", "deferred-tasklet", "deferred-work"}},
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
