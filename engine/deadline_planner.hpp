// Which deadlines a lifecycle event creates, meets, tolls, waives, restarts or supersedes.
// Pure: the stored deadlines and the event go in, the changes come out; db/ writes them in
// the same transaction as the event. Rules and counting live in engine/deadline_rules.hpp
// and engine/court_calendar.hpp; this file only decides what happens to which deadline.
#pragma once

#include "engine/clock.hpp"
#include "engine/court_calendar.hpp"
#include "engine/deadline_rules.hpp"
#include "engine/prosecution.hpp"
#include "engine/result.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace heat {

enum class DeadlineStatus { open, met, missed, waived, tolled, superseded };
[[nodiscard]] const char* to_string(DeadlineStatus s);
[[nodiscard]] Result<DeadlineStatus> parse_deadline_status(std::string_view s);

struct Deadline {
  std::string id;        // empty until stored
  std::string rule_id;   // DeadlineRule::id
  std::string trigger;   // the lifecycle event that started it ("arraign", "clear_warrant", ...)
  std::chrono::sys_days trigger_date{};
  std::optional<TimePoint> trigger_at;  // hour-counted rules
  std::chrono::sys_days due_date{};     // day rules: the last day; hour rules: its local date
  std::optional<TimePoint> due_at;      // hour-counted rules
  DeadlineStatus status = DeadlineStatus::open;
  std::optional<bool> met_on_time;
  std::optional<std::chrono::sys_days> resolved_on;
  std::string note;  // why it changed: "general time waiver", "tolled: warrant issued", ...
  friend bool operator==(const Deadline&, const Deadline&) = default;
};

struct DeadlineEventContext {
  std::string event;                 // lifecycle event name
  TimePoint occurred_at;             // as entered; never compared with the clock
  std::chrono::sys_days court_date;  // court-local date of occurred_at
  ProsecutionSnapshot before;
  ProsecutionSnapshot after;
  CaseFacts facts;  // felony/misdemeanor, custody, minor victim...
};

struct DeadlinePlan {
  std::vector<Deadline> created;
  std::vector<Deadline> changed;  // existing deadlines (by id) with their new status
};

// existing: every deadline of the prosecution (any status). The plan never touches a
// deadline that is not open or tolled, except to restart a waived speedy-trial clock.
[[nodiscard]] Result<DeadlinePlan> plan_deadlines(const std::vector<Deadline>& existing,
                                                  const DeadlineEventContext& context, const CourtCalendar& calendar);

// A lifecycle event's time entered wrong and corrected: which deadlines hang on it.
struct TriggerCorrection {
  std::string event;  // the corrected transition's event
  TimePoint previous_at;
  TimePoint corrected_at;
  std::chrono::sys_days previous_date;   // court-local date of previous_at
  std::chrono::sys_days corrected_date;  // court-local date of corrected_at
  // set_trial_date counts from the trial date and clear_warrant from the next appearance
  // when one was entered: those deadlines hang on a field, not on the event's time.
  bool counts_from_field = false;
  std::chrono::sys_days today;  // a missed deadline whose new due is today or later is open again
  std::string reason;
};

// The deadlines (by id, with new dates, status and a note saying why) that a corrected
// trigger moves: those it started (recounted from the corrected time) and those it met
// (met_on_time decided again). Superseded deadlines are history and stay as they were.
[[nodiscard]] Result<std::vector<Deadline>> replan_corrected_trigger(const std::vector<Deadline>& existing,
                                                                     const TriggerCorrection& correction,
                                                                     const CourtCalendar& calendar);

// Open deadlines whose due day (or instant) has passed at `now`: they become missed.
[[nodiscard]] bool is_past_due(const Deadline& d, TimePoint now, std::chrono::sys_days today);

}  // namespace heat
