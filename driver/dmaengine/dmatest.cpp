// dmatest-style client. See dmatest.h.
#include "driver/dmaengine/dmatest.h"

#include <cstdarg>
#include <cstdio>
#include <memory>

#include "driver/dmaengine/dma-mapping.h"
#include "driver/kernel/kernel.h"
#include "driver/kernel/sched.h"
#include "models/log.h"

namespace dmacosim::dmaengine {

using namespace dmacosim::kernel;

namespace {

constexpr uint8_t PATTERN_SRC = 0x80;
constexpr uint8_t PATTERN_DST = 0x00;
constexpr uint8_t PATTERN_COPY = 0x40;
constexpr uint8_t PATTERN_OVERWRITE = 0x20;
constexpr uint8_t PATTERN_COUNT_MASK = 0x1f;
constexpr unsigned MAX_ERROR_COUNT = 32;

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, f);
  vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return buf;
}

struct dmatest_done {
  bool done = false;
  completion comp;
};

void dmatest_callback(void* arg) {
  auto* done = static_cast<dmatest_done*>(arg);
  if (done->done) log_warn("dmatest", "dmatest: Kernel memory may be corrupted!!");
  done->done = true;
  complete(&done->comp);
}

struct Rng {
  uint64_t s;
  uint32_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return uint32_t(s >> 11);
  }
};

void dmatest_init_srcs(std::vector<uint8_t>& buf, unsigned start, unsigned len) {
  unsigned i = 0;
  for (; i < start; ++i) buf[i] = PATTERN_SRC | (~i & PATTERN_COUNT_MASK);
  for (; i < start + len; ++i) buf[i] = PATTERN_SRC | PATTERN_COPY | (~i & PATTERN_COUNT_MASK);
  for (; i < buf.size(); ++i) buf[i] = PATTERN_SRC | (~i & PATTERN_COUNT_MASK);
}

void dmatest_init_dsts(std::vector<uint8_t>& buf, unsigned start, unsigned len) {
  unsigned i = 0;
  for (; i < start; ++i) buf[i] = PATTERN_DST | (~i & PATTERN_COUNT_MASK);
  for (; i < start + len; ++i) buf[i] = PATTERN_DST | PATTERN_OVERWRITE | (~i & PATTERN_COUNT_MASK);
  for (; i < buf.size(); ++i) buf[i] = PATTERN_DST | (~i & PATTERN_COUNT_MASK);
}

struct Thread {
  std::string name;
  dma_chan* chan;
  const dmatest_params* p;
  dmatest_info* info;
  unsigned index;
  completion exited;
  dmatest_thread_result res;
};

void dmatest_mismatch(Thread* t, uint8_t actual, uint8_t pattern, unsigned index, unsigned counter, bool is_srcbuf) {
  uint8_t diff = actual ^ pattern;
  uint8_t expected = pattern | (~counter & PATTERN_COUNT_MASK);
  std::string m;
  if (is_srcbuf)
    m = fmt("%s: srcbuf[0x%x] overwritten! Expected %02x, got %02x", t->name.c_str(), index, expected, actual);
  else if ((pattern & PATTERN_COPY) && (diff & (PATTERN_COPY | PATTERN_OVERWRITE)))
    m = fmt("%s: dstbuf[0x%x] not copied! Expected %02x, got %02x", t->name.c_str(), index, expected, actual);
  else if (diff & PATTERN_SRC)
    m = fmt("%s: dstbuf[0x%x] was copied! Expected %02x, got %02x", t->name.c_str(), index, expected, actual);
  else
    m = fmt("%s: dstbuf[0x%x] mismatch! Expected %02x, got %02x", t->name.c_str(), index, expected, actual);
  log_warn("dmatest", m);
  t->info->mismatches.push_back(m);
}

unsigned dmatest_verify(Thread* t, const std::vector<uint8_t>& buf, unsigned start, unsigned end, unsigned counter,
                        uint8_t pattern, bool is_srcbuf, unsigned already) {
  unsigned error_count = 0;
  for (unsigned i = start; i < end; ++i, ++counter) {
    uint8_t actual = buf[i];
    uint8_t expected = pattern | (~counter & PATTERN_COUNT_MASK);
    if (actual != expected) {
      if (already + error_count < MAX_ERROR_COUNT) dmatest_mismatch(t, actual, pattern, i, counter, is_srcbuf);
      error_count++;
    }
  }
  return error_count;
}

