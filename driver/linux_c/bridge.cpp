// The C++ half of dmacosim's kernel-C support: the dmacosim_* primitives of
// driver/include/dmacosim/bridge.h over the kernel model (driver/kernel) and
// the dmaengine core (driver/dmaengine), so a C driver's locks, contexts,
// tasklets, interrupts, MMIO and allocations are the ones the C++ drivers
// use, checked by the same validator.
//
// C objects that need a C++ twin (spinlock_t, tasklet_struct, completion,
// dma_async_tx_descriptor) keep it in a registry keyed by the C object's
// address; kfree() of memory holding C objects drops their twins (a held
// lock among them is reported by lockdep's kfree() check, L-FREED).
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <tlm>

#include "driver/dmaengine/dma-mapping.h"
#include "driver/dmaengine/dmaengine.h"
#include "driver/include/dmacosim/bridge.h"
#include "driver/kernel/bottom_half.h"
#include "driver/kernel/interrupt.h"
#include "driver/kernel/irqflags.h"
#include "driver/kernel/kernel.h"
#include "driver/kernel/preempt.h"
#include "driver/kernel/sched.h"
#include "driver/kernel/slab.h"
#include "driver/kernel/spinlock.h"
#include "driver/linux_c/c_platform.h"
#include "driver/linux_c/c_platform_c.h"
#include "models/log.h"

namespace k = dmacosim::kernel;
namespace de = dmacosim::dmaengine;
using dmacosim::Cpu;
using dmacosim::log_debug;
using dmacosim::log_error;
using dmacosim::log_info;
using dmacosim::log_warn;

