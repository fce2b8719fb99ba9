// Deterministic timing sweeps through the real ALSA and dmaengine paths
// (docs/sweeps.md, "ALSA and dmaengine trigger sweeps"): one client action
// (a PCM trigger, or a direct call on the DMA channel) placed at every RTL
// clock cycle (10 ns) across one DMA burst to the I2S FIFO and around a
// period boundary (the DMA TC interrupt), for two FIFO watermarks, with the
// RTL host's idle skipping on and off. Every point is a complete stream run
// (prepare, prefill, START, the action, STOP, sync_stop) started at a time
// aligned to the DMA clock from the same quiescent state, so every point is
// cycle-identical to the calibration run up to the action (checked).
//
// One TEST = one simulation (SystemC elaborates once per process); it runs
// all its points one after another. DMAC_TRIGGER_SWEEP_POINT=
// <action>:<config>:<window>:<offset_ns> runs only that point (after the
// calibration of its config) and prints its details.
#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <memory>
#include <vector>

#include "../dmaengine/rig.h"
#include "driver/sound/dmacosim_i2s.h"
#include "driver/sound/pcm.h"
#include "driver/sound/pcm_dmaengine.h"
#include "models/log.h"

using namespace dt;
using namespace dmacosim::sound;

namespace {

constexpr unsigned kDepth = 16, kBurst = 8;     // FIFO frames; frames per DMA request (depth/2)
constexpr unsigned kPeriodBytes = 128, kPeriods = 8;  // 32-frame periods, the whole ring prefilled
// (functions: no sc_time may exist before sc_main sets the time resolution)
sc_time kCycle() { return sc_time(10, SC_NS); }
sc_time kAlign() { return sc_time(100, SC_US); }  // every run starts on this grid (a multiple of the DMA clock)
sc_time kHold() { return sc_time(120, SC_US); }   // pause / suspend held this long
sc_time kTail() { return sc_time(300, SC_US); }   // the stop comes this long after the period anchor (+ hold)
sc_time kSettle() { return sc_time(60, SC_US); }  // after sync_stop: nothing may move any more
sc_time kPushLead() { return sc_time(30, SC_US); }  // PAUSE_RELEASE: the push comes this long before the swept release

enum class Action { None, Start, Stop, PausePush, PauseRelease, Suspend, TerminateAsync, IssuePending, SlaveConfig };
const char* action_name(Action a) {
  switch (a) {
    case Action::None: return "none";
    case Action::Start: return "start";
    case Action::Stop: return "stop";
    case Action::PausePush: return "pause_push";
    case Action::PauseRelease: return "pause_release";
    case Action::Suspend: return "suspend";
    case Action::TerminateAsync: return "terminate_async";
    case Action::IssuePending: return "issue_pending";
    case Action::SlaveConfig: return "slave_config";
  }
  return "?";
}
enum class Window { Burst, Period };
const char* window_name(Window w) { return w == Window::Burst ? "burst" : "period"; }

// ---- instrumentation: entry times of the provider ops (the action's landing) ----
struct OpHooks {
  int (*pause)(dma_chan*) = nullptr;
  int (*resume)(dma_chan*) = nullptr;
  int (*terminate_all)(dma_chan*) = nullptr;
  void (*issue_pending)(dma_chan*) = nullptr;
  int (*config)(dma_chan*, dma_slave_config*) = nullptr;
  bool armed = false;  // record the next op of this kind
  int want = -1;       // 0 pause, 1 resume, 2 terminate_all, 3 issue_pending, 4 config
  sc_time entry;
  bool seen = false;
  void hit(int op) {
    if (armed && op == want) {
      entry = sc_time_stamp();
      seen = true;
      armed = false;
    }
  }
};
OpHooks g_ops;
int pause_hook(dma_chan* c) { g_ops.hit(0); return g_ops.pause(c); }
int resume_hook(dma_chan* c) { g_ops.hit(1); return g_ops.resume(c); }
int terminate_hook(dma_chan* c) { g_ops.hit(2); return g_ops.terminate_all(c); }
void issue_hook(dma_chan* c) { g_ops.hit(3); g_ops.issue_pending(c); }
int config_hook(dma_chan* c, dma_slave_config* cfg) { g_ops.hit(4); return g_ops.config(c, cfg); }

int op_of(Action a) {
  switch (a) {
    case Action::PausePush: case Action::Suspend: return 0;
    case Action::PauseRelease: return 1;
    case Action::Start: case Action::Stop: case Action::TerminateAsync: return 2;
    case Action::IssuePending: return 3;
    case Action::SlaveConfig: return 4;
    case Action::None: break;
  }
  return -1;
}

// Frame n of stream run r: unique across the whole TEST (a stale frame of an
// earlier run, a repeat or a gap changes the value).
uint32_t frame(uint32_t run, uint32_t n) { return (run << 16) | (n & 0xffff); }

struct RunRec {
  uint32_t id = 0;
  size_t codec_start = 0, codec_end = 0;
  bool started = false, stopped = false;
};

// Events of the current point, relative to its aligned start t0.
struct Events {
  std::vector<sc_time> dma_irq, dreq, dclr, i2s_irq;
  void clear() { dma_irq.clear(), dreq.clear(), dclr.clear(), i2s_irq.clear(); }
};

struct Anchors {
  bool ok = false;
  sc_time period;       // the first DMA interrupt (TC of period 0: boundary 0 -> 1)
  sc_time burst;        // a FIFO request in period 2: dreq_burst rises
  sc_time burst_end;    // ... its dclr (last write response of the burst)
  Events ev;            // the calibration's events
  sc_time latency;      // action call -> provider op entry
};

struct Config {
  std::string name;
  unsigned watermark;
};

struct Result {
  unsigned tried = 0, failed = 0;
};

struct SweepRig : Rig {
  static PlatformConfig config(bool skip) {
    PlatformConfig cfg = fast_config();
    cfg.audio.fifo_depth = kDepth;
    cfg.audio.watermark = int(kDepth / 4);
    cfg.idle_skipping = skip;
    return cfg;
  }
  explicit SweepRig(bool skip) : Rig(config(skip)), skip(skip) {}
  bool skip;
  dmacosim_i2s* i2s = nullptr;
  snd_pcm_substream* ss = nullptr;
  dma_chan* chan = nullptr;
  Events ev;
  sc_time t0;
  std::vector<RunRec> runs;  // of the current point
  uint32_t next_run = 1;
  std::string config_name;
  unsigned watermark = 0;

