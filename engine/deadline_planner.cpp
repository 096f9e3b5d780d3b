#include "engine/deadline_planner.hpp"

#include "engine/cases.hpp"

#include <algorithm>
#include <array>

namespace heat {
namespace {

constexpr std::array<const char*, 6> kStatusNames = {"open", "met", "missed", "waived", "tolled", "superseded"};

// The rule-table event a lifecycle event stands for, if any.
std::optional<DeadlineEvent> trigger_of(const DeadlineEventContext& c) {
  const std::string& e = c.event;
  if (e == "book") return DeadlineEvent::book;
  if (e == "arraign") return c.before.indicted ? DeadlineEvent::indict : DeadlineEvent::arraign;
  if (e == "hold_to_answer") return DeadlineEvent::hold_to_answer;
  if (e == "arraign_on_information") return DeadlineEvent::arraign_on_information;
  if (e == "plead_guilty") return DeadlineEvent::plead_guilty;
  if (e == "verdict_guilty") return DeadlineEvent::verdict_guilty;
  if (e == "set_trial_date") return DeadlineEvent::set_trial_date;
  if (e == "discharge") return DeadlineEvent::discharge;
  if (e == "start_trial") return DeadlineEvent::start_trial;
  if (e == "sentence") return DeadlineEvent::sentence;
  return std::nullopt;
}

bool is_live(const Deadline& d) { return d.status == DeadlineStatus::open || d.status == DeadlineStatus::tolled; }

bool is_speedy_trial(const DeadlineRule& r) { return has(r.relief, Relief::general_time_waiver); }

Result<Deadline> make(const DeadlineRule& rule, const std::string& trigger, std::chrono::sys_days from,
                      std::optional<TimePoint> at, int period, const CourtCalendar& calendar) {
  DeadlineRule r = rule;
  r.period = period;
  Deadline d;
  d.rule_id = std::string(rule.id);
  d.trigger = trigger;
  d.trigger_date = from;
  if (rule.unit == PeriodUnit::hours) {
    if (!at) return Error::of(ErrorCode::internal, "an hour-counted rule needs an instant");
    auto due = compute_due(r, *at, calendar);
    if (!due) return due.error();
    d.trigger_at = at;
    d.due_date = due->date;
    d.due_at = due->instant;
  } else {
    auto due = compute_due(r, from, calendar);
    if (!due) return due.error();
    d.due_date = due->date;
  }
  return d;
}

}  // namespace

const char* to_string(DeadlineStatus s) { return kStatusNames[static_cast<std::size_t>(s)]; }

Result<DeadlineStatus> parse_deadline_status(std::string_view s) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i)
    if (s == kStatusNames[i]) return static_cast<DeadlineStatus>(i);
  return Error::invalid("status", "must be one of open, met, missed, waived, tolled, superseded");
}

bool is_past_due(const Deadline& d, TimePoint now, std::chrono::sys_days today) {
  if (d.status != DeadlineStatus::open) return false;
  if (d.due_at) return now > *d.due_at;
  return today > d.due_date;
}