void result(Thread* t, const char* err, unsigned n, unsigned src_off, unsigned dst_off, unsigned len,
            unsigned long data, bool failure) {
  std::string line = fmt("%s: result #%u: '%s' with src_off=0x%x dst_off=0x%x len=0x%x (%lu)", t->name.c_str(), n, err,
                         src_off, dst_off, len, data);
  if (failure) log_warn("dmatest", line);
  else log_info("dmatest", line);
  if (failure || t->p->verbose) t->info->results.push_back(line);
}

int dmatest_func(Thread* t) {
  const dmatest_params& p = *t->p;
  dma_chan* chan = t->chan;
  device* dev = chan->device->dev;
  const unsigned buf_size = p.test_buf_size;
  int align = p.alignment >= 0 ? p.alignment : int(chan->device->copy_align);
  Rng rng{(uint64_t(p.seed) << 20) ^ (t->index * 0x9E3779B97F4A7C15ull) ^ 0x12345678ull};
  for (int i = 0; i < 5; ++i) rng.next();

  dma_addr_t src_dma = 0, dst_dma = 0;
  void* src = dma_alloc_coherent(dev, buf_size, &src_dma, GFP_KERNEL);
  void* dst = dma_alloc_coherent(dev, buf_size, &dst_dma, GFP_KERNEL);
  Cpu& cpu = this_kernel().cpu();
  dmatest_done done;
  init_completion(&done.comp);
  std::vector<uint8_t> sbuf(buf_size), dbuf(buf_size);
  uint64_t total_len = 0;
  const sc_core::sc_time t0 = sc_core::sc_time_stamp();
  int ret = 0;
  if (!src || !dst) {
    log_error("dmatest", t->name + ": cannot allocate buffers");
    ret = -ENOMEM;
    goto out;
  }

  while (t->res.total_tests < p.iterations) {
    unsigned n = ++t->res.total_tests;
    unsigned len, src_off, dst_off;
    if (p.transfer_size) len = p.transfer_size;
    else if (p.norandom) len = buf_size;
    else len = rng.next() % buf_size + 1;
    len = (len >> align) << align;
    if (!len) len = 1u << align;
    if (len > buf_size) len = buf_size;
    total_len += len;
    if (p.norandom) {
      src_off = dst_off = 0;
    } else {
      src_off = rng.next() % (buf_size - len + 1);
      dst_off = rng.next() % (buf_size - len + 1);
      src_off = (src_off >> align) << align;
      dst_off = (dst_off >> align) << align;
    }
    if (!p.noverify) {
      dmatest_init_srcs(sbuf, src_off, len);
      dmatest_init_dsts(dbuf, dst_off, len);
      cpu.memcpy_to_bus(src_dma, sbuf.data(), buf_size);
      cpu.memcpy_to_bus(dst_dma, dbuf.data(), buf_size);
    }
    dma_async_tx_descriptor* tx =
        dmaengine_prep_dma_memcpy(chan, dst_dma + dst_off, src_dma + src_off, len, DMA_CTRL_ACK | DMA_PREP_INTERRUPT);
    if (!tx) {
      result(t, "prep error", n, src_off, dst_off, len, 0, true);
      t->res.failed_tests++;
      msleep(100);
      continue;
    }
    done.done = false;
    reinit_completion(&done.comp);
    tx->callback = dmatest_callback;
    tx->callback_param = &done;
    dma_cookie_t cookie = dmaengine_submit(tx);
    if (dma_submit_error(cookie)) {
      result(t, "submit error", n, src_off, dst_off, len, 0, true);
      t->res.failed_tests++;
      msleep(100);
      continue;
    }
    dma_async_issue_pending(chan);
    wait_for_completion_timeout(&done.comp, msecs_to_jiffies(p.timeout));
    dma_status status = dma_async_is_tx_complete(chan, cookie, nullptr, nullptr);
    if (!done.done) {
      result(t, "test timed out", n, src_off, dst_off, len, 0, true);
      t->res.failed_tests++;
      dmaengine_terminate_sync(chan);  // no late callback into `done`
      continue;
    } else if (status != DMA_COMPLETE) {
      result(t, status == DMA_ERROR ? "completion error status" : "completion busy status", n, src_off, dst_off,
             len, 0, true);
      t->res.failed_tests++;
      continue;
    }
    if (p.noverify) {
      result(t, "test passed", n, src_off, dst_off, len, 0, false);
      continue;
    }
    cpu.memcpy_from_bus(sbuf.data(), src_dma, buf_size);
    cpu.memcpy_from_bus(dbuf.data(), dst_dma, buf_size);
    unsigned ec = 0;
    ec += dmatest_verify(t, sbuf, 0, src_off, 0, PATTERN_SRC, true, ec);
    ec += dmatest_verify(t, sbuf, src_off, src_off + len, src_off, PATTERN_SRC | PATTERN_COPY, true, ec);
    ec += dmatest_verify(t, sbuf, src_off + len, buf_size, src_off + len, PATTERN_SRC, true, ec);
    ec += dmatest_verify(t, dbuf, 0, dst_off, 0, PATTERN_DST, false, ec);
    ec += dmatest_verify(t, dbuf, dst_off, dst_off + len, src_off, PATTERN_SRC | PATTERN_COPY, false, ec);
    ec += dmatest_verify(t, dbuf, dst_off + len, buf_size, dst_off + len, PATTERN_DST, false, ec);
    if (ec) {
      if (ec > MAX_ERROR_COUNT)
        t->info->mismatches.push_back(fmt("%s: %u errors suppressed", t->name.c_str(), ec - MAX_ERROR_COUNT));
      result(t, "data error", n, src_off, dst_off, len, ec, true);
      t->res.failed_tests++;
    } else {
      result(t, "test passed", n, src_off, dst_off, len, 0, false);
    }
  }

out: {
  double secs = (sc_core::sc_time_stamp() - t0).to_seconds();
  if (secs <= 0) secs = 1e-9;
  t->res.iops = uint64_t(t->res.total_tests / secs);
  t->res.kbs = uint64_t(total_len / 1024.0 / secs);
  t->res.ret = ret;
  dmaengine_terminate_sync(chan);
  if (src) dma_free_coherent(dev, buf_size, src, src_dma);
  if (dst) dma_free_coherent(dev, buf_size, dst, dst_dma);
  std::string s = fmt("%s: summary %u tests, %u failures %llu iops %llu KB/s (%d)", t->name.c_str(),
                      t->res.total_tests, t->res.failed_tests, (unsigned long long)t->res.iops,
                      (unsigned long long)t->res.kbs, ret);
  log_info("dmatest", s);
  t->info->summaries.push_back(s);
}
  complete(&t->exited);
  return ret;
}

