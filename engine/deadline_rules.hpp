// The statutory deadline rules as data (LEGAL.md, "Deadline rules"): one row per rule, with
// its citation, the event that starts it, the period and how it is counted, when it applies,
// what meets it, and how a waiver or a warrant changes it. A change in the law is a change
// of a row. The counting itself lives in engine/court_calendar.hpp; compute_due joins the two.
// Everything here is immutable: safe to read from any thread.
#pragma once

#include "engine/clock.hpp"
#include "engine/court_calendar.hpp"
#include "engine/result.hpp"

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heat {

// Events that start or meet a deadline. The first group are the prosecution lifecycle's
// events (workflows/); the rest are records entered beside it (hearings, filings, notices).
enum class DeadlineEvent : std::uint8_t {
  book,                    // arrest and booking (custody region)
  arraign,                 // arraignment (or plea) on the complaint, or on an indictment
  hold_to_answer,          // holding order at the preliminary hearing
  arraign_on_information,  // the information filed and the defendant arraigned on it
  indict,                  // indictment (its trigger date: the arraignment on it)
  plead_guilty,
  verdict_guilty,
  set_trial_date,
  hearing,                 // a court event of the kind the rule names (HearingKind)
  discharge,               // discharge at the preliminary hearing
  start_trial,
  sentence,
  motion_filed,            // a continuance motion filed and served
  disclosure_made,         // prosecution discovery disclosed
  report_received,         // probation report received
  notice_sent,             // a notice sent to a victim
};
inline constexpr int kDeadlineEventCount = 16;

// A set of DeadlineEvents (a rule may be met by more than one).
struct EventSet {
  std::uint32_t bits = 0;
  constexpr EventSet() = default;
  constexpr EventSet(std::initializer_list<DeadlineEvent> events) {
    for (auto e : events) bits |= 1u << static_cast<unsigned>(e);
  }
  [[nodiscard]] constexpr bool contains(DeadlineEvent e) const { return (bits >> static_cast<unsigned>(e)) & 1u; }
  friend constexpr bool operator==(EventSet, EventSet) = default;
};

// Which hearings trigger a `hearing` rule.
enum class HearingKind : std::uint8_t { any, sentencing, restitution };

enum class PeriodUnit : std::uint8_t { court_days, calendar_days, hours };

// forward: due `period` after the trigger; backward: `period` before it (CCP 12c).
enum class Direction : std::uint8_t { forward, backward };

// When a rule applies: every flag set must hold (none: always). A bit set.
enum class Condition : std::uint16_t {
  none = 0,
  in_custody = 1u << 0,
  out_of_custody = 1u << 1,
  felony = 1u << 2,
  misdemeanor = 1u << 3,
  minor_victim = 1u << 4,             // a minor victim of an offense PC 1048(b) lists
  victim_requested_notice = 1u << 5,  // a linked victim asked for notice
  early_report_requested = 1u << 6,   // PC 1203(b)(2)(E): a party asked for the report 9 days ahead
};

// How a waiver, a warrant or the court may change the deadline. A bit set.
enum class Relief : std::uint16_t {
  none = 0,
  personal_waiver = 1u << 0,            // the defendant may personally waive it (PC 859b)
  general_time_waiver = 1u << 1,        // a general time waiver removes it (PC 1382)
  withdrawn_waiver_restarts = 1u << 2,  // withdrawing the waiver: `after_withdrawal` days from then
  consent_to_later_date = 1u << 3,      // consent to a later date: that date + `after_consent` days
  warrant_restarts = 1u << 4,           // an FTA warrant tolls it; `period` runs again from the next appearance
  good_cause = 1u << 5,                 // the court may continue it for good cause on the record
  stipulation = 1u << 6,                // the parties may stipulate otherwise
  motion_extension = 1u << 7,           // a new-trial motion (+10 days) or the probation report extends it
};

constexpr Condition operator|(Condition a, Condition b) {
  return static_cast<Condition>(static_cast<std::uint16_t>(a) | static_cast<std::uint16_t>(b));
}
constexpr Relief operator|(Relief a, Relief b) {
  return static_cast<Relief>(static_cast<std::uint16_t>(a) | static_cast<std::uint16_t>(b));
}
// Every flag of `flags` is in `set`.
constexpr bool has(Condition set, Condition flags) {
  return (static_cast<std::uint16_t>(set) & static_cast<std::uint16_t>(flags)) == static_cast<std::uint16_t>(flags);
}
constexpr bool has(Relief set, Relief flags) {
  return (static_cast<std::uint16_t>(set) & static_cast<std::uint16_t>(flags)) == static_cast<std::uint16_t>(flags);
}

struct DeadlineRule {
  std::string_view id;        // stable key, stored with each deadline: "pc859b_prelim"
  std::string_view citation;  // as LEGAL.md cites it: "PC 859b"
  std::string_view title;     // "preliminary hearing"
  DeadlineEvent trigger;
  HearingKind hearing;  // which hearings, when trigger == hearing
  int period;
  PeriodUnit unit;
  Direction direction;
  Condition conditions;
  EventSet met_by;
  Relief relief;
  int after_withdrawal = 0;  // days from a withdrawn general waiver (withdrawn_waiver_restarts)
  int after_consent = 0;     // days after a consented-to date (consent_to_later_date)
  bool period_configurable = false;  // the law gives no number: `period` is a default
  std::string_view note = {};
};

// The facts a rule's conditions are checked against.
struct CaseFacts {
  bool felony = true;  // false: a misdemeanor
  bool in_custody = false;
  bool minor_victim = false;
  bool victim_requested_notice = false;
  bool early_report_requested = false;
};

// All rules, in LEGAL.md's order.
[[nodiscard]] const std::vector<DeadlineRule>& deadline_rules();

// Errors: not_found for an unknown id.
[[nodiscard]] Result<DeadlineRule> find_deadline_rule(std::string_view id);

[[nodiscard]] bool applies(const DeadlineRule& rule, const CaseFacts& facts);

// The rules `event` starts for a case with `facts` (for a hearing, those of its kind and
// those of any hearing), in table order.
[[nodiscard]] std::vector<DeadlineRule> rules_triggered_by(DeadlineEvent event, const CaseFacts& facts,
                                                           HearingKind hearing = HearingKind::any);

// A computed deadline: the last day (day rules) or the due instant (hour rules, UTC).
struct Due {
  std::chrono::sys_days date;       // day rules: the last day; hour rules: the court-local date of `instant`
  std::optional<TimePoint> instant;  // hour rules only
  friend bool operator==(const Due&, const Due&) = default;
};

// The due of `rule` started on `trigger` (a day; for a hearing rule, the hearing's day).
// Forward day rules count with CCP 12/12a (court days: the n-th court day after the trigger);
// backward rules with CCP 12c, a last day that is not a court day moving earlier.
// Errors: invalid_argument for an hour rule (it needs an instant) or a date the calendar does
// not support.
[[nodiscard]] Result<Due> compute_due(const DeadlineRule& rule, std::chrono::sys_days trigger,
                                      const CourtCalendar& calendar);

// The same from an instant: hour rules count hours (CourtCalendar::add_court_hours, with
// `session`); day rules count from the instant's court-local date.
[[nodiscard]] Result<Due> compute_due(const DeadlineRule& rule, TimePoint trigger, const CourtCalendar& calendar,
                                      CourtSession session = {});

// PC 1382(b) and (a)(2)(B): how a time waiver or a warrant changes a speedy-trial deadline.
enum class TimeWaiver : std::uint8_t {
  none,        // the clock runs from the trigger
  general,     // a general time waiver: no deadline
  withdrawn,   // withdrawn on `waiver_withdrawn_on`: after_withdrawal days from then
  later_date,  // consent to trial on `consented_date`: that date + after_consent days
};

struct SpeedyTrialFacts {
  TimeWaiver waiver = TimeWaiver::none;
  std::optional<std::chrono::sys_days> waiver_withdrawn_on;
  std::optional<std::chrono::sys_days> consented_date;
  // A failure to appear: a warrant outstanding tolls the clock (no deadline); once the
  // defendant appears, `period` runs again from `next_appearance`.
  bool warrant_outstanding = false;
  std::optional<std::chrono::sys_days> next_appearance;
};

// The speedy-trial due for a rule with general_time_waiver relief (the PC 1382 rows), or
// nullopt when no deadline runs. `facts` is the state now:
//   - a warrant outstanding: none (tolled) — it wins over any waiver, the defendant is absent;
//   - a general waiver: none;
//   - a withdrawn waiver: after_withdrawal days from the withdrawal, or `period` days from
//     next_appearance when the defendant appeared on a warrant after withdrawing;
//   - consent to a later date: that date + after_consent days;
//   - no waiver: `period` days from the trigger, or from next_appearance when given.
// Days are calendar days counted with CCP 12/12a. Errors: invalid_argument when the rule is
// no speedy-trial rule, when a date the waiver needs is missing (field "waiver_withdrawn_on",
// "consented_date"), or when next_appearance precedes the trigger.
[[nodiscard]] Result<std::optional<std::chrono::sys_days>> speedy_trial_due(const DeadlineRule& rule,
                                                                           std::chrono::sys_days trigger,
                                                                           const SpeedyTrialFacts& facts,
                                                                           const CourtCalendar& calendar);

// String mappings, one per enum, used by JSON, SQL and logs alike. A bit set maps to its
// flag names joined by ',' in bit order ("" for none); parse_* accepts the same and answers
// nullopt for an unknown name.
[[nodiscard]] const char* to_string(DeadlineEvent e);
[[nodiscard]] const char* to_string(HearingKind k);
[[nodiscard]] const char* to_string(PeriodUnit u);
[[nodiscard]] const char* to_string(Direction d);
[[nodiscard]] const char* to_string(TimeWaiver w);
[[nodiscard]] std::string to_string(Condition c);
[[nodiscard]] std::string to_string(Relief r);
[[nodiscard]] std::optional<DeadlineEvent> parse_deadline_event(std::string_view s);
[[nodiscard]] std::optional<HearingKind> parse_hearing_kind(std::string_view s);
[[nodiscard]] std::optional<PeriodUnit> parse_period_unit(std::string_view s);
[[nodiscard]] std::optional<Direction> parse_direction(std::string_view s);
[[nodiscard]] std::optional<TimeWaiver> parse_time_waiver(std::string_view s);
[[nodiscard]] std::optional<Condition> parse_conditions(std::string_view s);
[[nodiscard]] std::optional<Relief> parse_relief(std::string_view s);

}  // namespace heat
