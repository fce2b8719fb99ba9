// A single-bit wire between models (IRQ lines, DMA request/clear lines).
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

}  // namespace dmacosim