namespace {

// ---------------------------------------------------------------- proxies
struct cproxy_dev;
struct cproxy_chan {
  de::dma_chan chan;  // first member: the C++ core's channel
  struct dma_chan* c = nullptr;
  cproxy_dev* pd = nullptr;
};
struct cproxy_dev {
  de::dma_device ddev;  // first member
  struct dma_device* c = nullptr;
  std::vector<std::unique_ptr<cproxy_chan>> chans;
};
struct cproxy_tx {
  de::dma_async_tx_descriptor tx;  // first member: what clients hold
  struct dma_async_tx_descriptor* c = nullptr;
};
cproxy_chan* to_pchan(de::dma_chan* ch) { return reinterpret_cast<cproxy_chan*>(ch); }
cproxy_tx* to_ptx(de::dma_async_tx_descriptor* tx) { return reinterpret_cast<cproxy_tx*>(tx); }

// ---------------------------------------------------------------- twins of C objects
enum class Kind { Lock, Tasklet, Completion, Tx };
struct Twin {
  Kind kind;
  void* impl;
};

struct Registry {
  std::map<uintptr_t, Twin> twins;  // C object address -> its C++ twin
  std::map<const void*, size_t> c_allocs;  // kmalloc() of C code: pointer -> size
  uint64_t retired_tasklet_runs = 0, retired_tasklet_runs_ksoftirqd = 0;
  std::set<de::dma_chan*> proxy_chans;
  std::vector<std::unique_ptr<k::spinlock_t>> freed_held_locks;
  struct Param {
    void* var;
    size_t size;
  };
  std::map<std::string, Param> params;  // "mod.param"
  // Coherent memory: host buffer of the CPU -> its bus range and the bus
  // content as last written / read (the diff is what the CPU stored since).
  struct Block {
    uint64_t bus = 0;
    size_t size = 0;
    std::vector<uint8_t> seen;
  };
  std::map<uintptr_t, Block> blocks;
  // At exit the twins still registered (static objects, and on-stack
  // completions whose frame is gone) are freed without the kernel-model
  // checks: the kernel model may already be destroyed.
  ~Registry();
};
Registry& reg() {
  static Registry r;  // constructed on first use: module_param() runs before main()
  return r;
}

void destroy_twin(const Twin& t) {
  switch (t.kind) {
    case Kind::Lock: {
      auto* l = static_cast<k::spinlock_t*>(t.impl);
      k::this_kernel().lockdep().debug_check_no_locks_freed(l, sizeof(*l));  // kfree()'s check
      // A lock freed while held (reported just now) stays alive: the
      // model's held-lock list still points at it.
      if (k::spin_is_locked(l)) reg().freed_held_locks.emplace_back(l);
      else delete l;
      break;
    }
    case Kind::Tasklet: {
      auto* tk = static_cast<k::tasklet_struct*>(t.impl);
      if (tk->state & (1ul << k::TASKLET_STATE_SCHED))
        log_error("linux-c", "kfree() of a scheduled tasklet (" + tk->name + ")");
      reg().retired_tasklet_runs += tk->runs;
      reg().retired_tasklet_runs_ksoftirqd += tk->runs_in_ksoftirqd;
      delete tk;
      break;
    }
    case Kind::Completion: delete static_cast<k::completion*>(t.impl); break;
    case Kind::Tx: {
      auto* p = static_cast<cproxy_tx*>(t.impl);
      k::this_kernel().lockdep().debug_check_no_locks_freed(p, sizeof(*p));
      delete p;
      break;
    }
  }
}

Registry::~Registry() {
  for (auto& [key, t] : twins) {
    switch (t.kind) {
      case Kind::Lock: delete static_cast<k::spinlock_t*>(t.impl); break;
      case Kind::Tasklet: delete static_cast<k::tasklet_struct*>(t.impl); break;
      case Kind::Completion: delete static_cast<k::completion*>(t.impl); break;
      case Kind::Tx: delete static_cast<cproxy_tx*>(t.impl); break;
    }
  }
}

// A C object (re)initialised at `key`: a twin already there belonged to the
// object that used this memory before (the same one initialised again, or
// an earlier stack frame's), so it goes first.
void set_twin(uintptr_t key, Twin t) {
  auto it = reg().twins.find(key);
  if (it != reg().twins.end()) {
    Twin old = it->second;
    reg().twins.erase(it);
    destroy_twin(old);
  }
  reg().twins[key] = t;
}

void drop_twins(const void* p, size_t size) {
  auto& tw = reg().twins;
  const auto lo = reinterpret_cast<uintptr_t>(p);
  for (auto it = tw.lower_bound(lo); it != tw.end() && it->first < lo + size;) {
    Twin t = it->second;
    it = tw.erase(it);
    destroy_twin(t);
  }
}

template <typename T>
T* twin(uintptr_t key, Kind kind) {
  auto it = reg().twins.find(key);
  return it != reg().twins.end() && it->second.kind == kind ? static_cast<T*>(it->second.impl) : nullptr;
}

k::spinlock_t* lock_of(dmacosim_c_spinlock* l) {
  if (!l->impl) {  // DEFINE_SPINLOCK: created on first use, named after the variable
    if (!l->name)  // Linux's lockdep: "trying to register non-static key"
      log_error("linux-c", "spinlock used before spin_lock_init() (not a DEFINE_SPINLOCK either)");
    auto* impl = new k::spinlock_t;
    k::spin_lock_init(impl, l->name ? l->name : "(uninitialized spinlock)");
    l->impl = impl;
    set_twin(reinterpret_cast<uintptr_t>(l), {Kind::Lock, impl});
  }
  return static_cast<k::spinlock_t*>(l->impl);
}

// The C caller's name on the context chain while it runs a kernel call
// (unless it is already the innermost name).
struct CFunc {
  std::unique_ptr<k::FuncScope> scope;
  explicit CFunc(const char* func) {
    if (!func || !k::kernel_exists()) return;
    k::task_struct* t = k::this_kernel().current();
    if (t && !t->ctx.empty() && !t->ctx.back().funcs.empty() && t->ctx.back().funcs.back() == func) return;
    scope = std::make_unique<k::FuncScope>(func);
  }
};

// A C driver's dma_pool: the model's pool and its block size (the CPU's
// view of a block is mirrored whole).
struct c_pool {
  de::dma_pool* pool;
  size_t size;
};

unsigned gfp_of(int may_block) { return may_block ? de::GFP_KERNEL : de::GFP_NOWAIT; }

// ---------------------------------------------------------------- coherent memory
void dbg_read(uint64_t addr, void* dst, size_t len) {
  tlm::tlm_generic_payload gp;
  gp.set_command(tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(static_cast<unsigned char*>(dst));
  gp.set_data_length(unsigned(len));
  gp.set_streaming_width(unsigned(len));
  if (k::this_kernel().cpu().bus->transport_dbg(gp) != len) memset(dst, 0xff, len);
}

void* block_add(uint64_t bus, size_t size) {
  const size_t rounded = (std::max<size_t>(size, 1) + 63) & ~size_t(63);
  void* host = std::aligned_alloc(64, rounded);
  Registry::Block b;
  b.bus = bus;
  b.size = size;
  b.seen.resize(size);
  dbg_read(bus, b.seen.data(), size);
  memcpy(host, b.seen.data(), size);
  reg().blocks[reinterpret_cast<uintptr_t>(host)] = std::move(b);
  return host;
}

bool block_remove(void* host, uint64_t* bus) {
  auto it = reg().blocks.find(reinterpret_cast<uintptr_t>(host));
  if (it == reg().blocks.end()) return false;
  if (bus) *bus = it->second.bus;
  reg().blocks.erase(it);
  std::free(host);
  return true;
}

// Writes what the CPU stored into coherent memory since the last flush to
// the bus (timed, as the CPU's stores). The runs are collected first: a
// bus access is a preemption point, and an interrupt taken there may
// allocate, free or flush coherent memory itself.
void coherent_flush() {
  struct Run {
    uint64_t bus;
    std::vector<uint8_t> bytes;
  };
  std::vector<Run> runs;
  for (auto& [host, b] : reg().blocks) {
    const auto* cur = reinterpret_cast<const uint8_t*>(host);
    for (size_t i = 0; i < b.size;) {
      if (cur[i] == b.seen[i]) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < b.size && cur[j] != b.seen[j]) ++j;
      // Whole 32-bit words, as the CPU stores descriptor fields.
      const size_t lo = i & ~size_t(3), hi = std::min(b.size, (j + 3) & ~size_t(3));
      memcpy(&b.seen[lo], cur + lo, hi - lo);
      runs.push_back({b.bus + lo, std::vector<uint8_t>(cur + lo, cur + hi)});
      i = hi;
    }
  }
  for (auto& r : runs) k::this_kernel().cpu().memcpy_to_bus(r.bus, r.bytes.data(), r.bytes.size());
}

// After a read barrier the CPU sees what devices wrote.
void coherent_refresh() {
  coherent_flush();
  for (auto& [host, b] : reg().blocks) {
    dbg_read(b.bus, b.seen.data(), b.size);
    memcpy(reinterpret_cast<void*>(host), b.seen.data(), b.size);
  }
}

// ---------------------------------------------------------------- dmaengine trampolines
struct dma_chan* cchan(de::dma_chan* ch) { return to_pchan(ch)->c; }
de::dma_async_tx_descriptor* as_tx(void* ptx) { return ptx ? &static_cast<cproxy_tx*>(ptx)->tx : nullptr; }

int p_alloc(de::dma_chan* ch) { return dmacosim_c_alloc_chan_resources(cchan(ch)); }
void p_free(de::dma_chan* ch) { dmacosim_c_free_chan_resources(cchan(ch)); }
de::dma_async_tx_descriptor* p_memcpy(de::dma_chan* ch, de::dma_addr_t dst, de::dma_addr_t src, size_t len,
                                      unsigned long flags) {
  return as_tx(dmacosim_c_prep_memcpy(cchan(ch), dst, src, len, flags));
}
de::dma_async_tx_descriptor* p_slave_sg(de::dma_chan* ch, de::scatterlist* sgl, unsigned int sg_len,
                                        de::dma_transfer_direction dir, unsigned long flags, void*) {
  std::vector<uint64_t> addr(sg_len);
  std::vector<unsigned int> len(sg_len);
  for (unsigned i = 0; sgl && i < sg_len; ++i) addr[i] = sgl[i].dma_address, len[i] = sgl[i].dma_length;
  if (!sgl) return nullptr;
  return as_tx(dmacosim_c_prep_slave_sg(cchan(ch), addr.data(), len.data(), sg_len, dir, flags));
}
de::dma_async_tx_descriptor* p_cyclic(de::dma_chan* ch, de::dma_addr_t buf, size_t buf_len, size_t period_len,
                                      de::dma_transfer_direction dir, unsigned long flags) {
  return as_tx(dmacosim_c_prep_cyclic(cchan(ch), buf, buf_len, period_len, dir, flags));
}
// Linux 6.1's dma_slave_config has no slave_id: the request line comes from
// the `dmas` specifier (the xlate).
int p_config(de::dma_chan* ch, de::dma_slave_config* cfg) {
  if (!cfg) return -EINVAL;
  return dmacosim_c_config(cchan(ch), cfg->direction, cfg->src_addr, cfg->dst_addr, cfg->src_addr_width,
                           cfg->dst_addr_width, cfg->src_maxburst, cfg->dst_maxburst, cfg->device_fc);
}
int p_pause(de::dma_chan* ch) { return dmacosim_c_chan_op(cchan(ch), DMACOSIM_OP_PAUSE); }
int p_resume(de::dma_chan* ch) { return dmacosim_c_chan_op(cchan(ch), DMACOSIM_OP_RESUME); }
int p_terminate(de::dma_chan* ch) { return dmacosim_c_chan_op(cchan(ch), DMACOSIM_OP_TERMINATE); }
void p_sync(de::dma_chan* ch) { dmacosim_c_chan_op(cchan(ch), DMACOSIM_OP_SYNCHRONIZE); }
void p_issue(de::dma_chan* ch) { dmacosim_c_chan_op(cchan(ch), DMACOSIM_OP_ISSUE_PENDING); }
de::dma_status p_tx_status(de::dma_chan* ch, de::dma_cookie_t cookie, de::dma_tx_state* state) {
  static_assert(sizeof(de::dma_tx_state) == 16, "dma_tx_state: Linux's four 32-bit fields");
  return de::dma_status(dmacosim_c_tx_status(cchan(ch), cookie, state));
}
de::dma_chan* p_xlate(de::dma_device* d, const de::of_phandle_args* spec) {
  auto* pd = reinterpret_cast<cproxy_dev*>(d);
  struct dma_chan* c = dmacosim_c_of_xlate(pd->c, spec->request_line, spec->chan_index);
  if (!c) return nullptr;
  if (de::IS_ERR(c)) return de::ERR_PTR<de::dma_chan>(de::PTR_ERR(c));
  void* pc = dmacosim_c_chan_proxy(c);
  return pc ? &static_cast<cproxy_chan*>(pc)->chan : nullptr;
}
using cb_result_t = void (*)(void*, const void*);
de::dma_cookie_t p_tx_submit(de::dma_async_tx_descriptor* tx) {
  return dmacosim_c_tx_submit(to_ptx(tx)->c, tx->callback, reinterpret_cast<cb_result_t>(tx->callback_result),
                              tx->callback_param, tx->flags);
}
int p_desc_free(de::dma_async_tx_descriptor* tx) { return dmacosim_c_tx_desc_free(to_ptx(tx)->c, tx->flags); }

// The twin of the completion at `impl`. A completion whose impl does not
// point at its twin is a new object in memory an earlier one used (an
// on-stack completion in a later frame, DECLARE_COMPLETION_ONSTACK's NULL
// impl) or one used before init_completion(): it starts initialised.
k::completion* completion_of(void** impl) {
  const uintptr_t key = reinterpret_cast<uintptr_t>(impl);
  auto* c = twin<k::completion>(key, Kind::Completion);
  if (!c) {
    c = new k::completion;
    set_twin(key, {Kind::Completion, c});
  } else if (*impl == c) {
    return c;
  }
  k::init_completion(c);
  *impl = c;
  return c;
}

}  // namespace

