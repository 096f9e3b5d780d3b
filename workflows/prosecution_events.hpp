// The bridge between the lifecycle machine and the stored transition log: how an event's
// fields are written to the log (and read back), the EventDecider the CaseStore calls under
// the prosecution's row lock, and the replay of a whole log — lifecycle events through
// lifecycle::apply, filed and corrected counts (add_charge / update_charge) as recorded — so
// the stored projection can be checked against the source of truth. Pure and thread-safe.
#pragma once

#include "engine/cases.hpp"
#include "workflows/prosecution_lifecycle.hpp"

#include <string>
#include <vector>

namespace heat::lifecycle {

// The event's own fields as a JSON object text: "charges", "lesser_offense", "trial_date",
// "next_appearance", "sentence" (charge id -> sentence JSON) and "court_date", each only
// when set. name and occurred_at are columns of the log row.
[[nodiscard]] std::string event_fields_json(const LifecycleEvent& e);

// The event of a log row. invalid_argument when the fields are not of that shape.
[[nodiscard]] Result<LifecycleEvent> event_from_log(const HistoryEntry& entry);

// A decider for CaseStore::apply_event: applies `e` with lifecycle::apply.
[[nodiscard]] EventDecider decider_for(LifecycleEvent e);

// Rebuilds a prosecution from its log (a new prosecution: Referred, out of custody, no
// warrant, no counts). The first failing row is an error naming its seq.
[[nodiscard]] Result<ProsecutionSnapshot> replay_log(const std::vector<HistoryEntry>& log);

// Replays the stored log of a prosecution and compares it with its stored projection.
// Returns the replayed snapshot; domain_rule ("projection differs from the log") on mismatch.
[[nodiscard]] Result<ProsecutionSnapshot> verify_projection(CaseStore& store, const std::string& prosecution_id);

}  // namespace heat::lifecycle
