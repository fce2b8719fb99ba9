// The Chrome-JSON trace event recorder (see trace_event.h).
#include "trace_event.h"

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <systemc>

#include "kernel.h"
#include "preempt.h"

namespace dmacosim::kernel {

TraceEventWriter* g_trace_events = nullptr;

namespace {

std::string json_str(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\t': o += "\\t"; break;
      case '\r': o += "\\r"; break;
      default:
        if (c < 0x20) {
          char b[8];
          snprintf(b, sizeof b, "\\u%04x", c);
          o += b;
        } else {
          o += char(c);
        }
    }
  }
  return o + "\"";
}

std::string json_args(const trace_args& args) {
  std::string o = "{";
  for (const auto& [k, v] : args) o += (o.size() > 1 ? "," : "") + json_str(k) + ":" + json_str(v);
  return o + "}";
}

uint64_t now_ps() { return uint64_t(std::llround(sc_core::sc_time_stamp().to_seconds() * 1e12)); }

}  // namespace

// A slice begun and not yet ended: its name and category (the part of the
// context base before ':', "process", "softirq", "hardirq"; "function" for
// KFUNC names). Not file-local: TraceEventWriter, which the header declares,
// holds them.
struct OpenSlice {
  std::string name;
  const char* cat;
};

class TraceEventWriter {
public:
  FILE* f = nullptr;
  std::string path;
  bool first = true;
  uint64_t next_id = 1;
  std::map<int, std::vector<OpenSlice>> open_slices;  // tid -> B events not yet ended, outermost first
  std::map<int, bool> named;                      // tids given a thread_name
  struct Async {
    trace_pid pid;
    std::string cat;
    std::vector<std::string> stack;  // outer span, phase, nested
  };
  std::map<uint64_t, Async> async;                // open async spans by id
  std::map<std::pair<int, std::string>, double> counters;

