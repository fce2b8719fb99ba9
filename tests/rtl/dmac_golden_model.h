// Byte-accurate golden model of the DMAC (docs/dmac-spec.md). Independent of the
// RTL: it interprets descriptor chains from a memory image and produces the
// expected memory image, peripheral FIFO traffic, per-channel interrupt events
// and final STATUS. Timing-dependent outcomes (bytes that may or may not have
// been written before an error stopped the channel) are reported as
// `uncertain` ranges: such a byte must equal either its initial or its
// "completed" value.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "sparse_memory.h"

namespace dmacosim::test {

// Spec constants (docs/dmac-spec.md), independent of the generated header.
namespace spec {
constexpr uint32_t kId = 0x444D4143;
constexpr uint32_t ID = 0x000, VERSION = 0x004, CAPS0 = 0x008, CAPS1 = 0x00C, IRQ_SUMMARY = 0x010;
constexpr uint32_t kChBase = 0x100, kChStride = 0x40;
constexpr uint32_t DOORBELL = 0x00, CTRL = 0x04, STATUS = 0x08, ERR_ADDR = 0x0C, CUR_DESC = 0x10, REMAINING = 0x14,
                   IRQ_RAW = 0x18, IRQ_MASK = 0x1C, IRQ_STATUS = 0x20, TC_COUNT = 0x24;
constexpr uint32_t ch_reg(unsigned ch, uint32_t off) { return kChBase + ch * kChStride + off; }
// CTRL register
constexpr uint32_t CTRL_PAUSE = 1u << 0, CTRL_ABORT = 1u << 1, CTRL_PRIO = 1u << 2, CTRL_WB_EN = 1u << 3;
// STATUS register
constexpr uint32_t ST_IDLE = 0, ST_ACTIVE = 1, ST_PAUSED = 2, ST_ERROR = 3;
constexpr uint32_t STATUS_ABORTED = 1u << 2, STATUS_WAIT_REQ = 1u << 3, STATUS_BUSY_ERR = 1u << 4;
inline uint32_t state_of(uint32_t status) { return status & 3; }
inline uint32_t err_code_of(uint32_t status) { return (status >> 8) & 0xF; }
inline uint32_t err_resp_of(uint32_t status) { return (status >> 12) & 3; }
// IRQ bits
constexpr uint32_t IRQ_TC = 1, IRQ_ERR = 2, IRQ_ABORT = 4;
// Error codes
enum ErrCode : uint8_t {
  ERR_NONE = 0, ERR_DESC_READ = 1, ERR_DATA_READ = 2, ERR_DATA_WRITE = 3, ERR_DESC_LEN = 4,
  ERR_DESC_RSVD = 5, ERR_DESC_ALIGN = 6, ERR_DESC_REQ = 7, ERR_DESC_FIXED = 8,
};
const char* err_name(unsigned code);
// Descriptor
constexpr uint32_t D_SRC = 0x00, D_DST = 0x04, D_NEXT = 0x08, D_LEN = 0x0C, D_CTRL = 0x10, D_STATUS = 0x14;
enum Flow : uint32_t { MEM2MEM = 0, MEM2PER = 1, PER2MEM = 2 };
constexpr uint32_t DC_IRQ = 1u << 0, DC_SRC_INC = 1u << 3, DC_DST_INC = 1u << 4;
constexpr uint32_t dc_flow(uint32_t f) { return (f & 3) << 1; }
constexpr uint32_t dc_width(uint32_t w) { return (w & 7) << 5; }
constexpr uint32_t dc_burst(uint32_t b) { return (b & 0xFF) << 8; }
constexpr uint32_t dc_req(uint32_t r) { return (r & 0x1F) << 16; }
}  // namespace spec

struct Descriptor {
  uint32_t src = 0, dst = 0, next = 0, len = 0, ctrl = 0;
  uint32_t status = 0, sw0 = 0, sw1 = 0;
  void store(PagedBytes& m, uint64_t addr) const;
  static Descriptor load(const PagedBytes& m, uint64_t addr);
};

struct GoldenConfig {
  unsigned num_ch = 8, num_req = 16;
  unsigned data_bytes = 8;   // DATA_W / 8
  unsigned max_burst = 16;   // beats
  // Descriptors that can still be retiring (last writes in flight) while a
  // later one issues: the RTL's retire queue (dmac_channel RQ_N) + 1.
  unsigned retire_depth = 16;
  // Read bursts in flight over the whole controller (dmac_top MAX_OUTSTANDING).
  unsigned max_outstanding = 12;
};

struct ChannelRun {
  bool started = false;
  uint32_t head = 0;
  bool wb_en = false;
  // Cyclic chains (or any chain): stop after this many descriptor completions
  // (0 = run to the end of the chain). The channel is then still ACTIVE and the
  // test is expected to abort it.
  uint64_t max_completions = 0;
};

struct ChannelExpect {
  uint32_t state = spec::ST_IDLE;  // final STATE (ACTIVE when stopped by max_completions)
  uint8_t err_code = 0, err_resp = 0;
  // ERR_ADDR: exact for descriptor errors; for data errors the first byte of the
  // faulting region touched (the RTL reports the faulting burst's address, which
  // lies in [err_addr_min, err_addr]).
  uint32_t err_addr = 0, err_addr_min = 0;
  bool data_error = false;
  uint64_t tc_count = 0;          // TC events (IRQ descriptors + end of chain)
  uint64_t completions = 0;       // descriptors completed
  uint32_t irq_raw = 0;           // expected IRQ_RAW bits (TC/ERR)
  uint32_t last_desc = 0;         // descriptor in progress / last completed
  std::vector<uint32_t> completed_descs;
  // Data error in descriptor k after read-ahead hand-overs (docs/dmac-spec.md,
  // "Descriptor read-ahead"): descriptors k-1, k-2, ... (up to
  // GoldenConfig::retire_depth of them, each handed over to the next) may
  // still have had writes pending, which are then discarded. Their
  // destination bytes are in `uncertain` (initial or copied, a prefix of each
  // copied), and each counts (TC_COUNT, IRQ_RAW.TC) only if all of its bytes
  // reached memory. tc_count / irq_raw assume they completed; use
  // accepted_tc() / irq_for_tc().
  bool prev_may_lose = false;
  struct PrevDesc {
    bool tc = false;              // raises TC when it completes
    uint32_t dst = 0, len = 0;
    bool dst_inc = true;
  };
  std::vector<PrevDesc> prevs;    // the descriptors that may lose writes
  // Expected TC_COUNT given whether descriptor k-1's bytes all reached memory.
  // `lost_tc` = descriptors of `prevs` that raise TC but lost bytes
  // (GoldenModel::prev_lost_tc).
  uint64_t accepted_tc(unsigned lost_tc) const { return tc_count - lost_tc; }
  // Expected IRQ events (TC/ERR/ABORT bits) for a TC_COUNT accepted above: TC
  // is raised exactly when something was counted.
  uint32_t irq_for_tc(uint64_t tc) const { return (irq_raw & ~spec::IRQ_TC) | (tc ? spec::IRQ_TC : 0u); }
  uint32_t status() const { return state | (uint32_t(err_code) << 8) | (uint32_t(err_resp) << 12); }
};

// A byte whose final value depends on timing: it must equal either the golden
// image's value or `new_value` (the copied value for bytes the golden model
// leaves unwritten before a fault, the initial value for bytes it wrote whose
// writes the hardware may have discarded).
struct UncertainByte {
  uint64_t addr;
  uint8_t new_value;
};

class GoldenModel {
 public:
  explicit GoldenModel(GoldenConfig cfg = {}) : cfg_(cfg) {}
  const GoldenConfig& config() const { return cfg_; }

