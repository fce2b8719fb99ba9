// ALSA PCM core (sound/core/pcm_native.c, pcm_lib.c), the playback subset the
// dmacosim audio path needs, with ALSA's names and locking.
//
// What is modelled, and how it maps to Linux:
//  - snd_pcm / snd_pcm_substream / snd_pcm_runtime with the ring-buffer
//    geometry (buffer_size, period_size, boundary), hw_ptr / appl_ptr,
//    hw_ptr_base / hw_ptr_interrupt and the state machine
//    (OPEN, SETUP, PREPARED, RUNNING, XRUN, PAUSED, SUSPENDED).
//  - The stream lock, in one of two lock models chosen per PCM:
//      * PcmLockModel::Linux2_6_33 (default, the kernel of the 2010 seed mail):
//        snd_pcm_stream_lock_irq() = read_lock_irq(&snd_pcm_link_rwlock) +
//        spin_lock(&substream->self_group.lock); _irqsave likewise with
//        read_lock_irqsave.
//      * PcmLockModel::Linux6_8: spin_lock_irq(&substream->group->lock)
//        (no link rwlock in the stream lock; the generic dmaengine PCM is atomic).
//    Either way trigger() runs with IRQs disabled and the stream lock held.
//  - Actions (snd_pcm_action: pre/do/undo/post) for START, STOP (drop / xrun),
//    PAUSE_PUSH/PAUSE_RELEASE, SUSPEND and RESUME; they call ops->trigger()
//    with the command under the stream lock, as ALSA does.
//  - snd_pcm_period_elapsed(): stream lock irqsave -> update_hw_ptr0 (calls
//    ops->pointer, detects ring wrap and a missed whole buffer, updates
//    hw_ptr) -> update_state (xrun when avail >= stop_threshold: snd_pcm_stop(
//    XRUN) from inside the callback, which triggers STOP) -> wake the writer.
//  - snd_pcm_prepare() and snd_pcm_release() call snd_pcm_sync_stop() in
//    process context (ops->sync_stop, e.g. dmaengine_synchronize) when a stop
//    happened since, as ALSA >= 5.6.
//  - snd_pcm_lib_write(): a blocking write of interleaved frames into the ring
//    (the copy is done outside the stream lock, with the CPU through the bus),
//    waiting for room on runtime->sleep with a timeout ("playback write error
//    (DMA or IRQ trouble?)" and -EIO on expiry, as ALSA).
// Not modelled: capture, linked streams (the link rwlock is taken but no
// group ever has more than one member), mmap, the timer interface, drain.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "driver/kernel/rwlock.h"
#include "driver/kernel/sched.h"
#include "driver/kernel/spinlock.h"