  // One event: `fields` is the JSON after ts ("pid":..,...).
  void emit(const char* ph, uint64_t ps, const std::string& fields) {
    fprintf(f, "%s{\"ph\":\"%s\",\"ts\":%" PRIu64 ".%06" PRIu64 ",%s}", first ? "\n" : ",\n", ph, ps / 1000000,
            ps % 1000000, fields.c_str());
    first = false;
  }
  static std::string ids(int pid, int tid) { return "\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid); }
  void meta(const char* what, int pid, int tid, const std::string& name) {
    fprintf(f, "%s{\"ph\":\"M\",\"name\":\"%s\",%s,\"args\":{\"name\":%s}}", first ? "\n" : ",\n", what,
            ids(pid, tid).c_str(), json_str(name).c_str());
    first = false;
  }
  void sort_index(int pid, int idx) {
    fprintf(f, ",\n{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":%d,\"tid\":0,\"args\":{\"sort_index\":%d}}", pid,
            idx);
  }
  void async_event(const char* ph, uint64_t id, const Async& a, const std::string& name, const trace_args& args) {
    char idbuf[32];
    snprintf(idbuf, sizeof idbuf, "\"0x%" PRIx64 "\"", id);
    emit(ph, now_ps(),
         ids(a.pid, 0) + ",\"cat\":" + json_str(a.cat) + ",\"id\":" + idbuf + ",\"name\":" + json_str(name) +
             (args.empty() ? "" : ",\"args\":" + json_args(args)));
  }
  void async_pop_to(uint64_t id, Async& a, size_t depth, const trace_args& args = {}) {
    while (a.stack.size() > depth) {
      async_event("e", id, a, a.stack.back(), a.stack.size() == 1 ? args : trace_args{});
      a.stack.pop_back();
    }
  }
};

// Thread track id of a task: its pid + 1 (Perfetto treats tid 0 as no thread).
static int task_tid(const task_struct* t) { return t->pid + 1; }

bool trace_event_open(const std::string& path, std::string* error) {
  trace_event_close();
  FILE* f = fopen(path.c_str(), "w");
  if (!f) {
    if (error) *error = path + ": " + strerror(errno);
    return false;
  }
  static char buf[1 << 20];
  setvbuf(f, buf, _IOFBF, sizeof buf);
  auto* w = new TraceEventWriter;
  w->f = f;
  w->path = path;
  fprintf(f, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"dmacosim\",\"time\":\"simulated\"},"
             "\"traceEvents\":[");
  w->meta("process_name", TRACE_PID_CPU, 0, "CPU 0 (tasks, softirq, hardirq)");
  w->sort_index(TRACE_PID_CPU, 1);
  w->meta("process_name", TRACE_PID_LOCKS, 0, "locks held");
  w->sort_index(TRACE_PID_LOCKS, 2);
  w->meta("process_name", TRACE_PID_ALSA, 0, "ALSA PCM");
  w->sort_index(TRACE_PID_ALSA, 3);
  w->meta("process_name", TRACE_PID_DMA, 0, "DMA descriptors");
  w->sort_index(TRACE_PID_DMA, 4);
  w->meta("process_name", TRACE_PID_PLATFORM, 0, "platform (interrupt lines, audio FIFO)");
  w->sort_index(TRACE_PID_PLATFORM, 5);
  g_trace_events = w;
  if (kernel_exists() && this_kernel().current()) trace_task_sync(this_kernel().current());
  return true;
}

std::string trace_event_path() { return g_trace_events ? g_trace_events->path : std::string(); }

void trace_event_close() {
  TraceEventWriter* w = g_trace_events;
  if (!w) return;
  const uint64_t ps = now_ps();
  for (auto& [tid, frames] : w->open_slices)
    for (size_t i = frames.size(); i-- > 0;)
      w->emit("E", ps, TraceEventWriter::ids(TRACE_PID_CPU, tid) + ",\"cat\":" + json_str(frames[i].cat) +
                           ",\"name\":" + json_str(frames[i].name));
  for (auto& [id, a] : w->async) w->async_pop_to(id, a, 0, {{"end", "still open when the trace ended"}});
  fprintf(w->f, "\n]}\n");
  fclose(w->f);
  g_trace_events = nullptr;
  delete w;
}

void trace_task_sync(task_struct* t) {
  TraceEventWriter* w = g_trace_events;
  if (!w || !t) return;
  std::vector<OpenSlice> want;
  if (kernel_exists() && this_kernel().current() == t && t->state != TASK_DEAD)
    for (const ExecCtx& c : t->ctx) {
      const std::string cls = c.base.substr(0, c.base.find(':'));
      want.push_back({c.base, cls == "hardirq" ? "hardirq" : cls == "softirq" ? "softirq" : "process"});
      for (const std::string& fn : c.funcs) want.push_back({fn, "function"});
    }
  const int tid = task_tid(t);
  std::vector<OpenSlice>& open = w->open_slices[tid];
  size_t same = 0;
  while (same < open.size() && same < want.size() && open[same].name == want[same].name) ++same;
  if (same == open.size() && same == want.size()) return;
  const uint64_t ps = now_ps();
  if (!w->named[tid]) {
    w->named[tid] = true;
    w->meta("thread_name", TRACE_PID_CPU, tid, t->comm + " [" + std::to_string(t->pid) + "]");
  }
  const std::string where = TraceEventWriter::ids(TRACE_PID_CPU, tid);
  for (size_t i = open.size(); i-- > same;)
    w->emit("E", ps, where + ",\"cat\":" + json_str(open[i].cat) + ",\"name\":" + json_str(open[i].name));
  open.resize(same);
  for (size_t i = same; i < want.size(); ++i) {
    w->emit("B", ps, where + ",\"cat\":" + json_str(want[i].cat) + ",\"name\":" + json_str(want[i].name));
    open.push_back(want[i]);
  }
  trace_cpu_flags();
}

void trace_cpu_flags(int hardirqs_off) {
  if (!g_trace_events || !kernel_exists() || !this_kernel().current()) return;
  Kernel& k = this_kernel();
  trace_counter(TRACE_PID_CPU, "hardirqs off", hardirqs_off >= 0 ? hardirqs_off : k.cpu().local_irq_disabled());
  trace_counter(TRACE_PID_CPU, "softirq count > 0 (bh off or serving)", (k.current()->preempt_count & SOFTIRQ_MASK) != 0);
}

void trace_lock_acquired(held_lock& hl, const char* api) {
  TraceEventWriter* w = g_trace_events;
  if (!w || !hl.cls) return;
  hl.trace_id = w->next_id++;
  TraceEventWriter::Async& a = w->async[hl.trace_id];
  a.pid = TRACE_PID_LOCKS;
  a.cat = "lock";
  a.stack.push_back(hl.cls->name);
  static const char* const kinds[] = {"write", "read", "recursive read"};
  w->async_event("b", hl.trace_id, a, hl.cls->name,
                 {{"mode", api ? api : "?"},
                  {"kind", kinds[hl.read >= 0 && hl.read <= 2 ? hl.read : 0]},
                  {"trylock", hl.trylock ? "yes" : "no"},
                  {"hardirqs", hl.hardirqs_off ? "off" : "on"},
                  {"context", hl.chain}});
}

void trace_lock_released(const held_lock& hl) { trace_async_end(hl.trace_id); }

void trace_instant(const std::string& name, const char* cat, const trace_args& args) {
  TraceEventWriter* w = g_trace_events;
  if (!w) return;
  task_struct* t = kernel_exists() ? this_kernel().current() : nullptr;
  if (t) trace_task_sync(t);  // the track exists and shows where it happened
  const int tid = t ? task_tid(t) : 0;
  trace_args a = args;
  if (t) a.push_back({"context", this_kernel().current_full_chain()});
  w->emit("i", now_ps(), TraceEventWriter::ids(TRACE_PID_CPU, tid) + ",\"s\":\"t\",\"cat\":" + json_str(cat) +
                             ",\"name\":" + json_str(name) + ",\"args\":" + json_args(a));
}

void trace_counter(trace_pid pid, const std::string& name, double value) {
  if (g_trace_events) trace_counter_at(pid, name, value, now_ps());
}

void trace_counter_at(trace_pid pid, const std::string& name, double value, uint64_t time_ps) {
  TraceEventWriter* w = g_trace_events;
  if (!w) return;
  auto key = std::make_pair(int(pid), name);
  auto it = w->counters.find(key);
  if (it != w->counters.end() && it->second == value) return;
  w->counters[key] = value;
  char v[32];
  snprintf(v, sizeof v, "%.17g", value);
  w->emit("C", time_ps,
          TraceEventWriter::ids(int(pid), 0) + ",\"name\":" + json_str(name) + ",\"args\":{\"value\":" + v + "}");
}

uint64_t trace_async_begin(trace_pid pid, const char* cat, const std::string& name, const trace_args& args) {
  TraceEventWriter* w = g_trace_events;
  if (!w) return 0;
  const uint64_t id = w->next_id++;
  TraceEventWriter::Async& a = w->async[id];
  a.pid = pid;
  a.cat = cat;
  a.stack.push_back(name);
  w->async_event("b", id, a, name, args);
  return id;
}

void trace_async_step(uint64_t id, const std::string& phase, const trace_args& args) {
  TraceEventWriter* w = g_trace_events;
  if (!w || !id) return;
  auto it = w->async.find(id);
  if (it == w->async.end()) return;
  TraceEventWriter::Async& a = it->second;
  if (a.stack.size() >= 2 && a.stack[1] == phase) return;
  w->async_pop_to(id, a, 1);
  a.stack.push_back(phase);
  w->async_event("b", id, a, phase, args);
}

void trace_async_push(uint64_t id, const std::string& name, const trace_args& args) {
  TraceEventWriter* w = g_trace_events;
  if (!w || !id) return;
  auto it = w->async.find(id);
  if (it == w->async.end()) return;
  it->second.stack.push_back(name);
  w->async_event("b", id, it->second, name, args);
}

void trace_async_pop(uint64_t id, const std::string& name) {
  TraceEventWriter* w = g_trace_events;
  if (!w || !id) return;
  auto it = w->async.find(id);
  if (it == w->async.end() || it->second.stack.size() < 2 || it->second.stack.back() != name) return;
  w->async_pop_to(id, it->second, it->second.stack.size() - 1);
}

void trace_async_end(uint64_t id, const trace_args& args) {
  TraceEventWriter* w = g_trace_events;
  if (!w || !id) return;
  auto it = w->async.find(id);
  if (it == w->async.end()) return;
  w->async_pop_to(id, it->second, 0, args);
  w->async.erase(it);
}

}  // namespace dmacosim::kernel
