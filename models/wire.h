// A single-bit wire between models (IRQ lines, DMA request/clear lines), and
// the input end a model binds it to.
//
// Deliberately not an sc_signal: writing it costs no delta cycle, so the
// clocked RTL wrapper can poll and drive wires every cycle without SystemC
// scheduler traffic. Listeners run synchronously on every level change; a
// listener that needs a SystemC process woken notifies an sc_event itself.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <systemc>

namespace dmacosim {

class Wire {
public:
  explicit Wire(std::string name = {}, bool initial = false)
      : name_(std::move(name)), level_(initial) {}
  Wire(const Wire&) = delete;
  Wire& operator=(const Wire&) = delete;

  bool read() const { return level_; }
  const std::string& name() const { return name_; }

  // Drive a new level; listeners are called only when the level changes.
  void write(bool level) {
    if (level == level_) return;
    level_ = level;
    for (auto& fn : listeners_) fn(level);
  }

  void on_change(std::function<void(bool)> fn) { listeners_.push_back(std::move(fn)); }

private:
  std::string name_;
  bool level_;
  std::vector<std::function<void(bool)>> listeners_;
};

// A model's input line. Every input of every model is wired with the one verb
// `input.bind(wire)` (as an sc_port binds), bound once. The model gives, at
// construction, what an input change does (`on_change`) and, optionally, how
// it takes the level it finds when the input is bound (`on_bind`, e.g. a
// level-sensitive input that is already high; it may not notify events, as
// binding happens during elaboration).
class WireIn {
public:
  explicit WireIn(std::string name, std::function<void(bool)> on_change = {},
                  std::function<void(bool)> on_bind = {})
      : name_(std::move(name)), on_change_(std::move(on_change)), on_bind_(std::move(on_bind)) {}
  WireIn(const WireIn&) = delete;
  WireIn& operator=(const WireIn&) = delete;

  void bind(Wire& w) {
    if (w_) {
      SC_REPORT_ERROR("dmacosim/wire", (name_ + ": bound twice (to " + w_->name() + " and " + w.name() + ")").c_str());
      return;
    }
    w_ = &w;
    if (on_change_) w.on_change(on_change_);
    if (on_bind_) on_bind_(w.read());
  }
  bool bound() const { return w_ != nullptr; }
  bool read() const { return w_ && w_->read(); }  // an unbound input reads low
  const std::string& name() const { return name_; }

private:
  std::string name_;
  std::function<void(bool)> on_change_, on_bind_;
  Wire* w_ = nullptr;
};

}  // namespace dmacosim