namespace dmacosim::sound {

using snd_pcm_uframes_t = unsigned long;
using snd_pcm_sframes_t = long;
using dma_addr_t = uint64_t;

enum snd_pcm_state_t : int {
  SNDRV_PCM_STATE_OPEN = 0,
  SNDRV_PCM_STATE_SETUP,
  SNDRV_PCM_STATE_PREPARED,
  SNDRV_PCM_STATE_RUNNING,
  SNDRV_PCM_STATE_XRUN,
  SNDRV_PCM_STATE_DRAINING,
  SNDRV_PCM_STATE_PAUSED,
  SNDRV_PCM_STATE_SUSPENDED,
  SNDRV_PCM_STATE_DISCONNECTED,
};

// Trigger commands (include/sound/pcm.h). 2 is unused.
enum {
  SNDRV_PCM_TRIGGER_STOP = 0,
  SNDRV_PCM_TRIGGER_START = 1,
  SNDRV_PCM_TRIGGER_PAUSE_PUSH = 3,
  SNDRV_PCM_TRIGGER_PAUSE_RELEASE = 4,
  SNDRV_PCM_TRIGGER_SUSPEND = 5,
  SNDRV_PCM_TRIGGER_RESUME = 6,
  SNDRV_PCM_TRIGGER_DRAIN = 7,
};

enum { SNDRV_PCM_STREAM_PLAYBACK = 0, SNDRV_PCM_STREAM_CAPTURE = 1 };

// runtime->hw.info bits used here (include/uapi/sound/asound.h).
constexpr unsigned SNDRV_PCM_INFO_BATCH = 0x00000010;
constexpr unsigned SNDRV_PCM_INFO_RESUME = 0x00040000;
constexpr unsigned SNDRV_PCM_INFO_PAUSE = 0x00080000;

constexpr snd_pcm_uframes_t SNDRV_PCM_POS_XRUN = ~snd_pcm_uframes_t(0);

// Linux errno values returned here (negated).
enum { PCM_EIO = 5, PCM_EAGAIN = 11, PCM_ENOMEM = 12, PCM_EBUSY = 16, PCM_ENODEV = 19, PCM_EINVAL = 22,
       PCM_EPIPE = 32, PCM_ESTRPIPE = 86, PCM_EBADFD = 77 };

const char* snd_pcm_state_name(snd_pcm_state_t state);
const char* snd_pcm_trigger_name(int cmd);  // "START", "PAUSE_PUSH", ...

enum class PcmLockModel { Linux2_6_33, Linux6_8 };
const char* pcm_lock_model_name(PcmLockModel m);  // "2.6.33" / "6.8"

// The hw_params the application chooses (interleaved S16_LE stereo here).
struct snd_pcm_hw_params {
  unsigned rate = 48000;
  unsigned channels = 2;
  unsigned sample_bits = 16;
  unsigned period_bytes = 1024;
  unsigned periods = 4;
};

struct snd_pcm;
struct snd_pcm_substream;

struct snd_pcm_ops {
  int (*open)(snd_pcm_substream* substream) = nullptr;
  int (*close)(snd_pcm_substream* substream) = nullptr;
  int (*hw_params)(snd_pcm_substream* substream, const snd_pcm_hw_params* params) = nullptr;
  int (*hw_free)(snd_pcm_substream* substream) = nullptr;
  int (*prepare)(snd_pcm_substream* substream) = nullptr;
  int (*trigger)(snd_pcm_substream* substream, int cmd) = nullptr;  // atomic: stream lock held, IRQs off
  int (*sync_stop)(snd_pcm_substream* substream) = nullptr;         // process context, may sleep
  snd_pcm_uframes_t (*pointer)(snd_pcm_substream* substream) = nullptr;  // stream lock held
};

struct snd_pcm_group {
  kernel::spinlock_t lock;
};

struct snd_pcm_runtime {
  snd_pcm_state_t state = SNDRV_PCM_STATE_OPEN;
  snd_pcm_state_t suspended_state = SNDRV_PCM_STATE_OPEN;
  // Pointers in frames, modulo boundary.
  snd_pcm_uframes_t hw_ptr = 0;
  snd_pcm_uframes_t appl_ptr = 0;
  snd_pcm_uframes_t hw_ptr_base = 0;       // position of the ring start in hw_ptr coordinates
  snd_pcm_uframes_t hw_ptr_interrupt = 0;  // hw_ptr at the last period boundary
  sc_core::sc_time hw_ptr_time;            // when hw_ptr was last updated (ALSA: hw_ptr_jiffies)
  snd_pcm_sframes_t delay = 0;
  // Geometry (frames unless named _bytes).
  unsigned rate = 0, channels = 0, sample_bits = 0, frame_bits = 0;
  snd_pcm_uframes_t period_size = 0, buffer_size = 0, boundary = 0;
  unsigned periods = 0;
  snd_pcm_uframes_t avail_min = 0, start_threshold = 0, stop_threshold = 0;
  unsigned info = 0;  // SNDRV_PCM_INFO_*
  // The DMA buffer (coherent memory in the simulated RAM; dma_area is the
  // identity-mapped "virtual" address, see dma-mapping.h).
  void* dma_area = nullptr;
  dma_addr_t dma_addr = 0;
  size_t dma_bytes = 0;
  void* private_data = nullptr;  // the PCM driver's (pcm_dmaengine: its prtd)
  kernel::wait_queue_head_t sleep;  // writers waiting for room
  bool stop_operating = false;      // a stop happened: sync_stop pending
  snd_pcm_substream* trigger_master = nullptr;
  // dmacosim statistics, protected by the stream lock like the rest of the
  // runtime. period_elapsed_calls: the PCM layer's count of period callbacks
  // (snd_pcm_period_elapsed() calls); the one to read for "callbacks" (one
  // may stand for several periods: the DMA provider's count of periods is
  // its own, dmac_chan::periods).
  uint64_t period_elapsed_calls = 0;
  uint64_t xruns = 0;
  uint64_t hw_ptr_errors = 0;
};

struct snd_pcm_substream {
  snd_pcm* pcm = nullptr;
  int stream = SNDRV_PCM_STREAM_PLAYBACK;
  std::string name;  // "pcmC0D0p"
  snd_pcm_group self_group;
  snd_pcm_group* group = &self_group;
  const snd_pcm_ops* ops = nullptr;
  snd_pcm_runtime* runtime = nullptr;
  void* private_data = nullptr;  // the card/DAI driver's
  bool hw_opened = false;
  // dmacosim instrumentation (not in Linux): called at the entry of
  // snd_pcm_period_elapsed(), and before and after every trigger() (with its result).
  std::function<void(snd_pcm_substream*)> on_period_elapsed;
  std::function<void(snd_pcm_substream*, int cmd)> on_trigger_begin;  // before ops->trigger
  std::function<void(snd_pcm_substream*, int cmd, int ret)> on_trigger;  // after it returned
};

struct snd_pcm {
  std::string name;
  int device = 0;
  PcmLockModel lock_model = PcmLockModel::Linux2_6_33;
  bool nonatomic = false;  // only atomic PCMs are modelled
  snd_pcm_substream playback;
};

// The global link rwlock (sound/core/pcm_native.c).
extern kernel::rwlock_t snd_pcm_link_rwlock;

// ---- PCM construction (process context) ----
snd_pcm* snd_pcm_new(const std::string& name, int device, PcmLockModel lock_model);
void snd_pcm_free(snd_pcm* pcm);
void snd_pcm_set_ops(snd_pcm* pcm, int stream, const snd_pcm_ops* ops);

// ---- the stream lock ----
void snd_pcm_stream_lock(snd_pcm_substream* substream);
void snd_pcm_stream_unlock(snd_pcm_substream* substream);
void snd_pcm_stream_lock_irq(snd_pcm_substream* substream);
void snd_pcm_stream_unlock_irq(snd_pcm_substream* substream);
void snd_pcm_stream_lock_irqsave(snd_pcm_substream* substream, unsigned long& flags);
void snd_pcm_stream_unlock_irqrestore(snd_pcm_substream* substream, unsigned long flags);

// ---- file operations (process context, may sleep) ----
int snd_pcm_open_substream(snd_pcm* pcm, int stream, snd_pcm_substream** rsubstream);
int snd_pcm_release(snd_pcm_substream* substream);  // drop + sync_stop + hw_free + close
int snd_pcm_hw_params(snd_pcm_substream* substream, const struct snd_pcm_hw_params* params);
int snd_pcm_hw_free(snd_pcm_substream* substream);
int snd_pcm_prepare(snd_pcm_substream* substream);
int snd_pcm_sync_stop(snd_pcm_substream* substream);
// Blocking write of `frames` interleaved frames (frame_bits/8 bytes each) from
// host memory `buf`. Returns the frames written (possibly fewer when the
// stream stops) or a negative error (-EPIPE xrun, -ESTRPIPE suspended,
// -EBADFD wrong state, -EIO timeout).
snd_pcm_sframes_t snd_pcm_lib_write(snd_pcm_substream* substream, const void* buf, snd_pcm_uframes_t frames);
// Frames of room for the application (updates the hardware pointer).
snd_pcm_sframes_t snd_pcm_avail(snd_pcm_substream* substream);

// ---- trigger actions (take the stream lock themselves, IRQs off) ----
int snd_pcm_start(snd_pcm_substream* substream);
int snd_pcm_drop(snd_pcm_substream* substream);       // stop -> SETUP
int snd_pcm_pause(snd_pcm_substream* substream, bool push);
int snd_pcm_suspend(snd_pcm_substream* substream);     // irqsave, as snd_pcm_suspend_all
int snd_pcm_resume(snd_pcm_substream* substream);
int snd_pcm_stop_xrun(snd_pcm_substream* substream);   // irqsave, any context

// ---- with the stream lock held ----
int snd_pcm_stop(snd_pcm_substream* substream, snd_pcm_state_t state);
int snd_pcm_update_hw_ptr(snd_pcm_substream* substream);
bool snd_pcm_running(const snd_pcm_substream* substream);

// ---- from the driver's interrupt / DMA callback, any context ----
void snd_pcm_period_elapsed(snd_pcm_substream* substream);

// ---- helpers (pcm.h inlines) ----
inline snd_pcm_uframes_t snd_pcm_playback_avail(const snd_pcm_runtime* runtime) {
  snd_pcm_sframes_t avail = snd_pcm_sframes_t(runtime->hw_ptr + runtime->buffer_size) - snd_pcm_sframes_t(runtime->appl_ptr);
  if (avail < 0) avail += snd_pcm_sframes_t(runtime->boundary);
  else if (snd_pcm_uframes_t(avail) >= runtime->boundary) avail -= snd_pcm_sframes_t(runtime->boundary);
  return snd_pcm_uframes_t(avail);
}
inline snd_pcm_sframes_t snd_pcm_playback_hw_avail(const snd_pcm_runtime* runtime) {
  return snd_pcm_sframes_t(runtime->buffer_size) - snd_pcm_sframes_t(snd_pcm_playback_avail(runtime));
}
inline size_t frames_to_bytes(const snd_pcm_runtime* runtime, snd_pcm_uframes_t frames) {
  return frames * runtime->frame_bits / 8;
}
inline snd_pcm_uframes_t bytes_to_frames(const snd_pcm_runtime* runtime, size_t bytes) {
  return bytes * 8 / runtime->frame_bits;
}
inline size_t snd_pcm_lib_buffer_bytes(const snd_pcm_substream* substream) {
  return frames_to_bytes(substream->runtime, substream->runtime->buffer_size);
}
inline size_t snd_pcm_lib_period_bytes(const snd_pcm_substream* substream) {
  return frames_to_bytes(substream->runtime, substream->runtime->period_size);
}
inline snd_pcm_runtime* substream_runtime(snd_pcm_substream* s) { return s->runtime; }

}  // namespace dmacosim::sound