Result<DeadlinePlan> plan_deadlines(const std::vector<Deadline>& existing, const DeadlineEventContext& c,
                                    const CourtCalendar& calendar) {
  DeadlinePlan plan;
  std::vector<Deadline> state = existing;
  auto change = [&](Deadline& d, DeadlineStatus status, std::string note) {
    d.status = status;
    d.resolved_on = c.court_date;
    d.note = std::move(note);
    plan.changed.push_back(d);
  };
  const auto trigger = trigger_of(c);

  for (Deadline& d : state) {
    if (!is_live(d)) continue;
    auto rule = find_deadline_rule(d.rule_id);
    if (!rule) return rule.error();
    // Met: the event the rule waits for happened.
    if (trigger && rule->met_by.contains(*trigger)) {
      d.met_on_time = d.due_at ? c.occurred_at <= *d.due_at : c.court_date <= d.due_date;
      change(d, DeadlineStatus::met, "met by " + c.event);
      continue;
    }
    // A prosecution that ended (dismissal, acquittal, sentence...) or a plea makes the
    // pre-trial clocks moot.
    if (is_closed(c.after.stage) || (c.event == "plead_guilty" && !rule->met_by.contains(DeadlineEvent::sentence))) {
      change(d, DeadlineStatus::superseded, c.event + ": no longer applies");
      continue;
    }
    if (is_speedy_trial(*rule) && d.status == DeadlineStatus::open) {
      if (c.event == "issue_warrant") change(d, DeadlineStatus::tolled, "tolled: warrant issued (failure to appear)");
      else if (c.event == "waive_time") change(d, DeadlineStatus::waived, "general time waiver");
    }
  }

  // Restarts of the speedy-trial clock.
  const bool cleared = c.event == "clear_warrant";
  const bool withdrawn = c.event == "withdraw_time_waiver";
  if (cleared || withdrawn) {
    std::vector<std::string> restarted_rules;  // each clock restarts once
    for (Deadline& d : state) {
      auto rule = find_deadline_rule(d.rule_id);
      if (!rule || !is_speedy_trial(*rule)) continue;
      const bool restart = cleared ? d.status == DeadlineStatus::tolled
                                   : d.status == DeadlineStatus::waived && d.note == "general time waiver";
      if (!restart || std::find(restarted_rules.begin(), restarted_rules.end(), d.rule_id) != restarted_rules.end())
        continue;
      restarted_rules.push_back(d.rule_id);
      const auto from = cleared ? c.after.next_appearance.value_or(c.court_date) : c.court_date;
      const int period = cleared ? rule->period : rule->after_withdrawal;
      if (cleared) change(d, DeadlineStatus::superseded, "restarted at the next appearance");
      auto restarted = make(*rule, c.event, from, std::nullopt, period, calendar);
      if (!restarted) return restarted.error();
      restarted->note = cleared ? "restarted: next appearance after a warrant" : "restarted: time waiver withdrawn";
      plan.created.push_back(*restarted);
    }
  }

  // New trial date: discovery is due 30 days before it; an earlier computation is superseded.
  if (c.event == "set_trial_date" && c.after.trial_date) {
    for (Deadline& d : state)
      if (is_live(d) && d.trigger == "set_trial_date") change(d, DeadlineStatus::superseded, "trial date moved");
  }

  // Created: every rule this event triggers under the case's facts, unless already running.
  if (trigger && !is_closed(c.after.stage)) {
    CaseFacts facts = c.facts;
    facts.in_custody = c.after.custody == Custody::in;
    for (const DeadlineRule& rule : rules_triggered_by(*trigger, facts)) {
      const bool running = std::any_of(state.begin(), state.end(), [&](const Deadline& d) {
        return d.rule_id == rule.id && is_live(d) && d.trigger != "set_trial_date";
      });
      if (running) continue;
      if (is_speedy_trial(rule) && c.after.time_waived) continue;  // a general waiver: no deadline
      std::chrono::sys_days from = c.court_date;
      if (*trigger == DeadlineEvent::set_trial_date) from = *c.after.trial_date;
      auto d = make(rule, c.event, from, c.occurred_at, rule.period, calendar);
      if (!d) return d.error();
      plan.created.push_back(*d);
    }
  }
  return plan;
}

namespace {

// Whether `event` (a lifecycle event name) is one of the events that meet `rule`. "arraign"
// stands for both arraignment rows (on a complaint or on an indictment).
bool meets(const DeadlineRule& rule, const std::string& event) {
  if (event == "arraign") return rule.met_by.contains(DeadlineEvent::arraign) || rule.met_by.contains(DeadlineEvent::indict);
  auto e = parse_deadline_event(event);
  return e && rule.met_by.contains(*e);
}

}  // namespace

Result<std::vector<Deadline>> replan_corrected_trigger(const std::vector<Deadline>& existing,
                                                       const TriggerCorrection& c, const CourtCalendar& calendar) {
  std::vector<Deadline> changed;
  const std::string why = c.event + " corrected from " + format_date(c.previous_date) + " to " +
                          format_date(c.corrected_date) + ": " + c.reason;
  for (Deadline d : existing) {
    if (d.status == DeadlineStatus::superseded) continue;
    auto rule = find_deadline_rule(d.rule_id);
    if (!rule) return rule.error();
    const bool started = d.trigger == c.event && !c.counts_from_field &&
                         (d.trigger_at ? *d.trigger_at == c.previous_at : d.trigger_date == c.previous_date);
    const bool met = d.status == DeadlineStatus::met && d.resolved_on == c.previous_date && meets(*rule, c.event);
    if (!started && !met) continue;
    const auto was_due = d.due_date;
    if (started) {
      DeadlineRule r = *rule;
      if (c.event == "withdraw_time_waiver") r.period = rule->after_withdrawal;
      auto due = rule->unit == PeriodUnit::hours ? compute_due(r, c.corrected_at, calendar)
                                                 : compute_due(r, c.corrected_date, calendar);
      if (!due) return due.error();
      d.trigger_date = c.corrected_date;
      if (d.trigger_at) d.trigger_at = c.corrected_at;
      d.due_date = due->date;
      d.due_at = due->instant;
    }
    if (met) d.resolved_on = c.corrected_date;
    if (d.status == DeadlineStatus::met && d.resolved_on) {
      // Met by this event: the corrected instant decides. Met by another: that day does.
      if (met) d.met_on_time = d.due_at ? c.corrected_at <= *d.due_at : c.corrected_date <= d.due_date;
      else d.met_on_time = *d.resolved_on <= d.due_date;
    }
    if (d.status == DeadlineStatus::missed && d.due_date >= c.today) {
      d.status = DeadlineStatus::open;
      d.resolved_on.reset();
    }
    d.note = "recomputed: " + why + (started ? " (was due " + format_date(was_due) + ")" : "");
    changed.push_back(std::move(d));
  }
  return changed;
}

}  // namespace heat
