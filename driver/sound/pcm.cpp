// ALSA PCM core subset. See pcm.h.
#include "driver/sound/pcm.h"

#include <cstring>
#include <vector>

#include "driver/kernel/irqflags.h"
#include "driver/kernel/kernel.h"
#include "driver/kernel/preempt.h"
#include "driver/kernel/trace_event.h"
#include "models/cpu.h"
#include "models/log.h"

namespace dmacosim::sound {

using namespace dmacosim::kernel;

DEFINE_RWLOCK(snd_pcm_link_rwlock);

// How long a blocked writer waits for room before "write error (DMA or IRQ
// trouble?)". ALSA: 10 s (at least two periods).
static sc_core::sc_time write_timeout() { return sc_core::sc_time(10, sc_core::SC_SEC); }

const char* snd_pcm_state_name(snd_pcm_state_t s) {
  switch (s) {
    case SNDRV_PCM_STATE_OPEN: return "OPEN";
    case SNDRV_PCM_STATE_SETUP: return "SETUP";
    case SNDRV_PCM_STATE_PREPARED: return "PREPARED";
    case SNDRV_PCM_STATE_RUNNING: return "RUNNING";
    case SNDRV_PCM_STATE_XRUN: return "XRUN";
    case SNDRV_PCM_STATE_DRAINING: return "DRAINING";
    case SNDRV_PCM_STATE_PAUSED: return "PAUSED";
    case SNDRV_PCM_STATE_SUSPENDED: return "SUSPENDED";
    case SNDRV_PCM_STATE_DISCONNECTED: return "DISCONNECTED";
  }
  return "?";
}

const char* snd_pcm_trigger_name(int cmd) {
  switch (cmd) {
    case SNDRV_PCM_TRIGGER_STOP: return "STOP";
    case SNDRV_PCM_TRIGGER_START: return "START";
    case SNDRV_PCM_TRIGGER_PAUSE_PUSH: return "PAUSE_PUSH";
    case SNDRV_PCM_TRIGGER_PAUSE_RELEASE: return "PAUSE_RELEASE";
    case SNDRV_PCM_TRIGGER_SUSPEND: return "SUSPEND";
    case SNDRV_PCM_TRIGGER_RESUME: return "RESUME";
    case SNDRV_PCM_TRIGGER_DRAIN: return "DRAIN";
  }
  return "?";
}

const char* pcm_lock_model_name(PcmLockModel m) { return m == PcmLockModel::Linux6_8 ? "6.8" : "2.6.33"; }

// ---------------------------------------------------------------- construction

snd_pcm* snd_pcm_new(const std::string& name, int device, PcmLockModel lock_model) {
  // The link rwlock is a global in Linux; re-initialise it for this kernel
  // instance (one simulation per process, but tests may build several PCMs).
  rwlock_init(&snd_pcm_link_rwlock, "snd_pcm_link_rwlock");
  auto* pcm = new snd_pcm;
  pcm->name = name;
  pcm->device = device;
  pcm->lock_model = lock_model;
  snd_pcm_substream& s = pcm->playback;
  s.pcm = pcm;
  s.stream = SNDRV_PCM_STREAM_PLAYBACK;
  s.name = "pcmC0D" + std::to_string(device) + "p";
  // One lock class for every substream's group lock, as in Linux (one init site).
  spin_lock_init(&s.self_group.lock, "&substream->self_group.lock");
  s.group = &s.self_group;
  return pcm;
}

void snd_pcm_free(snd_pcm* pcm) {
  if (!pcm) return;
  delete pcm->playback.runtime;
  delete pcm;
}

void snd_pcm_set_ops(snd_pcm* pcm, int stream, const snd_pcm_ops* ops) {
  if (stream == SNDRV_PCM_STREAM_PLAYBACK) pcm->playback.ops = ops;
}

// ---------------------------------------------------------------- stream lock

static bool old_model(const snd_pcm_substream* s) { return s->pcm->lock_model == PcmLockModel::Linux2_6_33; }

void snd_pcm_stream_lock(snd_pcm_substream* s) {
  if (old_model(s)) {
    read_lock(&snd_pcm_link_rwlock);
    spin_lock(&s->self_group.lock);
  } else {
    spin_lock(&s->group->lock);
  }
}

void snd_pcm_stream_unlock(snd_pcm_substream* s) {
  if (old_model(s)) {
    spin_unlock(&s->self_group.lock);
    read_unlock(&snd_pcm_link_rwlock);
  } else {
    spin_unlock(&s->group->lock);
  }
}

void snd_pcm_stream_lock_irq(snd_pcm_substream* s) {
  if (old_model(s)) {
    read_lock_irq(&snd_pcm_link_rwlock);
    spin_lock(&s->self_group.lock);
  } else {
    spin_lock_irq(&s->group->lock);
  }
}

void snd_pcm_stream_unlock_irq(snd_pcm_substream* s) {
  if (old_model(s)) {
    spin_unlock(&s->self_group.lock);
    read_unlock_irq(&snd_pcm_link_rwlock);
  } else {
    spin_unlock_irq(&s->group->lock);
  }
}

void snd_pcm_stream_lock_irqsave(snd_pcm_substream* s, unsigned long& flags) {
  if (old_model(s)) {
    read_lock_irqsave(&snd_pcm_link_rwlock, flags);
    spin_lock(&s->self_group.lock);
  } else {
    spin_lock_irqsave(&s->group->lock, flags);
  }
}

void snd_pcm_stream_unlock_irqrestore(snd_pcm_substream* s, unsigned long flags) {
  if (old_model(s)) {
    spin_unlock(&s->self_group.lock);
    read_unlock_irqrestore(&snd_pcm_link_rwlock, flags);
  } else {
    spin_unlock_irqrestore(&s->group->lock, flags);
  }
}

// The stream lock, as snd_pcm_stream_lock*() took it for this PCM's lock
// model, is held: the executable form of "stream lock held" below.
static void snd_pcm_stream_lock_assert_held(snd_pcm_substream* s, const char* file = __builtin_FILE(),
                                            int line = __builtin_LINE()) {
  if (old_model(s)) {
    lockdep_assert_held(&snd_pcm_link_rwlock, file, line);
    lockdep_assert_held(&s->self_group.lock, file, line);
  } else {
    lockdep_assert_held(&s->group->lock, file, line);
  }
}

bool snd_pcm_running(const snd_pcm_substream* s) {
  const snd_pcm_runtime* r = s->runtime;
  return r && (r->state == SNDRV_PCM_STATE_RUNNING ||
               (r->state == SNDRV_PCM_STATE_DRAINING && s->stream == SNDRV_PCM_STREAM_PLAYBACK));
}

// ---------------------------------------------------------------- pointer update

// The trace's ALSA counters: the ring pointers in frames.
static void trace_pcm_ptrs(const snd_pcm_substream* s) {
  trace_counter(TRACE_PID_ALSA, s->name + " hw_ptr", double(s->runtime->hw_ptr));
  trace_counter(TRACE_PID_ALSA, s->name + " appl_ptr", double(s->runtime->appl_ptr));
}

static int do_trigger(snd_pcm_substream* s, int cmd) {
  if (trace_events_on())
    trace_instant(std::string("trigger ") + snd_pcm_trigger_name(cmd), "alsa",
                  {{"cmd", std::to_string(cmd) + " (SNDRV_PCM_TRIGGER_" + snd_pcm_trigger_name(cmd) + ")"},
                   {"substream", s->name}});
  if (s->on_trigger_begin) s->on_trigger_begin(s, cmd);
  int ret = s->ops && s->ops->trigger ? s->ops->trigger(s, cmd) : 0;
  if (s->on_trigger) s->on_trigger(s, cmd, ret);
  return ret;
}

static void __snd_pcm_xrun(snd_pcm_substream* s) {
  KFUNC("__snd_pcm_xrun");
  snd_pcm_stream_lock_assert_held(s);
  snd_pcm_runtime* r = s->runtime;
  r->xruns++;
  log_warn("alsa", s->name + ": XRUN: hw_ptr " + std::to_string(r->hw_ptr) + ", appl_ptr " +
                       std::to_string(r->appl_ptr) + " (avail reached stop_threshold: playback caught up with the data written); stopping the stream");
  snd_pcm_stop(s, SNDRV_PCM_STATE_XRUN);
}

static int snd_pcm_update_state(snd_pcm_substream* s) {
  snd_pcm_stream_lock_assert_held(s);
  snd_pcm_runtime* r = s->runtime;
  snd_pcm_uframes_t avail = snd_pcm_playback_avail(r);
  if (avail >= r->stop_threshold) {
    __snd_pcm_xrun(s);
    return -PCM_EPIPE;
  }
  if (avail >= r->avail_min) wake_up(&r->sleep);
  return 0;
}

static int snd_pcm_update_hw_ptr0(snd_pcm_substream* s, bool in_interrupt) {
  KFUNC("snd_pcm_update_hw_ptr0");
  snd_pcm_stream_lock_assert_held(s);
  snd_pcm_runtime* r = s->runtime;
  snd_pcm_uframes_t pos = s->ops->pointer(s);
  if (pos == SNDRV_PCM_POS_XRUN) {
    __snd_pcm_xrun(s);
    return -PCM_EPIPE;
  }
  if (pos >= r->buffer_size) {
    log_error("alsa", s->name + ": invalid position: pos = " + std::to_string(pos) + ", buffer size = " +
                          std::to_string(r->buffer_size) + ", period size = " + std::to_string(r->period_size));
    pos = 0;
  }
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  snd_pcm_uframes_t old_hw_ptr = r->hw_ptr;
  snd_pcm_uframes_t hw_base = r->hw_ptr_base;
  snd_pcm_uframes_t new_hw_ptr = hw_base + pos;
  bool wrapped = false;
  if (in_interrupt) {
    // Less than a period past the last period boundary: either the ring
    // wrapped, or (if more than half a buffer of time passed) a whole
    // buffer went by unnoticed. ALSA decides by jiffies; here by time.
    snd_pcm_uframes_t expected = r->hw_ptr_interrupt + r->period_size;
    if (expected > new_hw_ptr) {
      const sc_core::sc_time buffer_time(double(r->buffer_size) / r->rate, sc_core::SC_SEC);
      if (now - r->hw_ptr_time > buffer_time / 2 + sc_core::sc_time(1, sc_core::SC_MS)) {
        hw_base += r->buffer_size;
        if (hw_base >= r->boundary) hw_base = 0;
        new_hw_ptr = hw_base + pos;
        wrapped = true;
      }
    }
  }
  if (!wrapped && new_hw_ptr < old_hw_ptr) {
    hw_base += r->buffer_size;
    if (hw_base >= r->boundary) hw_base = 0;
    new_hw_ptr = hw_base + pos;
  }
  snd_pcm_sframes_t delta = snd_pcm_sframes_t(new_hw_ptr) - snd_pcm_sframes_t(old_hw_ptr);
  if (delta < 0) delta += snd_pcm_sframes_t(r->boundary);
  if (snd_pcm_uframes_t(delta) >= r->buffer_size + r->period_size) {
    r->hw_ptr_errors++;
    log_error("alsa", s->name + ": Unexpected hw_ptr (pos=" + std::to_string(pos) + ", new_hw_ptr=" +
                          std::to_string(new_hw_ptr) + ", old_hw_ptr=" + std::to_string(old_hw_ptr) + ")");
    return 0;
  }
  r->hw_ptr_base = hw_base;
  r->hw_ptr = new_hw_ptr;
  r->hw_ptr_time = now;
  if (trace_events_on()) trace_pcm_ptrs(s);
  if (in_interrupt) r->hw_ptr_interrupt = new_hw_ptr - new_hw_ptr % r->period_size;
  return snd_pcm_update_state(s);
}

int snd_pcm_update_hw_ptr(snd_pcm_substream* s) { return snd_pcm_update_hw_ptr0(s, false); }

// ---------------------------------------------------------------- actions

namespace {

struct action_ops {
  int (*pre_action)(snd_pcm_substream* s, snd_pcm_state_t state);
  int (*do_action)(snd_pcm_substream* s, snd_pcm_state_t state);
  void (*undo_action)(snd_pcm_substream* s, snd_pcm_state_t state);
  void (*post_action)(snd_pcm_substream* s, snd_pcm_state_t state);
};

// START
int pre_start(snd_pcm_substream* s, snd_pcm_state_t) {
  snd_pcm_runtime* r = s->runtime;
  if (r->state != SNDRV_PCM_STATE_PREPARED) return -PCM_EBADFD;
  if (snd_pcm_playback_hw_avail(r) <= 0) return -PCM_EPIPE;  // nothing to play
  r->trigger_master = s;
  return 0;
}
int do_start(snd_pcm_substream* s, snd_pcm_state_t) {
  KFUNC("snd_pcm_do_start");
  if (s->runtime->trigger_master != s) return 0;
  return do_trigger(s, SNDRV_PCM_TRIGGER_START);
}
void undo_start(snd_pcm_substream* s, snd_pcm_state_t) {
  if (s->runtime->trigger_master == s) {
    do_trigger(s, SNDRV_PCM_TRIGGER_STOP);
    s->runtime->stop_operating = true;
  }
}
void post_start(snd_pcm_substream* s, snd_pcm_state_t state) {
  snd_pcm_runtime* r = s->runtime;
  r->hw_ptr_time = sc_core::sc_time_stamp();
  r->state = state;
}
const action_ops action_start = {pre_start, do_start, undo_start, post_start};

// STOP
int pre_stop(snd_pcm_substream* s, snd_pcm_state_t) {
  if (s->runtime->state == SNDRV_PCM_STATE_OPEN) return -PCM_EBADFD;
  s->runtime->trigger_master = s;
  return 0;
}
int do_stop(snd_pcm_substream* s, snd_pcm_state_t) {
  KFUNC("snd_pcm_do_stop");
  if (s->runtime->trigger_master == s && snd_pcm_running(s)) {
    do_trigger(s, SNDRV_PCM_TRIGGER_STOP);
    s->runtime->stop_operating = true;
  }
  return 0;  // unconditionally stop all substreams
}
void post_stop(snd_pcm_substream* s, snd_pcm_state_t state) {
  snd_pcm_runtime* r = s->runtime;
  if (r->state != state) {
    r->state = state;
    wake_up(&r->sleep);
  }
}
const action_ops action_stop = {pre_stop, do_stop, nullptr, post_stop};

// PAUSE (state argument: RUNNING = release, PAUSED = push)
int pre_pause(snd_pcm_substream* s, snd_pcm_state_t st) {
  snd_pcm_runtime* r = s->runtime;
  const bool push = st == SNDRV_PCM_STATE_PAUSED;
  if (!(r->info & SNDRV_PCM_INFO_PAUSE)) return -38;  // -ENOSYS
  if (push ? r->state != SNDRV_PCM_STATE_RUNNING : r->state != SNDRV_PCM_STATE_PAUSED) return -PCM_EBADFD;
  r->trigger_master = s;
  return 0;
}
int do_pause(snd_pcm_substream* s, snd_pcm_state_t st) {
  KFUNC("snd_pcm_do_pause");
  snd_pcm_runtime* r = s->runtime;
  const bool push = st == SNDRV_PCM_STATE_PAUSED;
  if (r->trigger_master != s) return 0;
  // Sync the pointer before pausing; after a release the time-based
  // missed-buffer check must not count the pause.
  if (push) snd_pcm_update_hw_ptr(s);
  else r->hw_ptr_time = sc_core::sc_time_stamp();
  return do_trigger(s, push ? SNDRV_PCM_TRIGGER_PAUSE_PUSH : SNDRV_PCM_TRIGGER_PAUSE_RELEASE);
}
void undo_pause(snd_pcm_substream* s, snd_pcm_state_t st) {
  if (s->runtime->trigger_master == s)
    do_trigger(s, st == SNDRV_PCM_STATE_PAUSED ? SNDRV_PCM_TRIGGER_PAUSE_RELEASE : SNDRV_PCM_TRIGGER_PAUSE_PUSH);
}
void post_pause(snd_pcm_substream* s, snd_pcm_state_t st) {
  snd_pcm_runtime* r = s->runtime;
  r->state = st;
  if (st == SNDRV_PCM_STATE_PAUSED) wake_up(&r->sleep);
  else r->hw_ptr_time = sc_core::sc_time_stamp();
}
const action_ops action_pause = {pre_pause, do_pause, undo_pause, post_pause};

// SUSPEND
int pre_suspend(snd_pcm_substream* s, snd_pcm_state_t) {
  snd_pcm_runtime* r = s->runtime;
  switch (r->state) {
    case SNDRV_PCM_STATE_SUSPENDED:
    case SNDRV_PCM_STATE_OPEN:
    case SNDRV_PCM_STATE_SETUP:
    case SNDRV_PCM_STATE_DISCONNECTED:
      return -PCM_EBUSY;
    default:
      break;
  }
  r->trigger_master = s;
  return 0;
}
int do_suspend(snd_pcm_substream* s, snd_pcm_state_t) {
  KFUNC("snd_pcm_do_suspend");
  snd_pcm_runtime* r = s->runtime;
  if (r->trigger_master != s || !snd_pcm_running(s)) return 0;
  do_trigger(s, SNDRV_PCM_TRIGGER_SUSPEND);
  r->stop_operating = true;
  return 0;
}
void post_suspend(snd_pcm_substream* s, snd_pcm_state_t) {
  snd_pcm_runtime* r = s->runtime;
  r->suspended_state = r->state;
  r->state = SNDRV_PCM_STATE_SUSPENDED;
  wake_up(&r->sleep);
}
const action_ops action_suspend = {pre_suspend, do_suspend, nullptr, post_suspend};

// RESUME
int pre_resume(snd_pcm_substream* s, snd_pcm_state_t) {
  snd_pcm_runtime* r = s->runtime;
  if (!(r->info & SNDRV_PCM_INFO_RESUME)) return -38;  // -ENOSYS
  if (r->state != SNDRV_PCM_STATE_SUSPENDED) return -PCM_EBADFD;
  r->trigger_master = s;
  return 0;
}
int do_resume(snd_pcm_substream* s, snd_pcm_state_t) {
  KFUNC("snd_pcm_do_resume");
  snd_pcm_runtime* r = s->runtime;
  if (r->trigger_master != s) return 0;
  if (r->suspended_state != SNDRV_PCM_STATE_RUNNING) return 0;  // DMA was not running
  r->hw_ptr_time = sc_core::sc_time_stamp();
  return do_trigger(s, SNDRV_PCM_TRIGGER_RESUME);
}
void undo_resume(snd_pcm_substream* s, snd_pcm_state_t) {
  if (s->runtime->trigger_master == s && s->runtime->suspended_state == SNDRV_PCM_STATE_RUNNING)
    do_trigger(s, SNDRV_PCM_TRIGGER_SUSPEND);
}
void post_resume(snd_pcm_substream* s, snd_pcm_state_t) {
  snd_pcm_runtime* r = s->runtime;
  r->state = r->suspended_state;
  r->hw_ptr_time = sc_core::sc_time_stamp();
}
const action_ops action_resume = {pre_resume, do_resume, undo_resume, post_resume};

// snd_pcm_action_single: the stream lock is held.
int snd_pcm_action(const action_ops* ops, snd_pcm_substream* s, snd_pcm_state_t state) {
  snd_pcm_stream_lock_assert_held(s);
  int res = ops->pre_action(s, state);
  if (res < 0) return res;
  res = ops->do_action(s, state);
  if (res == 0) ops->post_action(s, state);
  else if (ops->undo_action) ops->undo_action(s, state);
  return res;
}

int snd_pcm_action_lock_irq(const action_ops* ops, snd_pcm_substream* s, snd_pcm_state_t state) {
  KFUNC("snd_pcm_action_lock_irq");
  snd_pcm_stream_lock_irq(s);
  int res = snd_pcm_action(ops, s, state);
  snd_pcm_stream_unlock_irq(s);
  return res;
}

bool opened(snd_pcm_substream* s) { return s && s->runtime && s->hw_opened; }

}  // namespace

int snd_pcm_start(snd_pcm_substream* s) {
  KFUNC("snd_pcm_start");
  if (!opened(s)) return -PCM_EBADFD;
  return snd_pcm_action_lock_irq(&action_start, s, SNDRV_PCM_STATE_RUNNING);
}

int snd_pcm_stop(snd_pcm_substream* s, snd_pcm_state_t state) {
  KFUNC("snd_pcm_stop");
  return snd_pcm_action(&action_stop, s, state);
}

int snd_pcm_drop(snd_pcm_substream* s) {
  KFUNC("snd_pcm_drop");
  if (!opened(s)) return -PCM_EBADFD;
  snd_pcm_runtime* r = s->runtime;
  if (r->state == SNDRV_PCM_STATE_OPEN || r->state == SNDRV_PCM_STATE_DISCONNECTED) return -PCM_EBADFD;
  snd_pcm_stream_lock_irq(s);
  if (r->state == SNDRV_PCM_STATE_PAUSED) snd_pcm_action(&action_pause, s, SNDRV_PCM_STATE_RUNNING);  // resume pause
  snd_pcm_stop(s, SNDRV_PCM_STATE_SETUP);
  snd_pcm_stream_unlock_irq(s);
  return 0;
}

int snd_pcm_pause(snd_pcm_substream* s, bool push) {
  KFUNC(push ? "snd_pcm_pause(push)" : "snd_pcm_pause(release)");
  if (!opened(s)) return -PCM_EBADFD;
  return snd_pcm_action_lock_irq(&action_pause, s, push ? SNDRV_PCM_STATE_PAUSED : SNDRV_PCM_STATE_RUNNING);
}

int snd_pcm_suspend(snd_pcm_substream* s) {
  KFUNC("snd_pcm_suspend");
  if (!opened(s)) return 0;
  unsigned long flags;
  snd_pcm_stream_lock_irqsave(s, flags);
  int res = snd_pcm_action(&action_suspend, s, SNDRV_PCM_STATE_SUSPENDED);
  snd_pcm_stream_unlock_irqrestore(s, flags);
  return res;
}

int snd_pcm_resume(snd_pcm_substream* s) {
  KFUNC("snd_pcm_resume");
  if (!opened(s)) return -PCM_EBADFD;
  return snd_pcm_action_lock_irq(&action_resume, s, SNDRV_PCM_STATE_RUNNING);
}

int snd_pcm_stop_xrun(snd_pcm_substream* s) {
  KFUNC("snd_pcm_stop_xrun");
  unsigned long flags;
  snd_pcm_stream_lock_irqsave(s, flags);
  if (s->runtime && snd_pcm_running(s)) __snd_pcm_xrun(s);
  snd_pcm_stream_unlock_irqrestore(s, flags);
  return 0;
}

// ---------------------------------------------------------------- period elapsed

void snd_pcm_period_elapsed(snd_pcm_substream* s) {
  KFUNC("snd_pcm_period_elapsed");
  if (!s || !s->runtime) return;
  if (s->on_period_elapsed) s->on_period_elapsed(s);
  unsigned long flags;
  snd_pcm_stream_lock_irqsave(s, flags);
  s->runtime->period_elapsed_calls++;
  if (snd_pcm_running(s)) snd_pcm_update_hw_ptr0(s, true);
  snd_pcm_stream_unlock_irqrestore(s, flags);
}

// ---------------------------------------------------------------- file operations

int snd_pcm_open_substream(snd_pcm* pcm, int stream, snd_pcm_substream** rsubstream) {
  KFUNC("snd_pcm_open");
  might_sleep();
  if (stream != SNDRV_PCM_STREAM_PLAYBACK) return -PCM_ENODEV;
  snd_pcm_substream* s = &pcm->playback;
  if (s->runtime) return -PCM_EBUSY;
  s->runtime = new snd_pcm_runtime;
  s->runtime->state = SNDRV_PCM_STATE_OPEN;
  init_waitqueue_head(&s->runtime->sleep);
  if (s->ops && s->ops->open) {
    int err = s->ops->open(s);
    if (err < 0) {
      delete s->runtime;
      s->runtime = nullptr;
      return err;
    }
  }
  s->hw_opened = true;
  *rsubstream = s;
  return 0;
}

int snd_pcm_hw_params(snd_pcm_substream* s, const struct snd_pcm_hw_params* p) {
  KFUNC("snd_pcm_hw_params");
  might_sleep();
  if (!opened(s)) return -PCM_EBADFD;
  snd_pcm_runtime* r = s->runtime;
  snd_pcm_stream_lock_irq(s);
  const snd_pcm_state_t st = r->state;
  snd_pcm_stream_unlock_irq(s);
  if (st != SNDRV_PCM_STATE_OPEN && st != SNDRV_PCM_STATE_SETUP && st != SNDRV_PCM_STATE_PREPARED)
    return -PCM_EBADFD;
  const unsigned frame_bytes = p->channels * p->sample_bits / 8;
  if (!frame_bytes || !p->rate || p->periods < 2 || !p->period_bytes || p->period_bytes % frame_bytes)
    return -PCM_EINVAL;
  if (r->dma_area && s->ops->hw_free) s->ops->hw_free(s);  // re-setup
  r->rate = p->rate;
  r->channels = p->channels;
  r->sample_bits = p->sample_bits;
  r->frame_bits = p->channels * p->sample_bits;
  r->period_size = p->period_bytes / frame_bytes;
  r->periods = p->periods;
  r->buffer_size = r->period_size * p->periods;
  // boundary: the largest buffer_size * 2^n that keeps pointer arithmetic in range.
  r->boundary = r->buffer_size;
  while (r->boundary * 2 <= (~snd_pcm_uframes_t(0) >> 2) - r->buffer_size) r->boundary *= 2;
  r->avail_min = r->period_size;
  r->start_threshold = r->boundary;  // explicit start (SNDRV_PCM_IOCTL_START), as the control thread does
  r->stop_threshold = r->buffer_size;
  if (s->ops->hw_params) {
    int err = s->ops->hw_params(s, p);
    if (err < 0) {
      r->state = SNDRV_PCM_STATE_OPEN;
      return err;
    }
  }
  r->state = SNDRV_PCM_STATE_SETUP;
  return 0;
}

int snd_pcm_hw_free(snd_pcm_substream* s) {
  KFUNC("snd_pcm_hw_free");
  might_sleep();
  if (!opened(s)) return -PCM_EBADFD;
  snd_pcm_runtime* r = s->runtime;
  if (r->state == SNDRV_PCM_STATE_RUNNING || r->state == SNDRV_PCM_STATE_PAUSED) return -PCM_EBADFD;
  snd_pcm_sync_stop(s);
  int err = s->ops->hw_free ? s->ops->hw_free(s) : 0;
  r->state = SNDRV_PCM_STATE_OPEN;
  return err;
}

int snd_pcm_sync_stop(snd_pcm_substream* s) {
  KFUNC("snd_pcm_sync_stop");
  snd_pcm_runtime* r = s->runtime;
  if (r && r->stop_operating) {
    r->stop_operating = false;
    if (s->ops->sync_stop) s->ops->sync_stop(s);
  }
  return 0;
}

int snd_pcm_prepare(snd_pcm_substream* s) {
  KFUNC("snd_pcm_prepare");
  might_sleep();
  if (!opened(s)) return -PCM_EBADFD;
  snd_pcm_runtime* r = s->runtime;
  snd_pcm_stream_lock_irq(s);
  const snd_pcm_state_t st = r->state;
  snd_pcm_stream_unlock_irq(s);
  if (st == SNDRV_PCM_STATE_OPEN || st == SNDRV_PCM_STATE_DISCONNECTED) return -PCM_EBADFD;
  if (st == SNDRV_PCM_STATE_RUNNING || st == SNDRV_PCM_STATE_PAUSED) return -PCM_EBUSY;
  snd_pcm_sync_stop(s);  // the previous run's DMA callbacks are finished after this
  if (s->ops->prepare) {
    int err = s->ops->prepare(s);
    if (err < 0) return err;
  }
  snd_pcm_stream_lock_irq(s);
  r->hw_ptr = r->hw_ptr_base = r->hw_ptr_interrupt = 0;
  r->appl_ptr = 0;
  r->delay = 0;
  r->hw_ptr_time = sc_core::sc_time_stamp();
  r->state = SNDRV_PCM_STATE_PREPARED;
  if (trace_events_on()) trace_pcm_ptrs(s);
  snd_pcm_stream_unlock_irq(s);
  return 0;
}

int snd_pcm_release(snd_pcm_substream* s) {
  KFUNC("snd_pcm_release");
  might_sleep();
  if (!opened(s)) return -PCM_EBADFD;
  snd_pcm_runtime* r = s->runtime;
  if (r->state != SNDRV_PCM_STATE_OPEN && r->state != SNDRV_PCM_STATE_SETUP) snd_pcm_drop(s);
  snd_pcm_sync_stop(s);
  if (r->dma_area && s->ops->hw_free) s->ops->hw_free(s);
  if (s->ops->close) s->ops->close(s);
  s->hw_opened = false;
  delete s->runtime;
  s->runtime = nullptr;
  return 0;
}

snd_pcm_sframes_t snd_pcm_avail(snd_pcm_substream* s) {
  if (!opened(s)) return -PCM_EBADFD;
  snd_pcm_stream_lock_irq(s);
  int err = 0;
  if (s->runtime->state == SNDRV_PCM_STATE_RUNNING) err = snd_pcm_update_hw_ptr(s);
  snd_pcm_sframes_t avail = err < 0 ? err : snd_pcm_sframes_t(snd_pcm_playback_avail(s->runtime));
  snd_pcm_stream_unlock_irq(s);
  return avail;
}

// ---------------------------------------------------------------- write

// State check for the writer (stream lock held).
static int pcm_accessible_state(const snd_pcm_runtime* r) {
  switch (r->state) {
    case SNDRV_PCM_STATE_PREPARED:
    case SNDRV_PCM_STATE_RUNNING:
    case SNDRV_PCM_STATE_PAUSED:
      return 0;
    case SNDRV_PCM_STATE_XRUN:
      return -PCM_EPIPE;
    case SNDRV_PCM_STATE_SUSPENDED:
      return -PCM_ESTRPIPE;
    default:
      return -PCM_EBADFD;
  }
}

// Wait for room (stream lock held with IRQs off; dropped while sleeping).
static int wait_for_avail(snd_pcm_substream* s, snd_pcm_uframes_t* availp) {
  KFUNC("wait_for_avail");
  snd_pcm_stream_lock_assert_held(s);
  snd_pcm_runtime* r = s->runtime;
  sc_core::sc_time deadline = sc_core::sc_time_stamp() + write_timeout();
  for (;;) {
    snd_pcm_uframes_t avail = snd_pcm_playback_avail(r);
    if (avail >= r->avail_min || (avail && r->state == SNDRV_PCM_STATE_PREPARED)) {
      *availp = avail;
      return 0;
    }
    __wait_prepare(&r->sleep, TASK_INTERRUPTIBLE);
    snd_pcm_stream_unlock_irq(s);
    sc_core::sc_time left = deadline > sc_core::sc_time_stamp() ? deadline - sc_core::sc_time_stamp() : sc_core::SC_ZERO_TIME;
    bool timed_out = left == sc_core::SC_ZERO_TIME || this_kernel().schedule_timeout(left);
    snd_pcm_stream_lock_irq(s);
    __wait_finish(&r->sleep);
    int err = pcm_accessible_state(r);
    if (err < 0) return err;
    if (r->state == SNDRV_PCM_STATE_PAUSED) {  // no timeout while paused
      deadline = sc_core::sc_time_stamp() + write_timeout();
      continue;
    }
    if (r->state == SNDRV_PCM_STATE_RUNNING) snd_pcm_update_hw_ptr(s);
    if (r->state != SNDRV_PCM_STATE_RUNNING && r->state != SNDRV_PCM_STATE_PREPARED) return pcm_accessible_state(r);
    if (timed_out && snd_pcm_playback_avail(r) < r->avail_min) {
      log_error("alsa", s->name + ": playback write error (DMA or IRQ trouble?)");
      return -PCM_EIO;
    }
  }
}

snd_pcm_sframes_t snd_pcm_lib_write(snd_pcm_substream* s, const void* buf, snd_pcm_uframes_t size) {
  KFUNC("snd_pcm_lib_write");
  might_sleep();
  if (!opened(s)) return -PCM_EBADFD;
  snd_pcm_runtime* r = s->runtime;
  if (!r->dma_area) return -PCM_EBADFD;
  Cpu& cpu = this_kernel().cpu();
  const uint8_t* src = static_cast<const uint8_t*>(buf);
  snd_pcm_uframes_t xfer = 0;
  int err = 0;
  snd_pcm_stream_lock_irq(s);
  err = pcm_accessible_state(r);
  while (err == 0 && size > 0) {
    if (r->state == SNDRV_PCM_STATE_RUNNING) {
      err = snd_pcm_update_hw_ptr(s);
      if (err < 0) break;
    }
    snd_pcm_uframes_t avail = snd_pcm_playback_avail(r);
    if (avail == 0) {
      err = wait_for_avail(s, &avail);
      if (err < 0) break;
    }
    snd_pcm_uframes_t frames = size > avail ? avail : size;
    const snd_pcm_uframes_t appl_ofs = r->appl_ptr % r->buffer_size;
    const snd_pcm_uframes_t cont = r->buffer_size - appl_ofs;
    if (frames > cont) frames = cont;
    const snd_pcm_uframes_t appl_ptr = r->appl_ptr;
    // The copy runs with the lock dropped and IRQs on (copy_from_user).
    snd_pcm_stream_unlock_irq(s);
    cpu.memcpy_to_bus(r->dma_addr + frames_to_bytes(r, appl_ofs), src + frames_to_bytes(r, xfer),
                      frames_to_bytes(r, frames));
    snd_pcm_stream_lock_irq(s);
    err = pcm_accessible_state(r);
    if (err < 0) break;
    if (r->appl_ptr != appl_ptr) {  // someone else moved it (reset)
      err = -PCM_EBADFD;
      break;
    }
    snd_pcm_uframes_t np = appl_ptr + frames;
    if (np >= r->boundary) np -= r->boundary;
    r->appl_ptr = np;
    if (trace_events_on()) trace_pcm_ptrs(s);
    xfer += frames;
    size -= frames;
  }
  snd_pcm_stream_unlock_irq(s);
  return xfer > 0 ? snd_pcm_sframes_t(xfer) : err;
}

}  // namespace dmacosim::sound