  // Bus-error regions (same semantics as SparseMemory::add_error_region).
  void add_error_region(const ErrorRegion& r) { errors_.push_back(r); }
  // Peripheral data registers: MEM2PER writes land in fifo(addr).written,
  // PER2MEM reads pop fifo(addr).supply.
  PeriphFifo& add_fifo(uint64_t addr);
  PeriphFifo* fifo_at(uint64_t addr);

  // Runs every started channel (in channel order; channels must not share
  // destinations) on `mem` (modified in place).
  void run(PagedBytes& mem, const std::vector<ChannelRun>& runs);

  const ChannelExpect& expect(unsigned ch) const { return exp_.at(ch); }
  const std::vector<UncertainByte>& uncertain() const { return uncertain_; }
  // How many descriptors of ChannelExpect::prevs raise TC but do not have all
  // of their bytes in `act` (copied: different from `initial`, the
  // destination fill never equals copied data in the benches). `rest` = bytes
  // written after the first unwritten one of each (must be 0: what is written
  // of each is a prefix).
  static unsigned prev_lost_tc(const ChannelExpect& e, const PagedBytes& act, const PagedBytes& initial,
                               uint32_t* rest = nullptr);
  // Bytes the model wrote (for guard checks: nothing else may change).
  const std::vector<AddrRange>& written_ranges() const { return written_; }

  // Static descriptor check in the spec's order. Returns the error code (0 = ok).
  uint8_t check_descriptor(uint64_t addr, const Descriptor& d) const;

 private:
  void run_channel(PagedBytes& mem, unsigned ch, const ChannelRun& run);
  uint8_t err(uint64_t a, size_t n, bool is_write, uint64_t* first_byte) const;
  GoldenConfig cfg_;
  std::vector<ErrorRegion> errors_;
  std::vector<std::unique_ptr<PeriphFifo>> fifos_;
  std::map<unsigned, ChannelExpect> exp_;
  std::vector<UncertainByte> uncertain_;
  std::vector<AddrRange> written_;
};

}  // namespace dmacosim::test
