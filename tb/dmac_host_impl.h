// Template implementation of DmacHost (included by dmac_host.h).
#pragma once
namespace dmacosim {

template <class Model>
void DmacHost<Model>::reg_b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  const uint64_t addr = tx.get_address();
  if (sc_core::sc_get_current_process_handle() == thread_) {
    // The DMA's own master port reached its register window through the router:
    // the access would wait for the thread that issued it.
    log_error(name(), strfmt("DMA master access to its own register window at offset 0x%llx is not supported",
                             (unsigned long long)addr));
    tx.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  RegWindow::Access acc;
  const tlm::tlm_response_status bus = window_.decode(tx, acc);
  if (bus != tlm::TLM_OK_RESPONSE) {
    tx.set_response_status(bus);
    return;
  }
  if (delay != sc_core::SC_ZERO_TIME) wait(delay);
  delay = sc_core::SC_ZERO_TIME;

  RegRequest req;
  req.write = acc.write;
  req.offset = acc.offset;
  req.data = acc.data;
  req.strb = acc.strb;
  req.posted = sc_core::sc_time_stamp();
  requests_.push_back(&req);
  request_posted_.notify();
  while (!req.done) wait(req.done_event);

  if (!req.write) RegWindow::complete_read(tx, req.rdata);
  switch (req.resp) {
    case AXI_OKAY:
    case AXI_EXOKAY: tx.set_response_status(tlm::TLM_OK_RESPONSE); break;
    case AXI_SLVERR:
      log_warn(name(), strfmt("register %s at offset 0x%03x answered SLVERR", req.write ? "write" : "read", req.offset));
      tx.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      break;
    default:
      log_warn(name(), strfmt("register %s at offset 0x%03x answered DECERR", req.write ? "write" : "read", req.offset));
      tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      break;
  }
}

template <class Model>
void DmacHost<Model>::step_one() {
  if (!active_ && !requests_.empty() && !core_.in_reset() &&
      cycle_time(core_.cycle() + 1) > requests_.front()->posted) {
    active_ = requests_.front();
    requests_.pop_front();
    active_started_ = core_.cycle();
    if (active_->write) core_.start_write_reg(active_->offset, active_->data, active_->strb);
    else core_.start_read_reg(active_->offset);
  }
  apply_requests(cycle_time(core_.cycle() + 1));
  core_.step();
  ++evaluated_;
  if (core_.in_reset() && core_.cycle() >= kResetCycles) core_.release_reset();
  if (on_eval) on_eval(*model_, uint64_t(cycle_time(core_.cycle()).value()));
  if (active_ && core_.reg_access_done() == false && core_.cycle() - active_started_ > 1000) {
    log_error(name(), strfmt("register access at offset 0x%03x got no AXI4-Lite response in 1000 cycles", active_->offset));
    core_.reg_port().reset();
    active_->resp = AXI_SLVERR;  // published below: the port is no longer busy
  }
}

template <class Model>
bool DmacHost<Model>::outputs_changed() const {
  const Model& m = *model_;
  return bool(m.irq) != pub_irq_ || uint32_t(m.dclr) != pub_dclr_ || uint32_t(m.dtc) != pub_dtc_ ||
         (active_ && (core_.reg_port().completed() != completed_seen_ || !core_.reg_port().busy()));
}

template <class Model>
void DmacHost<Model>::publish_outputs() {
  Model& m = *model_;
  if (active_ && (core_.reg_port().completed() != completed_seen_ || !core_.reg_port().busy())) {
    if (core_.reg_port().completed() != completed_seen_) {
      active_->resp = core_.reg_port().resp();
      active_->rdata = core_.reg_port().rdata();
    }
    completed_seen_ = core_.reg_port().completed();
    active_->done = true;
    active_->done_event.notify();
    active_ = nullptr;
  }
  uint32_t d = uint32_t(m.dclr), t = uint32_t(m.dtc);
  for (unsigned i = 0; i < kReqLines; ++i) {
    if (((d ^ pub_dclr_) >> i) & 1) dclr[i]->write(d >> i & 1);
    if (((t ^ pub_dtc_) >> i) & 1) dtc[i]->write(t >> i & 1);
  }
  pub_dclr_ = d;
  pub_dtc_ = t;
  if (bool(m.irq) != pub_irq_) {
    pub_irq_ = m.irq;
    irq.write(pub_irq_);
  }
}

template <class Model>
void DmacHost<Model>::run() {
  using namespace sc_core;
  thread_ = sc_get_current_process_handle();
  core_.assert_reset();  // held for the first kResetCycles cycles, clocked in time
  completed_seen_ = core_.reg_port().completed();
  for (;;) {
    const sc_time now = sc_core::sc_time_stamp();
    // Nothing else runs before `horizon`: cycles before it can be computed now.
    // Anything pending at the current time (even another host) gives 0 here.
    const sc_time horizon = now + sc_time_to_pending_activity();
    const sc_time limit = std::min(horizon, now + period_ * double(quantum_cycles_));
    bool published = false;
    while (cycle_time(core_.cycle() + 1) <= now || cycle_time(core_.cycle() + 1) < limit) {
      if (idle()) break;
      backend_.set_local_offset(cycle_time(core_.cycle() + 1) > now ? cycle_time(core_.cycle() + 1) - now : SC_ZERO_TIME);
      step_one();
      if (outputs_changed()) {
        const sc_time t = cycle_time(core_.cycle());
        if (t > now) wait(t - now);  // nothing else runs before t: catch up, then publish
        publish_outputs();
        published = true;
        break;
      }
    }
    if (published) {
      wait(SC_ZERO_TIME);  // let the receivers react before the next cycle
      continue;
    }
    if (idle()) {
      // Quiescent: sleep until an input changes, a register access arrives, or
      // anyone else's next activity; the cycles before the wake-up are skipped.
      if (horizon == sc_max_time())
        wait(input_changed_ | request_posted_);
      else
        wait(horizon - now, input_changed_ | request_posted_);
      wait(SC_ZERO_TIME);
      // Last cycle strictly before now.
      const int64_t target = int64_t(std::ceil(sc_core::sc_time_stamp() / period_ - 1e-9)) - 1;
      if (target > int64_t(core_.cycle())) {
        skipped_ += target - core_.cycle();
        core_.skip_idle_cycles(target - core_.cycle());
      }
    } else {
      // Someone else is due before our next cycle: sleep until that cycle.
      wait(cycle_time(core_.cycle() + 1) - now, request_posted_);
      wait(SC_ZERO_TIME);
    }
  }
}

}  // namespace dmacosim
