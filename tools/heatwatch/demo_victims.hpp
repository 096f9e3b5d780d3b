// The demo unit's victims, service plans and Safety Net (see demo_victims.cpp).
#pragma once

#include "db/victim_store.hpp"
#include "engine/clock.hpp"

#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace heat::cli {

// A demo prosecution victims may be linked to.
struct DemoProsecution {
  std::string id;
  std::string dda_id;  // its case's lead DDA
  std::chrono::sys_days offense_date;
};

struct DemoSafetyNet {
  std::string partner_agency_id;  // the agency of the demo MDT partner user
  int victims = 0;
  int links = 0;
  int service_items = 0;
  int meetings = 0;
  int reviews = 0;
  int protective_orders = 0;
};

// Loads agencies, victims (assigned to advocate_id), links, Marsy's Law entries, service
// plans, three weekly meetings (the last two with reviews) and protective orders.
[[nodiscard]] Result<DemoSafetyNet> load_demo_victims(db::PgVictimStore& victims, const Clock& clock,
                                                      const std::string& unit, const std::string& advocate_id,
                                                      const std::string& supervisor_id,
                                                      const std::vector<DemoProsecution>& prosecutions,
                                                      std::mt19937& rng);

}  // namespace heat::cli