  sc_time rel() const { return sc_time_stamp() - t0; }
  // Period callbacks so far: the PCM layer's own count (snd_pcm_period_elapsed
  // calls), read under the stream lock it is kept under.
  uint64_t callbacks() {
    snd_pcm_stream_lock_irq(ss);
    const uint64_t n = ss->runtime->period_elapsed_calls;
    snd_pcm_stream_unlock_irq(ss);
    return n;
  }
  AudioPort& port() { return sys.hw.audio; }

  bool setup() {
    if (!probe(DmacLockPolicy::VirtDma)) return false;
    dma_device& dd = dmac->ddev;
    g_ops.pause = dd.device_pause, dd.device_pause = pause_hook;
    g_ops.resume = dd.device_resume, dd.device_resume = resume_hook;
    g_ops.terminate_all = dd.device_terminate_all, dd.device_terminate_all = terminate_hook;
    g_ops.issue_pending = dd.device_issue_pending, dd.device_issue_pending = issue_hook;
    g_ops.config = dd.device_config, dd.device_config = config_hook;
    board::add_dma_slave_map();
    dmacosim_i2s_platform_data ip = board::i2s_pdata();
    ip.fifo_depth = kDepth;
    ip.watermark = kDepth / 4;
    ip.maxburst = kBurst;
    i2s = dmacosim_i2s_probe(ip);
    if (!i2s) return false;
    if (snd_pcm_open_substream(i2s->pcm, SNDRV_PCM_STREAM_PLAYBACK, &ss)) return false;
    struct snd_pcm_hw_params hp;
    hp.period_bytes = kPeriodBytes;
    hp.periods = kPeriods;
    if (snd_pcm_hw_params(ss, &hp)) return false;
    chan = snd_dmaengine_pcm_get_chan(ss);
    sys.hw.dmac.irq.on_change([this](bool l) { if (l) ev.dma_irq.push_back(rel()); });
    port().dreq_burst().on_change([this](bool l) { if (l) ev.dreq.push_back(rel()); });
    sys.hw.dmac.dclr[kDreqAudioTx]->on_change([this](bool l) { if (l) ev.dclr.push_back(rel()); });
    port().irq_out().on_change([this](bool l) { if (l) ev.i2s_irq.push_back(rel()); });
    i2s->on_dai_trigger = [this](int cmd) {
      if (runs.empty()) return;
      if (cmd == SNDRV_PCM_TRIGGER_START) {
        runs.back().codec_start = port().played_frames().size();
        runs.back().started = true;
      } else if (cmd == SNDRV_PCM_TRIGGER_STOP) {
        if (!runs.back().stopped) runs.back().codec_end = port().played_frames().size();
        runs.back().stopped = true;
      }
    };
    return true;
  }
  // The FIFO watermark of the configuration (the port's WATERMARK register;
  // written while the stream is stopped).
  void set_watermark(unsigned wm) {
    watermark = wm;
    cpu().writel(wm, kAudioBase + I2S_WATERMARK);
  }
  // prepare (sync_stop of the previous run) + the whole ring written.
  bool prepare_and_fill(std::string* why) {
    int err = snd_pcm_prepare(ss);
    if (err) return *why = "snd_pcm_prepare " + std::to_string(err), false;
    runs.push_back(RunRec{});
    runs.back().id = next_run++;
    std::vector<uint32_t> buf(ss->runtime->buffer_size);
    for (uint32_t i = 0; i < buf.size(); ++i) buf[i] = frame(runs.back().id, i);
    const snd_pcm_sframes_t n = snd_pcm_lib_write(ss, buf.data(), buf.size());
    if (n != snd_pcm_sframes_t(buf.size())) return *why = "prefill wrote " + std::to_string(n), false;
    return true;
  }
  void sleep_until_rel(const sc_time& t) {
    if (rel() < t) sleep_for(t - rel());
  }
};

// One point: the run, the action at call time `call` (relative to t0), the
// oracle. `calib` returns the events (no action). Failures go to `why`.
struct Point {
  Action action = Action::None;
  Window window = Window::Period;
  long offset_ns = 0;     // op entry - anchor
  sc_time call;           // action call time relative to t0
  sc_time op_entry;       // observed
  bool op_seen = false;
  std::vector<std::string> why;
  bool verbose = false;   // replay: keep the details
  std::string detail;
  std::string id(const std::string& cfg) const {
    return std::string(action_name(action)) + ":" + cfg + ":" + window_name(window) + ":" + std::to_string(offset_ns);
  }
};

// Same events up to `until` (exclusive) as the calibration: the point is
// cycle-identical to it before the action.
bool same_prefix(const std::vector<sc_time>& a, const std::vector<sc_time>& b, const sc_time& until) {
  size_t i = 0;
  for (; i < a.size() && a[i] < until; ++i)
    if (i >= b.size() || b[i] != a[i]) return false;
  return i >= b.size() || b[i] >= until;
}

std::string ns(const sc_time& t) { return strfmt("%.0f ns", t.to_seconds() * 1e9); }

void run_point(SweepRig& rig, Point& p, const Anchors* anc) {
  auto fail = [&](const std::string& s) { p.why.push_back(s); };
  snd_pcm_runtime* rt = rig.ss->runtime;
  Log& log = Log::instance();
  const size_t unexpected0 = log.unexpected_count();
  const size_t reports0 = rig.sys.kernel.lockdep().reports().size();
  const uint32_t overflow0 = rig.port().overflow_count();
  const size_t underrun0 = rig.port().underrun_frames().size();
  const uint64_t periods0 = to_dmac_chan(rig.chan)->periods;
  const size_t played0 = rig.port().played_frames().size();
  rig.runs.clear();
  std::string err;
  // Provoked on purpose: a terminate under a running stream starves the FIFO.
  std::unique_ptr<ExpectedLog> e1, e2;
  if (p.action == Action::TerminateAsync) {
    const std::string w = "terminate_async under a running stream (sweep point): the FIFO underruns by design";
    e1 = std::make_unique<ExpectedLog>(LogLevel::Warn, "transmit FIFO underrun", w);
    e2 = std::make_unique<ExpectedLog>(LogLevel::Warn, "XRUN", w);
  }
  if (!rig.prepare_and_fill(&err)) return fail(err);
  // Aligned start: every point from the same state at the same clock phase.
  const sc_time now = sc_time_stamp();
  const sc_time t0 = kAlign() * (std::floor(now / kAlign()) + 1);
  sleep_for(t0 - now);
  rig.t0 = sc_time_stamp();
  rig.ev.clear();
  if (rig.t0 != t0) fail("start not aligned: " + ns(rig.t0) + " instead of " + ns(t0));
  const uint64_t cb0 = rig.callbacks();
  int e = snd_pcm_start(rig.ss);
  if (e) return fail("snd_pcm_start " + std::to_string(e));
  sc_time stop_at = anc ? anc->period + kTail() : sc_time(1500, SC_US);
  if (p.action == Action::PausePush || p.action == Action::Suspend) stop_at += kHold();
  // After a terminate the FIFO (up to depth frames, 333 us) must run dry first.
  if (p.action == Action::TerminateAsync) stop_at = std::max(stop_at, p.call + sc_time(450, SC_US));
  const sc_time first_call = p.action == Action::PauseRelease ? p.call - kPushLead() : p.call;
  uint64_t cb_at_sync = 0;
  bool synced_early = false;
  if (p.action != Action::None) {
    if (rig.rel() > first_call) return fail("action call time " + ns(first_call) + " already passed");
    rig.sleep_until_rel(first_call);
    g_ops.armed = true;
    g_ops.want = op_of(p.action);
    g_ops.seen = false;
    switch (p.action) {
      case Action::Start:  // STOP here, then the restart as fast as software goes
      case Action::Stop:
        e = snd_pcm_drop(rig.ss);
        break;
      case Action::PausePush:
        e = snd_pcm_pause(rig.ss, true);
        break;
      case Action::Suspend:
        e = snd_pcm_suspend(rig.ss);
        break;
      case Action::PauseRelease:  // paused kPushLead() before; the release is the swept action
        g_ops.armed = false;
        e = snd_pcm_pause(rig.ss, true);
        if (e) break;
        if (rt->state != SNDRV_PCM_STATE_PAUSED) fail("not PAUSED before the release");
        rig.sleep_until_rel(p.call);
        g_ops.armed = true;
        e = snd_pcm_pause(rig.ss, false);
        break;
      case Action::TerminateAsync:
        e = dmaengine_terminate_async(rig.chan);
        break;
      case Action::IssuePending:
        dma_async_issue_pending(rig.chan);
        break;
      case Action::SlaveConfig: {
        dma_slave_config same = to_dmac_chan(rig.chan)->cfg;  // what hw_params configured
        e = dmaengine_slave_config(rig.chan, &same);
        break;
      }
      case Action::None: break;
    }
    p.op_seen = g_ops.seen;
    p.op_entry = g_ops.entry - rig.t0;
    if (p.verbose) p.detail += "after the action: " + dmac_dbg_summary_show(rig.dmac);
    if (e) fail(std::string(action_name(p.action)) + " returned " + std::to_string(e));
    if (!p.op_seen) fail("the provider op was not entered");
    if (anc && (!same_prefix(rig.ev.dma_irq, anc->ev.dma_irq, first_call) ||
                !same_prefix(rig.ev.dreq, anc->ev.dreq, first_call)))
      fail("not cycle-identical to the calibration before the action (DMA interrupts / FIFO requests differ)");
    switch (p.action) {
      case Action::PausePush:
      case Action::Suspend:
        if (rt->state != (p.action == Action::Suspend ? SNDRV_PCM_STATE_SUSPENDED : SNDRV_PCM_STATE_PAUSED))
          fail(std::string("state after the trigger: ") + snd_pcm_state_name(rt->state));
        sleep_for(kHold());
        e = p.action == Action::Suspend ? snd_pcm_resume(rig.ss) : snd_pcm_pause(rig.ss, false);
        if (e) fail("release/resume returned " + std::to_string(e));
        break;
      case Action::TerminateAsync:
        // The client's side of the contract: after synchronize, no callback.
        dmaengine_synchronize(rig.chan);
        cb_at_sync = rig.callbacks();
        synced_early = true;
        break;
      case Action::Start: {
        // The first run is over: sync, quiescent, then the restart.
        snd_pcm_sync_stop(rig.ss);
        const std::string q = dmac_dbg_check_quiescent(rig.dmac);
        if (!q.empty()) fail("DMA not quiescent after the stop before the restart:\n" + q);
        const uint64_t cb = rig.callbacks();
        if (!rig.prepare_and_fill(&err)) return fail(err);
        if (rig.callbacks() != cb) fail("period callback after the stop was synchronized");
        e = snd_pcm_start(rig.ss);
        if (e) return fail("restart: snd_pcm_start " + std::to_string(e));
        break;
      }
      default: break;
    }
  }
  rig.sleep_until_rel(stop_at);
  const snd_pcm_state_t st_before = rt->state;
  snd_pcm_uframes_t hw = 0;
  if (st_before == SNDRV_PCM_STATE_RUNNING) {
    snd_pcm_avail(rig.ss);  // hw_ptr from the residue
    hw = rt->hw_ptr;
  }
  if (p.action == Action::TerminateAsync) {
    if (st_before != SNDRV_PCM_STATE_XRUN)
      fail(std::string("after terminate_async under a running stream: state ") + snd_pcm_state_name(st_before) +
           ", want XRUN (the underrun interrupt stops it)");
    if (rig.ev.i2s_irq.empty()) fail("no underrun interrupt after terminate_async");
  } else if (p.action != Action::Stop && st_before != SNDRV_PCM_STATE_RUNNING) {
    fail(std::string("state before the stop: ") + snd_pcm_state_name(st_before));
  }
  if (st_before != SNDRV_PCM_STATE_SETUP) snd_pcm_drop(rig.ss);
  const size_t played_at_drop = rig.port().played_frames().size();
  snd_pcm_sync_stop(rig.ss);
  if (!synced_early) cb_at_sync = rig.callbacks();
  const std::string q = dmac_dbg_check_quiescent(rig.dmac);
  if (!q.empty()) fail("DMA not quiescent after stop + sync_stop:\n" + q);
  const uint32_t hwst = (rig.cpu().readl(to_dmac_chan(rig.chan)->base + DMAC_CH_STATUS) & DMAC_CH_STATUS_STATE_MASK) >>
                        DMAC_CH_STATUS_STATE_SHIFT;
  if (hwst != DMAC_STATE_IDLE) fail("channel STATUS.STATE " + std::to_string(hwst) + " after the stop");
  sleep_for(kSettle());
  if (rig.callbacks() != cb_at_sync)
    fail(strfmt("%llu period callback(s) after terminate + synchronize",
                (unsigned long long)(rig.callbacks() - cb_at_sync)));
  if (rig.port().played_frames().size() != played_at_drop) fail("the codec played after the stop");

  // ---- bit-exact: every run's codec output is its own frames 0..len-1 ----
  const auto& played = rig.port().played_frames();
  const std::vector<size_t> under(rig.port().underrun_frames().begin() + long(underrun0),
                                  rig.port().underrun_frames().end());
  for (size_t r = 0; r < rig.runs.size(); ++r) {
    const RunRec& run = rig.runs[r];
    if (!run.started || !run.stopped) {
      fail(strfmt("run %u never started or stopped", run.id));
      continue;
    }
    size_t len = run.codec_end - run.codec_start;
    size_t silence = 0;
    if (p.action == Action::TerminateAsync) {  // trailing underrun silence by design
      while (len > 0 && std::find(under.begin(), under.end(), run.codec_start + len - 1) != under.end()) {
        --len;
        ++silence;
      }
      if (!silence) fail("terminate_async: the FIFO never underran");
    }
    if (len == 0) fail(strfmt("run %u played nothing", run.id));
    for (size_t j = 0; j < len; ++j) {
      if (played[run.codec_start + j] != frame(run.id, uint32_t(j))) {
        fail(strfmt("run %u frame %zu: got 0x%08x, want 0x%08x (codec frame %zu)", run.id, j,
                    played[run.codec_start + j], frame(run.id, uint32_t(j)), run.codec_start + j));
        break;
      }
    }
    if (r + 1 == rig.runs.size() && hw && (len > hw + 2 || hw > len + kDepth + kBurst))
      fail(strfmt("run %u: codec played %zu frames, DMA pointer %lu", run.id, len, hw));
  }
  if (rig.runs.size() && rig.runs.front().codec_start != played0) fail("codec frames before the run");
  for (size_t i = 1; i < rig.runs.size(); ++i)
    if (rig.runs[i].codec_start != rig.runs[i - 1].codec_end) fail("codec frames between two runs");
  if (p.action != Action::TerminateAsync && under.size()) fail(strfmt("%zu underrun frame(s)", under.size()));
  if (rig.port().overflow_count() != overflow0)
    fail(strfmt("%u FIFO overflow(s)", rig.port().overflow_count() - overflow0));
  const uint64_t periods = to_dmac_chan(rig.chan)->periods - periods0;
  const uint64_t cbs = rig.callbacks() - cb0;
  if (cbs > periods) fail(strfmt("%llu period callbacks for %llu periods", (unsigned long long)cbs,
                                 (unsigned long long)periods));
  if (periods && !cbs) fail("periods completed but no period callback");
  // Strict oracles, attributed to this point.
  if (log.unexpected_count() != unexpected0) {
    std::string list;
    for (const auto& s : log.unexpected(3)) list += "\n    " + s;
    fail(strfmt("%zu unexpected warning/error log record(s):", log.unexpected_count() - unexpected0) + list);
  }
  if (p.verbose) {
    auto list = [&](const char* n, const std::vector<sc_time>& v) {
      p.detail += std::string("  ") + n + ":";
      for (auto& t : v) p.detail += " " + ns(t);
      p.detail += "\n";
    };
    p.detail += "events (relative to the aligned start):\n";
    list("DMA irq rise", rig.ev.dma_irq);
    list("dreq_burst rise", rig.ev.dreq);
    list("dclr rise", rig.ev.dclr);
    list("I2S irq rise", rig.ev.i2s_irq);
    p.detail += strfmt("  runs %zu, codec frames %zu, underruns %zu, callbacks %llu, periods %llu, state at stop %s\n",
                       rig.runs.size(), played.size() - played0, under.size(), (unsigned long long)cbs,
                       (unsigned long long)periods, snd_pcm_state_name(st_before));
  }
  const auto& reps = rig.sys.kernel.lockdep().reports();
  if (reps.size() != reports0) fail("lock validator: " + reps.back().rule + ": " + reps.back().headline);
  if (rig.sys.kernel.fatal()) fail("kernel: " + rig.sys.kernel.fatal_message());
}

// Calibration of a config: a run without action gives the anchors.
bool calibrate(SweepRig& rig, Anchors* a, std::string* why) {
  Point p;
  run_point(rig, p, nullptr);
  if (!p.why.empty()) return *why = p.why.front(), false;
  a->ev = rig.ev;
  if (a->ev.dma_irq.size() < 2) return *why = "calibration: fewer than 2 DMA interrupts", false;
  a->period = a->ev.dma_irq[0];
  // The first FIFO request at least 100 us after the period anchor.
  for (size_t i = 0; i < a->ev.dreq.size(); ++i) {
    if (a->ev.dreq[i] < a->period + sc_time(100, SC_US)) continue;
    a->burst = a->ev.dreq[i];
    auto it = std::lower_bound(a->ev.dclr.begin(), a->ev.dclr.end(), a->burst);
    if (it == a->ev.dclr.end()) break;
    a->burst_end = *it;
    a->ok = true;
    break;
  }
  if (!a->ok) return *why = "calibration: no FIFO request after the period anchor", false;
  return true;
}

// Action call -> provider op entry, measured once per action and config with
// the action far from any anchor (deterministic: no interrupt is due then).
bool measure_latency(SweepRig& rig, Action act, Anchors* a, std::string* why) {
  Point p;
  p.action = act;
  p.call = a->period - sc_time(100, SC_US);
  run_point(rig, p, a);
  if (!p.op_seen) return *why = "latency run: provider op not entered", false;
  a->latency = p.op_entry - p.call;
  if (!p.why.empty()) return *why = "latency run: " + p.why.front(), false;
  return true;
}

struct Plan {
  Window w;
  long lo, hi;  // offsets (cycles) relative to the anchor
};

// Every cycle of a window by default. Sanitizer builds run the C++ around the
// model several times slower and are there for memory errors, not races: the
// NoSkip sweeps (every cycle clocked, the costly ones) try every 2nd cycle
// there. DMAC_TRIGGER_SWEEP_STRIDE=<n> sets the stride in any build.
long sweep_stride(bool skip) {
  if (const char* s = std::getenv("DMAC_TRIGGER_SWEEP_STRIDE")) return std::max(1, atoi(s));
#if defined(__SANITIZE_ADDRESS__)
  return skip ? 1 : 2;
#else
  (void)skip;
  return 1;
#endif
}

void sweep(Action act, bool skip) {
  const char* env = std::getenv("DMAC_TRIGGER_SWEEP_POINT");
  const long stride = sweep_stride(skip);
  std::string only = env ? env : "";
  const std::vector<Config> configs = {
      {std::string("wm4-") + (skip ? "skip" : "noskip"), kDepth / 4},
      {std::string("wm8-") + (skip ? "skip" : "noskip"), kDepth / 2},
  };
  if (!only.empty()) {
    bool mine = false;
    for (auto& c : configs) mine |= only.rfind(std::string(action_name(act)) + ":" + c.name + ":", 0) == 0;
    if (!mine) GTEST_SKIP() << "DMAC_TRIGGER_SWEEP_POINT=" << only << " is not a point of this test";
  }
  SweepRig rig(skip);
  const std::string test = std::string(::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name()) +
                           "." + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::vector<std::string> summary;
  unsigned tried = 0, failed = 0, reported = 0;
  bool ok_setup = false;
  std::string setup_err;
  const double wall0 = double(std::clock()) / CLOCKS_PER_SEC;
  rig.run([&] {
    ok_setup = rig.setup();
    if (!ok_setup) return;
    for (const Config& cfg : configs) {
      if (!only.empty() && only.find(":" + cfg.name + ":") == std::string::npos) continue;
      rig.set_watermark(cfg.watermark);
      Anchors anc;
      std::string why;
      if (!calibrate(rig, &anc, &why) || !measure_latency(rig, act, &anc, &why)) {
        setup_err += cfg.name + ": " + why + "\n";
        failed++;
        continue;
      }
      // Windows (in cycles, relative to the anchor, of the provider op entry):
      // burst: 2 cycles before the request to 3 after its dclr; period: +-W
      // around the TC interrupt. Without idle skipping (every cycle clocked)
      // the period window is narrower to keep the TEST short.
      const long burst_hi = long((anc.burst_end - anc.burst) / kCycle()) + 3;
      const long pw = skip ? 1000 : 12;
      std::vector<Plan> plans = {{Window::Burst, -2, burst_hi}, {Window::Period, -pw, pw}};
      std::string line = "  " + cfg.name + strfmt(" (call->op %.0f ns):", anc.latency.to_seconds() * 1e9);
      for (const Plan& pl : plans) {
        const sc_time anchor = pl.w == Window::Burst ? anc.burst : anc.period;
        unsigned t = 0, f = 0;
        for (long d = pl.lo; d <= pl.hi; ++d) {
          Point p;
          p.action = act;
          p.window = pl.w;
          p.offset_ns = d * 10;
          const std::string id = p.id(cfg.name);
          if (!only.empty() ? id != only : (d - pl.lo) % stride != 0) continue;
          p.call = anchor + kCycle() * double(d) - anc.latency;
          p.verbose = !only.empty();
          run_point(rig, p, &anc);
          ++t;
          if (!p.why.empty()) {
            ++f;
            std::string all;
            for (auto& s : p.why) all += "\n    " + s;
            printf("[ SWEEP FAIL ] %s (op entry at %s, anchor %s): %zu failure(s):%s\n  replay: "
                   "DMAC_TRIGGER_SWEEP_POINT=%s tests/driver/sound/test_trigger_sweep --gtest_filter=%s\n",
                   id.c_str(), ns(p.op_entry).c_str(), ns(anchor).c_str(), p.why.size(), all.c_str(), id.c_str(),
                   test.c_str());
            if (reported++ < 2 || !only.empty()) ADD_FAILURE() << id << ": " << p.why.front();
          }
          if (!only.empty()) printf("%s", p.detail.c_str());
          if (p.why.empty() && !only.empty()) {
            printf("[ SWEEP PASS ] %s: op entry at %s (anchor %s), %zu DMA IRQs, %zu requests, %zu underrun IRQs\n",
                   id.c_str(), ns(p.op_entry).c_str(), ns(anchor).c_str(), rig.ev.dma_irq.size(), rig.ev.dreq.size(),
                   rig.ev.i2s_irq.size());
          }
        }
        tried += t;
        failed += f;
        line += strfmt(" %s %u/%u", window_name(pl.w), t, f);
      }
      summary.push_back(line);
    }
    snd_pcm_release(rig.ss);
    dmacosim_i2s_remove(rig.i2s);
  }, sc_time(60, SC_SEC));
  rig.check_clean();
  ASSERT_TRUE(ok_setup);
  EXPECT_TRUE(setup_err.empty()) << setup_err;
  for (auto& s : summary) printf("[ SWEEP    ] %s\n", s.c_str());
  printf("[ SWEEP    ] %s: %u points tried, %u failed (%.1f s CPU)%s\n", test.c_str(), tried, failed,
         double(std::clock()) / CLOCKS_PER_SEC - wall0,
         stride > 1 ? (" [one point every " + std::to_string(stride) + " cycles]").c_str() : "");
  fflush(stdout);
  EXPECT_EQ(failed, 0u);
  EXPECT_GT(tried, 0u);
}

}  // namespace