struct filter_args {
  const dmatest_params* p;
};
bool filter(dma_chan* chan, void* param) {
  auto* f = static_cast<filter_args*>(param);
  if (!f->p->channel.empty() && f->p->channel != dma_chan_name(chan)) return false;
  if (!f->p->device.empty() && f->p->device != dev_name(chan->device->dev)) return false;
  return true;
}

}  // namespace

int dmatest_run(const dmatest_params& params, dmatest_info* info) {
  might_sleep();
  if (!params.iterations || !params.test_buf_size || !params.threads_per_chan) return -EINVAL;
  dma_cap_mask_t mask;
  dma_cap_zero(mask);
  dma_cap_set(DMA_MEMCPY, mask);
  filter_args fa{&params};
  std::vector<dma_chan*> chans;
  for (;;) {
    if (params.max_channels && chans.size() >= params.max_channels) break;
    dma_chan* c = dma_request_channel(mask, filter, &fa);
    if (!c) break;
    chans.push_back(c);
  }
  if (chans.empty()) {
    log_warn("dmatest", "dmatest: Could not start test, no channels configured");
    return -ENODEV;
  }
  info->channels = unsigned(chans.size());
  std::vector<std::unique_ptr<Thread>> threads;
  for (dma_chan* c : chans) {
    for (unsigned i = 0; i < params.threads_per_chan; ++i) {
      auto t = std::make_unique<Thread>();
      t->name = fmt("%s-copy%u", dma_chan_name(c), i);
      t->chan = c;
      t->p = &params;
      t->info = info;
      t->index = unsigned(threads.size());
      init_completion(&t->exited);
      threads.push_back(std::move(t));
    }
    log_info("dmatest", fmt("dmatest: Added %u threads using %s", params.threads_per_chan, dma_chan_name(c)));
  }
  for (auto& t : threads) {
    Thread* tp = t.get();
    kthread_run(std::function<int()>([tp] { return dmatest_func(tp); }), tp->name);
  }
  bool all = true;
  for (auto& t : threads) {
    // Generous bound: a thread makes progress at least every `timeout` ms.
    unsigned long j = msecs_to_jiffies(params.timeout) * (params.iterations + 2) + 1000;
    if (!wait_for_completion_timeout(&t->exited, j)) all = false;
  }
  info->all_threads_finished = all;
  if (!all) return -ETIMEDOUT;  // threads still reference `params`/`info`: keep the channels
  for (auto& t : threads) {
    info->threads.push_back(t->res);
    info->total_tests += t->res.total_tests;
    info->total_failures += t->res.failed_tests;
  }
  for (dma_chan* c : chans) dma_release_channel(c);
  return 0;
}

}  // namespace dmacosim::dmaengine
