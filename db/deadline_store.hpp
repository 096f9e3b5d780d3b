// Deadlines in PostgreSQL: written in the same transaction as the lifecycle event that
// causes them (record_event_deadlines), listed, waived, recomputed when a court closure is
// added or removed, and swept for misses and reminders.
#pragma once

#include "db/pool.hpp"
#include "engine/deadlines.hpp"

namespace heat::db {

// Inside the caller's open transaction (the event's): plans the deadlines the event creates,
// meets, tolls, waives, restarts or supersedes, and writes them. Throws soci errors.
[[nodiscard]] Status record_event_deadlines(soci::session& sql, const std::string& prosecution_id,
                                            const std::string& event, TimePoint occurred_at,
                                            const ProsecutionSnapshot& before, const ProsecutionSnapshot& after,
                                            TimePoint now);

// Inside the caller's open transaction: recomputes the deadlines of the prosecution that hang
// on a corrected event time (engine's replan_corrected_trigger) and writes them. Returns the
// ids of the deadlines it changed. Throws soci errors.
[[nodiscard]] Result<std::vector<std::string>> correct_event_deadlines(soci::session& sql,
                                                                       const std::string& prosecution_id,
                                                                       const TriggerCorrection& correction,
                                                                       TimePoint now);

// The court calendar with the closures stored in the database.
[[nodiscard]] Result<CourtCalendar> load_calendar(soci::session& sql);

class PgDeadlineStore final : public DeadlineStore {
 public:
  explicit PgDeadlineStore(Pool& pool) : pool_(pool) {}
  [[nodiscard]] Result<std::vector<DeadlineRecord>> for_prosecution(const std::string& prosecution_id) override;
  [[nodiscard]] Result<std::vector<DeadlineRecord>> list(const DeadlineFilter& filter) override;
  [[nodiscard]] Result<std::optional<DeadlineRecord>> get(const std::string& id) override;
  [[nodiscard]] Result<DeadlineRecord> waive(const std::string& id, const std::string& reason,
                                             const std::function<Status(const RecordContext&)>& authorize,
                                             const AuditEntry& audit) override;
  [[nodiscard]] Result<std::vector<Closure>> closures() override;
  [[nodiscard]] Result<int> add_closure(const Closure& closure, const AuditEntry& audit) override;
  [[nodiscard]] Result<int> remove_closure(std::chrono::sys_days date, const AuditEntry& audit) override;
  [[nodiscard]] Result<SweepReport> sweep(TimePoint now, const std::vector<int>& reminder_court_days) override;

 private:
  Pool& pool_;
};

}  // namespace heat::db
