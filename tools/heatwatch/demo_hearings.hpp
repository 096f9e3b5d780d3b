// The demo's court calendar (issue 7): a demo feed whose iCalendar export is imported twice
// through the real import path — a first calendar, then the next day's with a continuance
// and a cancellation — so the demo shows hearings, their history, hearing deadlines and
// alerts, plus one record waiting in the unmatched queue and one hearing entered by hand.
#pragma once

#include "engine/court_events.hpp"

#include <string>
#include <utility>
#include <vector>

namespace heat::cli {

struct DemoCase {
  std::string id;
  std::string docket;
};

// Returns the number of hearings created. Errors: those of the store.
[[nodiscard]] Result<int> load_demo_hearings(CourtEventStore& store, const std::vector<DemoCase>& cases,
                                             const std::string& unit, TimePoint now, const AuditEntry& audit);

}  // namespace heat::cli
