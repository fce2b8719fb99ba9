// The software timeline: a recorder of trace events written as Chrome JSON
// trace events (the format Perfetto's UI and chrome://tracing open), on the
// simulation's time base (`ts` in microseconds = simulated ps / 10^6, exact).
//
// What it records (each from a one-line hook where it happens):
//  - pid 1 "CPU 0": one thread track per task; while the task is on the CPU a
//    slice per execution context ("process:alsa-ctl", "hardirq:dmac",
//    "softirq:tasklet dma0chan0") with the KFUNC-annotated functions nested
//    inside, as the contexts nest (an interrupt is a slice inside the task it
//    interrupted); closed when the task is switched out, reopened when back.
//  - pid 2 "locks": one async span per lock hold (name = lock class; args: the
//    acquiring API, e.g. spin_lock_bh, read kind, context chain).
//  - pid 3 "DMA descriptors": one async span per descriptor, from prep to its
//    release, with nested phases (prepared, submitted, issued, on hardware,
//    completed) and a nested "callback" span per callback; cookie in args.
//  - counters (ph "C": the residue each client was told, per channel; pid 4
//    "platform": IRQ lines, the audio FIFO, AXI bursts outstanding per
//    direction) and instants (ph "i": validator reports with their
//    text, PCM triggers) from the hooks in tb/ and driver/sound/.
// Events are streamed to the file as they happen (nothing kept but the open
// slices); trace_event_close() ends what is still open at the close time.
// Off (no file open) every hook is one branch.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dmacosim::kernel {

struct task_struct;
struct held_lock;
class TraceEventWriter;

extern TraceEventWriter* g_trace_events;  // non-null while a trace file is open
inline bool trace_events_on() { return g_trace_events != nullptr; }

// Track groups (Chrome JSON "pid"s).
enum trace_pid { TRACE_PID_CPU = 1, TRACE_PID_LOCKS = 2, TRACE_PID_DMA = 3, TRACE_PID_PLATFORM = 4, TRACE_PID_ALSA = 5 };

using trace_args = std::vector<std::pair<std::string, std::string>>;  // values are written as JSON strings

// Opens `path` for writing (replacing it); false with `*error` set if it
// cannot be written. The current task's contexts are opened at once.
bool trace_event_open(const std::string& path, std::string* error);
// Ends every open slice and span at the current simulated time and finishes
// the file. No-op when not open.
void trace_event_close();
// Path of the open trace ("" when off).
std::string trace_event_path();

// ---- hooks (call only when trace_events_on()) ----
// `t`'s context stack changed, or it was switched in/out: its thread track
// is brought in line (slices ended/begun as needed, properly nested).
void trace_task_sync(task_struct* t);
// The CPU's interrupt state as counters on the CPU: "hardirqs off" (the
// local IRQ flag; `off` the value about to be set, -1 = read it now) and
// "softirq count > 0" (bottom halves disabled or a softirq being served).
void trace_cpu_flags(int hardirqs_off = -1);
// A lock hold began / ended (lockdep's held_lock; `api` the locking call).
void trace_lock_acquired(held_lock& hl, const char* api);
void trace_lock_released(const held_lock& hl);
// An instant event on the current task's thread track.
void trace_instant(const std::string& name, const char* cat, const trace_args& args = {});
// A counter sample (a track per `name` in group `pid`); written only when
// the value changed.
void trace_counter(trace_pid pid, const std::string& name, double value);
// The same at `time_ps`, for a process that runs ahead of SystemC time (the
// DMA host computes clock cycles before SystemC reaches them): times must not
// go back per counter.
void trace_counter_at(trace_pid pid, const std::string& name, double value, uint64_t time_ps);

// Async spans (descriptors): begin returns the span id (0 when off); a step
// ends the current phase (anything nested in it too) and begins `phase`
// (nothing if `phase` is already current); push/pop nest a slice in the
// current phase and pop ends it (if it is the innermost); end closes the span and everything in it. Id 0 is ignored.
uint64_t trace_async_begin(trace_pid pid, const char* cat, const std::string& name, const trace_args& args = {});
void trace_async_step(uint64_t id, const std::string& phase, const trace_args& args = {});
void trace_async_push(uint64_t id, const std::string& name, const trace_args& args = {});
void trace_async_pop(uint64_t id, const std::string& name);
void trace_async_end(uint64_t id, const trace_args& args = {});

}  // namespace dmacosim::kernel