// ================================================================ C ABI
extern "C" {

void dmacosim_spin_lock_init(dmacosim_c_spinlock* l, const char* name, const char* file, int line) {
  auto* impl = new k::spinlock_t;
  k::spin_lock_init(impl, name, file, line);
  l->impl = impl;
  l->name = name;
  set_twin(reinterpret_cast<uintptr_t>(l), {Kind::Lock, impl});
}

int dmacosim_spin_op(dmacosim_c_spinlock* l, int op, unsigned long* flagsp, unsigned long flags, const char* func) {
  CFunc scope(func);
  k::spinlock_t* s = lock_of(l);
  switch (op) {
    case DMACOSIM_SPIN_LOCK: k::spin_lock(s); return 0;
    case DMACOSIM_SPIN_UNLOCK: k::spin_unlock(s); return 0;
    case DMACOSIM_SPIN_LOCK_IRQ: k::spin_lock_irq(s); return 0;
    case DMACOSIM_SPIN_UNLOCK_IRQ: k::spin_unlock_irq(s); return 0;
    case DMACOSIM_SPIN_LOCK_IRQSAVE: k::spin_lock_irqsave(s, *flagsp); return 0;
    case DMACOSIM_SPIN_UNLOCK_IRQRESTORE: k::spin_unlock_irqrestore(s, flags); return 0;
    case DMACOSIM_SPIN_LOCK_BH: k::spin_lock_bh(s); return 0;
    case DMACOSIM_SPIN_UNLOCK_BH: k::spin_unlock_bh(s); return 0;
    case DMACOSIM_SPIN_TRYLOCK: return k::spin_trylock(s);
    case DMACOSIM_SPIN_TRYLOCK_IRQSAVE: return k::spin_trylock_irqsave(s, *flagsp);
    case DMACOSIM_SPIN_IS_LOCKED: return k::spin_is_locked(s);
  }
  log_error("linux-c", "bad spinlock operation " + std::to_string(op));
  return 0;
}

void dmacosim_lockdep_assert_held(dmacosim_c_spinlock* l, const char* file, int line) {
  k::lockdep_assert_held(lock_of(l), file, line);
}

int dmacosim_irq_op(int op, unsigned long* flagsp, unsigned long flags) {
  switch (op) {
    case DMACOSIM_IRQ_DISABLE: k::local_irq_disable(); return 0;
    case DMACOSIM_IRQ_ENABLE: k::local_irq_enable(); return 0;
    case DMACOSIM_IRQ_SAVE: k::local_irq_save(*flagsp); return 0;
    case DMACOSIM_IRQ_RESTORE: k::local_irq_restore(flags); return 0;
    case DMACOSIM_IRQS_DISABLED: return k::irqs_disabled();
    case DMACOSIM_BH_DISABLE: k::local_bh_disable(); return 0;
    case DMACOSIM_BH_ENABLE: k::local_bh_enable(); return 0;
    case DMACOSIM_IN_INTERRUPT: return k::in_interrupt();
    case DMACOSIM_IN_IRQ: return k::in_irq();
    case DMACOSIM_IN_SOFTIRQ: return k::in_softirq();
  }
  log_error("linux-c", "bad irq operation " + std::to_string(op));
  return 0;
}

void dmacosim_tasklet_init(struct tasklet_struct* t, void** impl, const char* name) {
  auto* tk = new k::tasklet_struct;
  k::tasklet_setup(tk, [t](k::tasklet_struct*) { dmacosim_c_tasklet_run(t); }, name);
  *impl = tk;
  set_twin(reinterpret_cast<uintptr_t>(t), {Kind::Tasklet, tk});
}

void dmacosim_tasklet_op(void** impl, int op, const char* file, int line) {
  auto* tk = static_cast<k::tasklet_struct*>(*impl);
  if (!tk) {
    log_error("linux-c", "tasklet used before tasklet_setup()/tasklet_init()");
    return;
  }
  switch (op) {
    case DMACOSIM_TASKLET_SCHEDULE: k::tasklet_schedule(tk); break;
    case DMACOSIM_TASKLET_HI_SCHEDULE: k::tasklet_hi_schedule(tk); break;
    case DMACOSIM_TASKLET_KILL: k::tasklet_kill(tk, file, line); break;
    case DMACOSIM_TASKLET_DISABLE: k::tasklet_disable(tk); break;
    case DMACOSIM_TASKLET_ENABLE: k::tasklet_enable(tk); break;
    default: log_error("linux-c", "bad tasklet operation " + std::to_string(op));
  }
}

int dmacosim_request_irq(unsigned int irq, dmacosim_irq_handler_t handler, unsigned long flags, const char* name,
                         void* dev_id, const char* handler_name) {
  if (!handler) return -EINVAL;
  return k::request_irq(
      irq,
      [handler, handler_name](int n, void* dev) -> k::irqreturn_t {
        CFunc scope(handler_name);
        return int(handler(n, dev));
      },
      flags, name ? name : "", dev_id);
}

void dmacosim_free_irq(unsigned int irq, void* dev_id) { k::free_irq(irq, dev_id); }

uint32_t dmacosim_mmio_read(uint64_t addr, int size) {
  Cpu& cpu = k::this_kernel().cpu();
  return size == 1 ? cpu.readb(addr) : size == 2 ? cpu.readw(addr) : cpu.readl(addr);
}

void dmacosim_mmio_write(uint32_t value, uint64_t addr, int size, int ordered) {
  if (ordered) coherent_flush();
  Cpu& cpu = k::this_kernel().cpu();
  if (size == 1) cpu.writeb(uint8_t(value), addr);
  else if (size == 2) cpu.writew(uint16_t(value), addr);
  else cpu.writel(value, addr);
}

void dmacosim_barrier(int kind) {
  if (kind == DMACOSIM_WMB) coherent_flush();
  else coherent_refresh();
}

void* dmacosim_kmalloc(size_t size, int may_block, int zero, const char* file, int line) {
  void* p = zero ? k::kzalloc(size, gfp_of(may_block), file, line) : k::kmalloc(size, gfp_of(may_block), file, line);
  if (p) reg().c_allocs[p] = size;
  return p;
}

void dmacosim_kfree(const void* p) {
  if (!p) return;
  auto it = reg().c_allocs.find(p);
  if (it != reg().c_allocs.end()) {
    drop_twins(p, it->second);
    reg().c_allocs.erase(it);
  }
  k::kfree(p);
}

size_t dmacosim_ksize(const void* p) { return k::ksize(p); }

void* dmacosim_coherent_alloc(void* cxx_dev, size_t size, uint64_t* handle, int may_block) {
  de::dma_addr_t bus = 0;
  if (!de::dma_alloc_coherent(static_cast<de::device*>(cxx_dev), size, &bus, gfp_of(may_block))) return nullptr;
  *handle = bus;
  return block_add(bus, size);
}

void dmacosim_coherent_free(void* cxx_dev, size_t size, void* cpu_addr, uint64_t handle) {
  uint64_t bus = 0;
  if (!block_remove(cpu_addr, &bus) || bus != handle) {
    log_error("linux-c", "dma_free_coherent() of memory dma_alloc_coherent() did not return");
    return;
  }
  de::dma_free_coherent(static_cast<de::device*>(cxx_dev), size, reinterpret_cast<void*>(uintptr_t(bus)), bus);
}

void* dmacosim_pool_create(const char* name, void* cxx_dev, size_t size, size_t align, size_t boundary) {
  de::dma_pool* p = de::dma_pool_create(name, static_cast<de::device*>(cxx_dev), size, align, boundary);
  return p ? new c_pool{p, size} : nullptr;
}

void dmacosim_pool_destroy(void* pool) {
  auto* cp = static_cast<c_pool*>(pool);
  if (!cp) return;
  de::dma_pool_destroy(cp->pool);
  delete cp;
}

void* dmacosim_pool_alloc(void* pool, int may_block, int zero, uint64_t* handle) {
  auto* cp = static_cast<c_pool*>(pool);
  de::dma_addr_t bus = 0;
  if (!de::dma_pool_alloc(cp->pool, gfp_of(may_block), &bus)) return nullptr;
  *handle = bus;
  void* host = block_add(bus, cp->size);
  if (zero) memset(host, 0, cp->size);
  return host;
}

void dmacosim_pool_free(void* pool, void* vaddr, uint64_t addr) {
  uint64_t bus = 0;
  if (!block_remove(vaddr, &bus) || bus != addr) {
    log_error("linux-c", "dma_pool_free() of memory dma_pool_alloc() did not return");
    return;
  }
  de::dma_pool_free(static_cast<c_pool*>(pool)->pool, reinterpret_cast<void*>(uintptr_t(bus)), bus);
}

void dmacosim_delay(int kind, unsigned long a, unsigned long b, const char* file, int line) {
  switch (kind) {
    case DMACOSIM_NDELAY: k::ndelay(a); break;
    case DMACOSIM_UDELAY: k::udelay(a); break;
    case DMACOSIM_MDELAY: k::mdelay(a); break;
    case DMACOSIM_MSLEEP: k::msleep(unsigned(a), file, line); break;
    case DMACOSIM_USLEEP: k::usleep_range(a, b, file, line); break;
    default: log_error("linux-c", "bad delay kind " + std::to_string(kind));
  }
}

void dmacosim_cpu_relax(void) { k::cpu_relax(); }
void dmacosim_might_sleep(const char* file, int line) { k::might_sleep(file, line); }
unsigned long dmacosim_jiffies(void) { return k::jiffies_now(); }
unsigned long dmacosim_msecs_to_jiffies(unsigned int ms) { return k::msecs_to_jiffies(ms); }
unsigned long dmacosim_usecs_to_jiffies(unsigned int us) { return k::usecs_to_jiffies(us); }

int dmacosim_completion_op(void** impl, int op) {
  k::completion* c = completion_of(impl);
  switch (op) {
    case DMACOSIM_COMPLETION_INIT: k::init_completion(c); return 0;
    case DMACOSIM_COMPLETION_REINIT: k::reinit_completion(c); return 0;
    case DMACOSIM_COMPLETE: k::complete(c); return 0;
    case DMACOSIM_COMPLETE_ALL: k::complete_all(c); return 0;
    case DMACOSIM_COMPLETION_DONE: return k::completion_done(c);
  }
  log_error("linux-c", "bad completion operation " + std::to_string(op));
  return 0;
}

unsigned long dmacosim_wait_for_completion(void** impl, long timeout, const char* file, int line) {
  k::completion* c = completion_of(impl);
  if (timeout < 0) {
    k::wait_for_completion(c, file, line);
    return 1;
  }
  return k::wait_for_completion_timeout(c, static_cast<unsigned long>(timeout), file, line);
}

void dmacosim_printk(int level, const char* src, const char* msg) {
  const std::string s = src ? src : "kernel";
  if (level <= 3) log_error(s, msg);
  else if (level == 4) log_warn(s, msg);
  else if (level <= 6) log_info(s, msg);
  else log_debug(s, msg);
}

void dmacosim_module_param(const char* modname, const char* name, void* var, size_t size) {
  reg().params[std::string(modname) + "." + name] = {var, size};
}

void* dmacosim_device_new(const char* name) { return new de::device{name}; }
void dmacosim_device_free(void* cxx_dev) {
  auto* d = static_cast<de::device*>(cxx_dev);
  de::dma_release_coherent_memory(d);
  delete d;
}
int dmacosim_device_declare_coherent(void* cxx_dev, uint64_t base, size_t size) {
  return de::dma_declare_coherent_memory(static_cast<de::device*>(cxx_dev), base, base, size);
}

void* dmacosim_dma_register(struct dma_device* dev, void* cxx_dev, const dmacosim_dma_caps* caps,
                            struct dma_chan** chans, void** chan_proxies, unsigned int nr_chans, int* err) {
  auto* pd = new cproxy_dev;
  pd->c = dev;
  de::dma_device& d = pd->ddev;
  d.dev = static_cast<de::device*>(cxx_dev);
  d.cap_mask.bits = caps->cap_mask;
  d.src_addr_widths = caps->src_addr_widths;
  d.dst_addr_widths = caps->dst_addr_widths;
  d.directions = caps->directions;
  d.min_burst = caps->min_burst;
  d.max_burst = caps->max_burst;
  d.max_sg_burst = caps->max_sg_burst;
  d.residue_granularity = de::dma_residue_granularity(caps->residue_granularity);
  d.copy_align = de::dmaengine_alignment(caps->copy_align);
  d.descriptor_reuse = caps->descriptor_reuse != 0;
  const uint32_t ops = caps->ops;
  if (ops & DMACOSIM_OP_ALLOC) d.device_alloc_chan_resources = p_alloc;
  if (ops & DMACOSIM_OP_FREE) d.device_free_chan_resources = p_free;
  if (ops & DMACOSIM_OP_MEMCPY) d.device_prep_dma_memcpy = p_memcpy;
  if (ops & DMACOSIM_OP_SLAVE_SG) d.device_prep_slave_sg = p_slave_sg;
  if (ops & DMACOSIM_OP_CYCLIC) d.device_prep_dma_cyclic = p_cyclic;
  if (ops & DMACOSIM_OP_CONFIG) d.device_config = p_config;
  if (ops & DMACOSIM_OP_PAUSE) d.device_pause = p_pause;
  if (ops & DMACOSIM_OP_RESUME) d.device_resume = p_resume;
  if (ops & DMACOSIM_OP_TERMINATE) d.device_terminate_all = p_terminate;
  if (ops & DMACOSIM_OP_SYNCHRONIZE) d.device_synchronize = p_sync;
  if (ops & DMACOSIM_OP_TX_STATUS) d.device_tx_status = p_tx_status;
  if (ops & DMACOSIM_OP_ISSUE_PENDING) d.device_issue_pending = p_issue;
  if (ops & DMACOSIM_OP_XLATE) d.of_dma_xlate = p_xlate;
  for (unsigned i = 0; i < nr_chans; ++i) {
    auto pc = std::make_unique<cproxy_chan>();
    pc->c = chans[i];
    pc->pd = pd;
    pc->chan.device = &d;
    de::dma_cookie_init(&pc->chan);
    d.channels.push_back(&pc->chan);
    chan_proxies[i] = pc.get();
    pd->chans.push_back(std::move(pc));
  }
  const int ret = de::dma_async_device_register(&d);
  if (ret) {
    *err = ret;
    delete pd;
    return nullptr;
  }
  for (auto& pc : pd->chans) reg().proxy_chans.insert(&pc->chan);
  return pd;
}

void dmacosim_dma_unregister(void* dev_proxy) {
  auto* pd = static_cast<cproxy_dev*>(dev_proxy);
  de::dma_async_device_unregister(&pd->ddev);
  for (auto& pc : pd->chans) reg().proxy_chans.erase(&pc->chan);
  delete pd;
}

int dmacosim_dma_chan_client_count(void* chan_proxy) { return static_cast<cproxy_chan*>(chan_proxy)->chan.client_count; }
const char* dmacosim_dma_chan_name(void* chan_proxy) {
  return chan_proxy ? static_cast<cproxy_chan*>(chan_proxy)->chan.name.c_str() : "(unregistered)";
}

void* dmacosim_tx_proxy_new(void* chan_proxy, struct dma_async_tx_descriptor* tx) {
  if (!chan_proxy) {
    log_error("linux-c", "dma_async_tx_descriptor_init() on a channel of an unregistered dma_device");
    return nullptr;
  }
  auto* p = new cproxy_tx;
  p->c = tx;
  de::dma_async_tx_descriptor_init(&p->tx, &static_cast<cproxy_chan*>(chan_proxy)->chan);
  p->tx.tx_submit = p_tx_submit;
  p->tx.desc_free = p_desc_free;
  set_twin(reinterpret_cast<uintptr_t>(tx), {Kind::Tx, p});  // a descriptor prepared again replaces its proxy
  return p;
}

void dmacosim_tx_proxy_prepared(void* tx_proxy, unsigned long flags, int cookie, uint64_t phys) {
  auto* p = static_cast<cproxy_tx*>(tx_proxy);
  if (!p) return;
  p->tx.flags = flags;
  p->tx.cookie = cookie;
  p->tx.phys = phys;
}

void dmacosim_cookie_init(void* chan_proxy) { de::dma_cookie_init(&static_cast<cproxy_chan*>(chan_proxy)->chan); }

int dmacosim_cookie_assign(void* tx_proxy, int* tx_cookie, int* chan_cookie) {
  auto* p = static_cast<cproxy_tx*>(tx_proxy);
  const de::dma_cookie_t c = de::dma_cookie_assign(&p->tx);
  *tx_cookie = c;
  *chan_cookie = p->tx.chan->cookie;
  return c;
}

void dmacosim_cookie_complete(void* tx_proxy, int* tx_cookie, int* chan_completed) {
  auto* p = static_cast<cproxy_tx*>(tx_proxy);
  de::dma_cookie_complete(&p->tx);
  *tx_cookie = p->tx.cookie;
  *chan_completed = p->tx.chan->completed_cookie;
}

int dmacosim_cookie_status(void* chan_proxy, int cookie, void* state) {
  return de::dma_cookie_status(&static_cast<cproxy_chan*>(chan_proxy)->chan, cookie,
                               static_cast<de::dma_tx_state*>(state));
}

void dmacosim_desc_get_callback(void* tx_proxy, dmacosim_desc_cb* cb) {
  de::dmaengine_desc_callback x;
  de::dmaengine_desc_get_callback(&static_cast<cproxy_tx*>(tx_proxy)->tx, &x);
  cb->dbg_chan = x.dbg_chan;
  cb->dbg_cookie = x.dbg_cookie;
  cb->dbg_submit_seq = x.dbg_submit_seq;
}

void dmacosim_desc_callback_invoke(const dmacosim_desc_cb* cb, const void* result) {
  de::dmaengine_desc_callback x;
  x.callback = cb->callback;
  x.callback_result = reinterpret_cast<de::dma_async_tx_callback_result>(cb->callback_result);
  x.callback_param = cb->callback_param;
  x.dbg_chan = static_cast<const de::dma_chan*>(cb->dbg_chan);
  x.dbg_cookie = cb->dbg_cookie;
  x.dbg_submit_seq = cb->dbg_submit_seq;
  de::dmaengine_desc_callback_invoke(&x, static_cast<const de::dmaengine_result*>(result));
}

void dmacosim_run_dependencies(void* tx_proxy) { de::dma_run_dependencies(&static_cast<cproxy_tx*>(tx_proxy)->tx); }

struct dma_chan* dmacosim_dma_request_chan(void* cxx_dev, const char* name, long* err) {
  de::dma_chan* ch = de::dma_request_chan(static_cast<de::device*>(cxx_dev), name);
  if (de::IS_ERR(ch)) {
    *err = de::PTR_ERR(ch);
    return nullptr;
  }
  if (!reg().proxy_chans.count(ch)) {
    log_error("linux-c", std::string("dma_request_chan(") + name + "): a C client needs a channel of a C provider");
    de::dma_release_channel(ch);
    *err = -ENODEV;
    return nullptr;
  }
  return to_pchan(ch)->c;
}

void dmacosim_dma_release_channel(struct dma_chan* chan) {
  void* pc = dmacosim_c_chan_proxy(chan);
  if (pc) de::dma_release_channel(&static_cast<cproxy_chan*>(pc)->chan);
}

}  // extern "C"

