#include "axi_protocol_checker.h"

#include <algorithm>
#include <sstream>

#include "log.h"

namespace dmacosim {

namespace {
const char* resp_name(uint8_t r) { return axi_resp_name(r); }
}  // namespace

// ---------------------------------------------------------------- base

void AxiCheckerBase::flag(const std::string& rule, uint64_t cycle, const std::string& message) {
  AxiViolation v{rule, cycle, message};
  ++total_;
  ++counts_[rule];
  if (records_.size() < kMaxRecords) records_.push_back(v);
  // A hang.* rule is the checker's liveness watchdog, not an AXI rule: a
  // subordinate may legally stall forever, so it says "no progress".
  const bool liveness = rule.compare(0, 5, "hang.") == 0;
  const std::string line = strfmt("AXI %s [%s] at cycle %llu: %s", liveness ? "no progress" : "protocol violation",
                                  rule.c_str(), (unsigned long long)cycle, message.c_str());
  if (log_) log_error(name_, line);
  if (global_tally_) axi_checker_tally().add(name_ + ": " + line);
  if (policy_ == AxiCheckerPolicy::Throw) throw AxiProtocolViolation(v, name_);
}

std::string AxiCheckerBase::report() const {
  std::ostringstream o;
  for (const auto& v : records_) o << name_ << ": [" << v.rule << "] cycle " << v.cycle << ": " << v.message << "\n";
  if (total_ > records_.size()) o << name_ << ": ... " << (total_ - records_.size()) << " more\n";
  return o.str();
}

// ---------------------------------------------------------------- AXI4

Axi4Checker::Axi4Checker(const Axi4ManagerPins& pins, std::string name, unsigned data_bytes)
    : AxiCheckerBase(std::move(name)), p_(pins), data_bytes_(data_bytes) {}

void Axi4Checker::reset_state() {
  reads_.clear();
  writes_.clear();
  wlead_.clear();
  wdata_idx_ = 0;
  for (AxiChannelWatch* c : {&aw_, &w_, &b_, &ar_, &r_}) {
    c->pending = false;
    c->hang_reported = false;
  }
  r_bad_ = b_bad_ = false;
  rd_hang_ = wr_hang_ = wd_hang_ = wa_hang_ = false;
}

void AxiCheckerBase::watch(AxiChannelWatch& c, bool valid, bool ready, const AxiPayload& payload, uint64_t cycle) {
  if (c.pending) {
    if (!valid) {
      flag(std::string(c.name) + ".valid_dropped", cycle,
           strfmt("%sVALID fell before %sREADY (VALID waiting since cycle %llu)", c.name, c.name,
                  (unsigned long long)c.pending_since));
    } else if (payload != c.payload) {
      std::string diff;
      for (size_t i = 0; i < payload.size(); ++i)
        if (payload[i] != c.payload[i])
          diff += strfmt(" field%zu 0x%llx->0x%llx", i, (unsigned long long)c.payload[i], (unsigned long long)payload[i]);
      flag(std::string(c.name) + ".payload_changed", cycle,
           strfmt("%s payload changed while %sVALID && !%sREADY:%s", c.name, c.name, c.name, diff.c_str()));
    }
  }
  if (valid && !ready) {
    if (!c.pending) {
      c.pending_since = cycle;
      c.hang_reported = false;
    }
    c.pending = true;
    c.payload = payload;
  } else {
    c.pending = false;
  }
}

void Axi4Checker::check_addr(const char* ch, const Txn& t, uint64_t cycle) {
  const std::string c(ch);
  const uint64_t bytes = 1ull << t.size;
  const unsigned beats = t.len + 1u;
  const auto desc = [&] {
    return strfmt("%sID %u %sADDR 0x%x %sLEN %u %sSIZE %u %sBURST %u", ch, t.id, ch, t.addr, ch, t.len, ch, t.size, ch,
                  t.burst);
  };
  if (bytes > data_bytes_)
    flag(c + ".size", cycle, strfmt("%u-byte beats on a %u-byte data bus: ", unsigned(bytes), data_bytes_) + desc());
  if (t.burst == 3) {
    flag(c + ".burst", cycle, "reserved burst type 3: " + desc());
  } else if (t.burst == AXI_BURST_WRAP) {
    if (beats != 2 && beats != 4 && beats != 8 && beats != 16)
      flag(c + ".wrap", cycle, strfmt("WRAP burst of %u beats (must be 2, 4, 8 or 16): ", beats) + desc());
    if (t.addr % bytes)
      flag(c + ".wrap", cycle, "WRAP burst start address not aligned to the transfer size: " + desc());
  } else if (t.burst == AXI_BURST_FIXED) {
    if (beats > 16) flag(c + ".fixed_len", cycle, strfmt("FIXED burst of %u beats (max 16): ", beats) + desc());
  } else {
    const uint64_t last = (uint64_t(t.addr) & ~(bytes - 1)) + uint64_t(beats) * bytes - 1;
    if ((uint64_t(t.addr) >> 12) != (last >> 12))
      flag(c + ".4k", cycle, strfmt("INCR burst [0x%x, 0x%llx] crosses a 4 KiB boundary: ", t.addr,
                                    (unsigned long long)last) + desc());
  }
}

// Address of beat k (AXI4 A3.4.1).
uint64_t Axi4Checker::beat_addr(const Txn& t, unsigned k) const {
  const uint64_t bytes = 1ull << t.size;
  const uint64_t aligned = uint64_t(t.addr) & ~(bytes - 1);
  if (t.burst == AXI_BURST_FIXED || k == 0) return t.addr;
  if (t.burst == AXI_BURST_WRAP) {
    const uint64_t total = bytes * (t.len + 1u);
    const uint64_t base = aligned / total * total;
    uint64_t a = aligned + k * bytes;
    if (a >= base + total) a -= total;
    return a;
  }
  return aligned + k * bytes;
}

void Axi4Checker::w_beat(const WBeat& w, uint64_t cycle) {
  Txn& t = writes_[wdata_idx_];
  const unsigned k = t.beats;
  const uint64_t bytes = 1ull << t.size;
  if (bytes <= data_bytes_) {
    const uint64_t a = beat_addr(t, k);
    const uint64_t word = a & ~uint64_t(data_bytes_ - 1);
    const unsigned lo = unsigned(a - word), hi = unsigned((a & ~(bytes - 1)) + bytes - word);
    const unsigned allowed = ((1u << hi) - 1) & ~((1u << lo) - 1);
    const unsigned bad = w.strb & ~allowed & ((1u << data_bytes_) - 1);
    if (bad)
      flag("W.wstrb", cycle,
           strfmt("WSTRB 0x%02x on beat %u of the write burst AWID %u AWADDR 0x%x (beat address 0x%llx, %u-byte "
                  "beats): lanes 0x%02x lie outside the beat (allowed 0x%02x; beat handshake at cycle %llu)",
                  w.strb, k, t.id, t.addr, (unsigned long long)a, unsigned(bytes), bad, allowed,
                  (unsigned long long)w.cycle));
  }
  if (w.last && k < t.len)
    flag("W.wlast_early", cycle,
         strfmt("WLAST on beat %u of a %u-beat write burst (AWID %u AWADDR 0x%x; beat handshake at cycle %llu)", k,
                t.len + 1u, t.id, t.addr, (unsigned long long)w.cycle));
  if (!w.last && k == t.len)
    flag("W.wlast_missing", cycle,
         strfmt("no WLAST on beat %u, the last of a %u-beat write burst (AWID %u AWADDR 0x%x; beat handshake at "
                "cycle %llu)", k, t.len + 1u, t.id, t.addr, (unsigned long long)w.cycle));
  ++t.beats;
  t.progress = cycle;
  // The burst ends at WLAST or at its length, whichever comes first (resync after an error).
  if (w.last || t.beats > t.len) {
    if (t.answered) writes_.erase(wdata_idx_);
    else ++wdata_idx_;
  }
}

void Axi4Checker::check_r(uint64_t cycle) {
  const uint8_t rid = *p_.rid, rresp = *p_.rresp;
  const bool rlast = *p_.rlast;
  r_bad_ = false;
  r_idx_valid_ = false;
  if ((rresp & 3) == AXI_EXOKAY)
    flag("R.resp", cycle, strfmt("RRESP EXOKAY for RID %u without an exclusive access", rid));
  const size_t i = oldest_read(rid);
  if (i == reads_.size()) {
    r_bad_ = true;
    flag("R.no_request", cycle,
         strfmt("R beat with RID %u (RRESP %s, RLAST %d) but no read with that ID is outstanding (%zu outstanding)",
                rid, resp_name(rresp), int(rlast), reads_.size()));
    return;
  }
  r_idx_ = i;
  r_idx_valid_ = true;
  Txn* it = &reads_[i];
  const unsigned k = it->beats;
  if (rlast == (k == it->len)) return;
  // A mismatch that a later, not yet started read of the same ID explains:
  // the subordinate answered that one first — ordering within an ID is violated.
  size_t ji = i + 1;
  for (; ji < reads_.size(); ++ji) {
    const Txn& t = reads_[ji];
    if (t.id == rid && t.beats == 0 && (rlast ? t.len == k : t.len > k)) break;
  }
  if (ji != reads_.size()) {
    const Txn* j = &reads_[ji];
    flag("R.order", cycle,
         strfmt("R beats for RID %u follow the later read ARADDR 0x%x ARLEN %u (accepted at cycle %llu) while the "
                "earlier read ARADDR 0x%x ARLEN %u (cycle %llu) with the same ID is unanswered: responses of one ID "
                "must come in AR order",
                rid, j->addr, j->len, (unsigned long long)j->accepted, it->addr, it->len,
                (unsigned long long)it->accepted));
    Txn moved = *j;
    moved.beats = k;
    it->beats = 0;
    reads_.erase(ji);
    reads_.insert(i, moved);
    r_idx_ = i;
    r_idx_valid_ = true;
    return;
  }
  if (rlast)
    flag("R.rlast_early", cycle,
         strfmt("RLAST on beat %u of a %u-beat read burst (RID %u ARADDR 0x%x)", k, it->len + 1u, rid, it->addr));
  else
    flag("R.rlast_missing", cycle,
         strfmt("no RLAST on beat %u, the last of a %u-beat read burst (RID %u ARADDR 0x%x)", k, it->len + 1u, rid,
                it->addr));
}

void Axi4Checker::consume_r(uint64_t cycle, bool checked) {
  if (r_bad_) return;
  // The oldest read with this RID: found by check_r when it ran this sample
  // (nothing changed reads_ since), else searched (a beat presented earlier
  // and stalled, or a sample right after a reset of the state).
  size_t i;
  if (checked && r_idx_valid_) {
    i = r_idx_;
  } else {
    i = oldest_read(*p_.rid);
    if (i == reads_.size()) return;
  }
  Txn& t = reads_[i];
  ++t.beats;
  t.progress = cycle;
  if (*p_.rlast || t.beats > t.len) reads_.erase(i);
}

void Axi4Checker::check_b(uint64_t cycle) {
  const uint8_t bid = *p_.bid, bresp = *p_.bresp;
  b_bad_ = false;
  if ((bresp & 3) == AXI_EXOKAY)
    flag("B.resp", cycle, strfmt("BRESP EXOKAY for BID %u without an exclusive access", bid));
  const size_t i = oldest_unanswered_write(bid);
  if (i == writes_.size()) {
    b_bad_ = true;
    flag("B.no_request", cycle,
         strfmt("B with BID %u (BRESP %s) but no write with that ID is outstanding", bid, resp_name(bresp)));
    return;
  }
  if (i >= wdata_idx_) {
    const Txn* it = &writes_[i];
    flag("B.before_data", cycle,
         strfmt("B with BID %u before the write data of its burst completed (AWADDR 0x%x AWLEN %u: %u of %u beats "
                "received before this cycle)",
                bid, it->addr, it->len, it->beats, it->len + 1u));
  }
}

void Axi4Checker::consume_b(uint64_t) {
  if (b_bad_) return;
  const size_t idx = oldest_unanswered_write(*p_.bid);
  if (idx == writes_.size()) return;
  if (idx < wdata_idx_) {
    writes_.erase(idx);
    --wdata_idx_;
  } else {
    writes_[idx].answered = true;  // flagged: dropped when its data completes
  }
}

size_t Axi4Checker::oldest_read(uint8_t id) const {
  size_t i = 0;
  while (i < reads_.size() && reads_[i].id != id) ++i;
  return i;
}

size_t Axi4Checker::oldest_unanswered_write(uint8_t id) const {
  size_t i = 0;
  while (i < writes_.size() && (writes_[i].id != id || writes_[i].answered)) ++i;
  return i;
}

std::string AxiCheckerBase::no_progress_text(uint64_t cycle, uint64_t since) {
  return strfmt("no progress for %llu cycles (since cycle %llu): ", (unsigned long long)(cycle - since),
                (unsigned long long)since);
}

void AxiCheckerBase::handshake_hang(AxiChannelWatch* const* chans, size_t n, uint64_t cycle) {
  if (!hang_cycles_) return;
  for (size_t i = 0; i < n; ++i) {
    AxiChannelWatch* c = chans[i];
    if (c->pending && !c->hang_reported && cycle - c->pending_since >= hang_cycles_) {
      c->hang_reported = true;
      flag("hang.handshake", cycle,
           strfmt("%sVALID high for %llu cycles without %sREADY (since cycle %llu)", c->name,
                  (unsigned long long)(cycle - c->pending_since), c->name, (unsigned long long)c->pending_since));
    }
  }
}

void Axi4Checker::hang_checks(uint64_t cycle) {
  if (any_pending()) {
    AxiChannelWatch* const chans[] = {&aw_, &w_, &b_, &ar_, &r_};
    handshake_hang(chans, 5, cycle);
  }
  progress_hang(!reads_.empty(), rd_since_, rd_hang_, cycle, "hang.read", [&] {
    const Txn& t = reads_.front();
    return strfmt("%zu read(s) outstanding, no R beat; oldest ARID %u ARADDR 0x%x ARLEN %u accepted at cycle %llu, "
                  "%u beat(s) returned", reads_.size(), t.id, t.addr, t.len, (unsigned long long)t.accepted, t.beats);
  });
  progress_hang(wdata_idx_ > 0, wr_since_, wr_hang_, cycle, "hang.write", [&] {
    const Txn& t = writes_.front();
    return strfmt("%zu write(s) with complete data and no B; oldest AWID %u AWADDR 0x%x AWLEN %u accepted at cycle %llu",
                  wdata_idx_, t.id, t.addr, t.len, (unsigned long long)t.accepted);
  });
  progress_hang(wdata_idx_ < writes_.size(), wd_since_, wd_hang_, cycle, "hang.write_data", [&] {
    const Txn& t = writes_[wdata_idx_];
    return strfmt("write AWID %u AWADDR 0x%x AWLEN %u accepted at cycle %llu has %u of %u data beats", t.id, t.addr,
                  t.len, (unsigned long long)t.accepted, t.beats, t.len + 1u);
  });
  progress_hang(!wlead_.empty(), wa_since_, wa_hang_, cycle, "hang.write_addr", [&] {
    return strfmt("%zu write data beat(s) without an AW (first at cycle %llu)", wlead_.size(),
                  (unsigned long long)wlead_.front().cycle);
  });
}

void Axi4Checker::sample(uint64_t cycle, bool in_reset) {
  if (!enabled_) return;
  const bool awv = *p_.awvalid, awr = *p_.awready, wv = *p_.wvalid, wr = *p_.wready, bv = *p_.bvalid,
             br = *p_.bready, arv = *p_.arvalid, arr = *p_.arready, rv = *p_.rvalid, rr = *p_.rready;
  if (in_reset || was_in_reset_) {
    // Synchronous reset: outputs settle after the first edge in reset; VALID may
    // rise only after an edge with reset released (AXI4 A3.1.2).
    const bool check = in_reset ? (was_in_reset_ && !first_sample_) : true;
    if (check) {
      const char* when = in_reset ? "during reset" : "in the first cycle after reset release";
      const struct { const char* n; bool v; } vs[] = {{"AW", awv}, {"W", wv}, {"B", bv}, {"AR", arv}, {"R", rv}};
      for (const auto& x : vs) {
        const bool manager = x.n[0] == 'A' || x.n[0] == 'W';
        if (x.v && (in_reset || !manager || !manager_release_ok_))
          flag("reset.valid", cycle, strfmt("%sVALID high %s", x.n, when));
      }
    }
    if (in_reset) {
      if (!was_in_reset_) reset_state();
      was_in_reset_ = true;
      first_sample_ = false;
      return;
    }
    was_in_reset_ = false;
  }
  first_sample_ = false;

  const bool r_new = rv && !r_.pending, b_new = bv && !b_.pending;
  watch_if_stalled(aw_, awv, awr, [&] { return AxiPayload{*p_.awaddr, *p_.awid, *p_.awlen, *p_.awsize, *p_.awburst}; },
                   cycle);
  watch_if_stalled(w_, wv, wr, [&] { return AxiPayload{*p_.wdata, *p_.wstrb, *p_.wlast, 0, 0}; }, cycle);
  watch_if_stalled(b_, bv, br, [&] { return AxiPayload{*p_.bid, *p_.bresp, 0, 0, 0}; }, cycle);
  watch_if_stalled(ar_, arv, arr, [&] { return AxiPayload{*p_.araddr, *p_.arid, *p_.arlen, *p_.arsize, *p_.arburst}; },
                   cycle);
  watch_if_stalled(r_, rv, rr, [&] { return AxiPayload{*p_.rdata, *p_.rid, *p_.rresp, *p_.rlast, 0}; }, cycle);

  // Responses first, against the requests of earlier cycles: a response may
  // not share the cycle of its request's (or last data beat's) handshake.
  if (r_new) check_r(cycle);
  if (rv && rr) {
    consume_r(cycle, r_new);
    rd_since_ = cycle;
    rd_hang_ = false;
  }
  if (b_new) check_b(cycle);
  if (bv && br) {
    consume_b(cycle);
    wr_since_ = cycle;
    wr_hang_ = false;
  }

  if (arv && arr) {
    Txn t{*p_.arid, *p_.arlen, *p_.arsize, *p_.arburst, *p_.araddr, cycle, cycle};
    check_addr("AR", t, cycle);
    reads_.push_back(t);
  }
  if (awv && awr) {
    Txn t{*p_.awid, *p_.awlen, *p_.awsize, *p_.awburst, *p_.awaddr, cycle, cycle};
    check_addr("AW", t, cycle);
    writes_.push_back(t);
    while (!wlead_.empty() && wdata_idx_ < writes_.size()) {
      w_beat(wlead_.front(), cycle);
      wlead_.pop_front();
    }
    wa_since_ = cycle;
    wa_hang_ = false;
  }
  if (wv && wr) {
    WBeat b{*p_.wstrb, *p_.wlast, cycle};
    if (wlead_.empty() && wdata_idx_ < writes_.size()) w_beat(b, cycle);
    else wlead_.push_back(b);
    wd_since_ = cycle;
    wd_hang_ = false;
  }
  hang_checks(cycle);
}

// ---------------------------------------------------------------- AXI4-Lite

AxiLiteChecker::AxiLiteChecker(const AxiLiteSubordinatePins& pins, std::string name)
    : AxiCheckerBase(std::move(name)), p_(pins) {}

void AxiLiteChecker::reset_state() {
  quiet_ = false;
  aw_n_ = w_n_ = b_n_ = ar_n_ = r_n_ = w_skip_ = 0;
  aw_cyc_.clear();
  w_cyc_.clear();
  ar_cyc_.clear();
  for (AxiChannelWatch* c : {&aw_, &w_, &b_, &ar_, &r_}) {
    c->pending = false;
    c->hang_reported = false;
  }
  r_bad_ = b_bad_ = false;
  wr_hang_ = rd_hang_ = wd_hang_ = false;
}

void AxiLiteChecker::sample_full(uint64_t cycle, bool in_reset) {
  if (!enabled_) return;
  const bool awv = *p_.awvalid, awr = *p_.awready, wv = *p_.wvalid, wr = *p_.wready, bv = *p_.bvalid,
             br = *p_.bready, arv = *p_.arvalid, arr = *p_.arready, rv = *p_.rvalid, rr = *p_.rready;
  if (in_reset || was_in_reset_) {
    const bool check = in_reset ? (was_in_reset_ && !first_sample_) : true;
    if (check) {
      const char* when = in_reset ? "during reset" : "in the first cycle after reset release";
      const struct { const char* n; bool v; } vs[] = {{"AW", awv}, {"W", wv}, {"B", bv}, {"AR", arv}, {"R", rv}};
      for (const auto& x : vs) {
        const bool manager = x.n[0] == 'A' || x.n[0] == 'W';
        if (x.v && (in_reset || !manager || !manager_release_ok_))
          flag("reset.valid", cycle, strfmt("%sVALID high %s", x.n, when));
      }
    }
    if (in_reset) {
      if (!was_in_reset_) reset_state();
      was_in_reset_ = true;
      first_sample_ = false;
      return;
    }
    was_in_reset_ = false;
  }
  first_sample_ = false;

  // Nothing presented, nothing stalled, nothing unanswered (the register
  // port nearly every cycle): the full sample below would only clear the
  // watchdogs' reported flags.
  if (!(awv || wv || bv || arv || rv) && !any_pending() && ar_cyc_.empty() && aw_cyc_.empty() && w_cyc_.empty()) {
    if (hang_cycles_) rd_hang_ = wr_hang_ = wd_hang_ = false;
    return;
  }

  const bool r_new = rv && !r_.pending, b_new = bv && !b_.pending;
  watch_if_stalled(aw_, awv, awr, [&] { return AxiPayload{*p_.awaddr, 0, 0, 0, 0}; }, cycle);
  watch_if_stalled(w_, wv, wr, [&] { return AxiPayload{*p_.wdata, *p_.wstrb, 0, 0, 0}; }, cycle);
  watch_if_stalled(b_, bv, br, [&] { return AxiPayload{*p_.bresp, 0, 0, 0, 0}; }, cycle);
  watch_if_stalled(ar_, arv, arr, [&] { return AxiPayload{*p_.araddr, 0, 0, 0, 0}; }, cycle);
  watch_if_stalled(r_, rv, rr, [&] { return AxiPayload{*p_.rdata, *p_.rresp, 0, 0, 0}; }, cycle);

  if (r_new) {
    r_bad_ = false;
    if ((*p_.rresp & 3) == AXI_EXOKAY) flag("R.resp", cycle, "RRESP EXOKAY on AXI4-Lite (no exclusive access)");
    if (r_n_ >= ar_n_) {
      r_bad_ = true;
      flag("R.no_request", cycle, strfmt("R (RRESP %s) without an outstanding read (%llu AR, %llu R so far)",
                                         resp_name(*p_.rresp), (unsigned long long)ar_n_, (unsigned long long)r_n_));
    }
  }
  if (rv && rr && !r_bad_) {
    ++r_n_;
    if (!ar_cyc_.empty()) ar_cyc_.pop_front();
  }
  if (b_new) {
    b_bad_ = false;
    if ((*p_.bresp & 3) == AXI_EXOKAY) flag("B.resp", cycle, "BRESP EXOKAY on AXI4-Lite (no exclusive access)");
    if (b_n_ >= aw_n_) {
      b_bad_ = true;
      flag("B.no_request", cycle, strfmt("B (BRESP %s) without an outstanding write address (%llu AW, %llu B so far)",
                                         resp_name(*p_.bresp), (unsigned long long)aw_n_, (unsigned long long)b_n_));
    } else if (b_n_ >= w_n_) {
      flag("B.before_data", cycle, strfmt("B (BRESP %s) before the write data handshake (%llu W, %llu B so far)",
                                          resp_name(*p_.bresp), (unsigned long long)w_n_, (unsigned long long)b_n_));
    }
  }
  if (bv && br && !b_bad_) {
    ++b_n_;
    if (!aw_cyc_.empty()) aw_cyc_.pop_front();
    if (!w_cyc_.empty()) {
      w_cyc_.pop_front();
    } else {  // B before W (flagged): the late W beat belongs to this write
      ++w_n_;
      ++w_skip_;
    }
  }
  if (awv && awr) {
    ++aw_n_;
    aw_cyc_.push_back(cycle);
  }
  if (arv && arr) {
    ++ar_n_;
    ar_cyc_.push_back(cycle);
  }
  if (wv && wr) {
    if (w_skip_) {
      --w_skip_;
    } else {
      ++w_n_;
      w_cyc_.push_back(cycle);
    }
  }

  if (!hang_cycles_) return;
  if (any_pending()) {
    AxiChannelWatch* const chans[] = {&aw_, &w_, &b_, &ar_, &r_};
    handshake_hang(chans, 5, cycle);
  }
  // Unanswered requests: a read since its AR, a write since both AW and W.
  if (!ar_cyc_.empty() && !rd_hang_ && cycle - ar_cyc_.front() > hang_cycles_) {
    rd_hang_ = true;
    flag("hang.read", cycle, strfmt("read accepted at cycle %llu has no R after %llu cycles",
                                    (unsigned long long)ar_cyc_.front(), (unsigned long long)(cycle - ar_cyc_.front())));
  }
  if (ar_cyc_.empty()) rd_hang_ = false;
  if (!aw_cyc_.empty() && !w_cyc_.empty()) {
    const uint64_t since = std::max(aw_cyc_.front(), w_cyc_.front());
    if (!wr_hang_ && cycle - since > hang_cycles_) {
      wr_hang_ = true;
      flag("hang.write", cycle, strfmt("write complete at cycle %llu has no B after %llu cycles",
                                      (unsigned long long)since, (unsigned long long)(cycle - since)));
    }
  } else {
    wr_hang_ = false;
  }
  if (aw_cyc_.size() != w_cyc_.size()) {
    const bool aw_first = aw_cyc_.size() > w_cyc_.size();
    const uint64_t since = aw_first ? aw_cyc_[w_cyc_.size()] : w_cyc_[aw_cyc_.size()];
    if (!wd_hang_ && cycle - since > hang_cycles_) {
      wd_hang_ = true;
      flag(aw_first ? "hang.write_data" : "hang.write_addr", cycle,
           strfmt("%s accepted at cycle %llu still has no %s after %llu cycles", aw_first ? "write address" : "write data",
                  (unsigned long long)since, aw_first ? "W" : "AW", (unsigned long long)(cycle - since)));
    }
  } else {
    wd_hang_ = false;
  }
}

}  // namespace dmacosim
