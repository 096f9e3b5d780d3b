// The prosecution lifecycle (DESIGN.md, "The prosecution lifecycle"): which events a
// prosecution accepts in its current state and what each does to it. A plain interface over
// the Boost.MSM machine in prosecution_lifecycle.cpp, whose transition table is the rule
// book. Pure functions of their arguments: no I/O, no clock; safe to call from any thread.
//
// Three orthogonal regions — stage, custody, warrant — plus time events that change no region.
// Rules the design left open, decided here:
// - book and issue_warrant are accepted in every stage that is not closed (is_closed: Declined,
//   Acquitted, Dismissed, Sentenced); release and clear_warrant whenever the defendant is in
//   custody / a warrant is outstanding, in any stage (a release is always recordable).
// - waive_time, withdraw_time_waiver and set_trial_date are accepted in Arraigned,
//   HeldToAnswer and Pretrial (after the first arraignment, before trial begins); waive_time
//   only when no waiver is in force, withdraw_time_waiver only when one is.
// - Count-deciding events (plead_guilty, verdict_guilty, verdict_not_guilty, dismiss) cover the
//   listed charge ids, or every pending count when none are listed; a listed count must be
//   pending. plead_guilty and verdict_guilty move to Convicted (other pending counts stay
//   pending); lesser_offense makes the covered counts convicted_lesser.
// - dismiss and verdict_not_guilty that leave some count pending are partial: the covered
//   counts are decided and the stage stays (one count dismissed does not end the case). A
//   dismiss that leaves no pending count moves to Dismissed (also with no counts at all).
//   Convicted also accepts a partial dismiss of counts still pending (the rest of a plea deal).
// - arraign, hold_to_answer, arraign_on_information, start_trial need a pending count.
//   discharge dismisses every pending count. refile returns the listed (or every) dismissed
//   count to pending, clears the trial date and time waiver, and is a complaint (indicted =
//   false). mistrial clears the trial date. sentence needs a conviction on some count; its
//   per-count sentences may name convicted counts only.
#pragma once

#include "engine/clock.hpp"
#include "engine/prosecution.hpp"
#include "engine/result.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heat::lifecycle {

// One event as entered (API.md, POST /prosecutions/{id}/events). Fields an event does not take
// must be left empty; apply() rejects them (invalid_argument), as the API rejects unknown fields.
struct LifecycleEvent {
  std::string name;                                   // one of event_names()
  TimePoint occurred_at{};                            // recorded, never compared with a clock
  // The court-local date of occurred_at, stamped on decided counts (disposition_date). The
  // caller knows the court's time zone; when absent, the UTC date of occurred_at is used.
  std::optional<std::chrono::sys_days> court_date;
  std::vector<std::string> charge_ids;                // plead_guilty, verdicts, dismiss, refile
  bool lesser_offense = false;                        // plead_guilty, verdict_guilty
  std::optional<std::chrono::sys_days> trial_date;    // set_trial_date (required)
  std::optional<std::chrono::sys_days> next_appearance;  // clear_warrant (optional)
  std::map<std::string, std::string> sentences;       // sentence: charge id -> opaque sentence
};

// The outcome of one accepted event.
struct Transition {
  std::string event;
  Stage from = Stage::referred;
  Stage to = Stage::referred;                 // == from for events that leave the stage alone
  ProsecutionSnapshot snapshot;               // the prosecution after the event
  std::vector<std::string> changed_charges;   // ids whose disposition changed, in charge order
};

// Every event the machine knows, stage events first, then custody, warrant and time events.
[[nodiscard]] const std::vector<std::string>& event_names();

// Applies one event to a prosecution. Errors, checked in this order:
// - invalid_argument (field "event") for an unknown event name;
// - invalid_argument for a malformed event: an unknown charge id (field "charges"), a field the
//   event does not take, set_trial_date without trial_date (field "trial_date"), a sentence
//   for an unknown count (field "sentence");
// - conflict, with Error::allowed_events == allowed_events(s), when the current state refuses
//   the event;
// - domain_rule when the event is allowed now but not with these counts (a listed count is not
//   pending; refile lists a count that is not dismissed; a sentence names an unconvicted count).
// Precondition: the snapshot's charge ids are unique.
[[nodiscard]] Result<Transition> apply(const ProsecutionSnapshot& s, const LifecycleEvent& e);

// The events apply() accepts now with default fields (every pending count; for set_trial_date
// any date), in event_names() order.
[[nodiscard]] std::vector<std::string> allowed_events(const ProsecutionSnapshot& s);

// Applies the events in order; the first failure is returned, its message prefixed with the
// event's position and name.
[[nodiscard]] Result<ProsecutionSnapshot> replay(ProsecutionSnapshot initial, const std::vector<LifecycleEvent>& events);

}  // namespace heat::lifecycle