// Actions through ALSA (the PCM trigger under the stream lock, IRQs off).
TEST(TriggerSweep, StartIdleSkip) { sweep(Action::Start, true); }
TEST(TriggerSweep, StartNoSkip) { sweep(Action::Start, false); }
TEST(TriggerSweep, StopIdleSkip) { sweep(Action::Stop, true); }
TEST(TriggerSweep, StopNoSkip) { sweep(Action::Stop, false); }
TEST(TriggerSweep, PausePushIdleSkip) { sweep(Action::PausePush, true); }
TEST(TriggerSweep, PausePushNoSkip) { sweep(Action::PausePush, false); }
TEST(TriggerSweep, PauseReleaseIdleSkip) { sweep(Action::PauseRelease, true); }
TEST(TriggerSweep, PauseReleaseNoSkip) { sweep(Action::PauseRelease, false); }
TEST(TriggerSweep, SuspendResumeIdleSkip) { sweep(Action::Suspend, true); }
TEST(TriggerSweep, SuspendResumeNoSkip) { sweep(Action::Suspend, false); }
// Direct calls on the DMA channel under a running stream (process context).
TEST(TriggerSweep, TerminateAsyncIdleSkip) { sweep(Action::TerminateAsync, true); }
TEST(TriggerSweep, TerminateAsyncNoSkip) { sweep(Action::TerminateAsync, false); }
TEST(TriggerSweep, IssuePendingIdleSkip) { sweep(Action::IssuePending, true); }
TEST(TriggerSweep, IssuePendingNoSkip) { sweep(Action::IssuePending, false); }
TEST(TriggerSweep, SlaveConfigSameIdleSkip) { sweep(Action::SlaveConfig, true); }
TEST(TriggerSweep, SlaveConfigSameNoSkip) { sweep(Action::SlaveConfig, false); }
