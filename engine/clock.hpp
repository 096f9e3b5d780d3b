// The one source of "now". Everything that depends on the current time (session expiry,
// sweeps, reminders, "missed") reads an injected Clock; tests and demos pin it
// (HEATWATCH_NOW). Events carry their own occurred_at, which is never compared with now.
#pragma once

#include <atomic>
#include <chrono>

namespace heat {

using TimePoint = std::chrono::sys_time<std::chrono::microseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] TimePoint now() const override {
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  }
};

// A clock that stands still until advanced: HEATWATCH_NOW and tests. Thread-safe.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimePoint t) : now_(t.time_since_epoch().count()) {}
  [[nodiscard]] TimePoint now() const override { return TimePoint(std::chrono::microseconds(now_.load())); }
  void set(TimePoint t) { now_.store(t.time_since_epoch().count()); }
  void advance(std::chrono::microseconds d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<long long> now_;
};

}  // namespace heat
