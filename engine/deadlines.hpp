// Stored deadlines as the API lists them, and the DeadlineStore interface db/ implements.
#pragma once

#include "engine/access_policy.hpp"
#include "engine/court_calendar.hpp"
#include "engine/deadline_planner.hpp"
#include "engine/identity.hpp"

#include <functional>

namespace heat {

struct DeadlineRecord {
  Deadline deadline;
  std::string prosecution_id;
  std::string citation;
  std::string count_unit;
  RecordContext access;  // the case the deadline belongs to
};

struct DeadlineFilter {
  std::string assigned_to;  // user id: lead or assigned DDA of the case
  std::string unit;         // restrict to a unit (list_scope unit)
  std::optional<DeadlineStatus> status;
  std::optional<std::chrono::sys_days> due_before;
  std::string after_id;  // cursor: (due_date, id) of the last row is encoded by the API
  std::optional<std::chrono::sys_days> after_due;
  int limit = 50;
};

struct SweepReport {
  int missed = 0;
  int reminders = 0;
};

class DeadlineStore {
 public:
  virtual ~DeadlineStore() = default;
  [[nodiscard]] virtual Result<std::vector<DeadlineRecord>> for_prosecution(const std::string& prosecution_id) = 0;
  [[nodiscard]] virtual Result<std::vector<DeadlineRecord>> list(const DeadlineFilter& filter) = 0;
  [[nodiscard]] virtual Result<std::optional<DeadlineRecord>> get(const std::string& id) = 0;
  // open or tolled -> waived, with who and why. domain_rule for any other status.
  [[nodiscard]] virtual Result<DeadlineRecord> waive(const std::string& id, const std::string& reason,
                                                     const std::function<Status(const RecordContext&)>& authorize,
                                                     const AuditEntry& audit) = 0;
  // Closures: adding or removing one recomputes the open deadlines whose period spans it.
  [[nodiscard]] virtual Result<std::vector<Closure>> closures() = 0;
  [[nodiscard]] virtual Result<int> add_closure(const Closure& closure, const AuditEntry& audit) = 0;
  [[nodiscard]] virtual Result<int> remove_closure(std::chrono::sys_days date, const AuditEntry& audit) = 0;
  // Marks passed open deadlines missed and queues reminders `reminder_court_days` ahead to
  // the case's lead DDA; safe to run from several processes at once (each reminder once).
  [[nodiscard]] virtual Result<SweepReport> sweep(TimePoint now, const std::vector<int>& reminder_court_days) = 0;
};

}  // namespace heat