namespace dmacosim::linux_c {

bool set_module_param(const std::string& modname, const std::string& param, const std::string& value,
                      std::string* error) {
  auto it = reg().params.find(modname + "." + param);
  if (it == reg().params.end()) {
    *error = "module " + modname + " has no parameter '" + param + "'";
    return false;
  }
  char* end = nullptr;
  const long long v = strtoll(value.c_str(), &end, 10);
  if (value.empty() || *end) {
    *error = modname + "." + param + ": '" + value + "' is not a number";
    return false;
  }
  auto& p = it->second;
  if (p.size == 1) *static_cast<uint8_t*>(p.var) = uint8_t(v != 0);
  else if (p.size == 4) *static_cast<int32_t*>(p.var) = int32_t(v);
  else if (p.size == 8) *static_cast<int64_t*>(p.var) = int64_t(v);
  else {
    *error = modname + "." + param + ": unsupported parameter size";
    return false;
  }
  return true;
}

bool module_loaded(const std::string& modname) { return dmacosim_c_module_loaded(modname.c_str()) != 0; }

bridge_stats stats() {
  bridge_stats s;
  s.tasklet_runs = reg().retired_tasklet_runs;
  s.tasklet_runs_in_ksoftirqd = reg().retired_tasklet_runs_ksoftirqd;
  for (auto& [key, t] : reg().twins) {
    if (t.kind == Kind::Tx) s.live_descriptors++;
    if (t.kind == Kind::Completion) s.live_completions++;
    if (t.kind == Kind::Tasklet) {
      auto* tk = static_cast<k::tasklet_struct*>(t.impl);
      s.live_tasklets++;
      s.tasklet_runs += tk->runs;
      s.tasklet_runs_in_ksoftirqd += tk->runs_in_ksoftirqd;
    }
  }
  for (auto& [p, n] : reg().c_allocs) s.kmalloc_bytes_live += n;
  s.coherent_blocks_live = reg().blocks.size();
  return s;
}

}  // namespace dmacosim::linux_c
