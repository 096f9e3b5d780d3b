// heatwatch demo, the dashboard part (issue 9): enough prosecutions across quarters, DDAs,
// units and statute categories, with plausible outcomes (pleas, verdicts, acquittals,
// dismissals, a refiling, a mistrial), and victims with demographics, service plans and Safety
// Net reviews, that every chart and the victims panel show something real — some victim
// counts above 10 and some suppressed. Everything goes through the real stores, so the
// metrics triggers count it as they would count the API's writes.
#pragma once

#include "db/pool.hpp"
#include "engine/clock.hpp"
#include "engine/identity.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace heat::cli {

// ddas: the demo unit's DDAs (unit "ht"); a DDA of a second unit ("sx", demo.dda3) is added with
// `password`. Victims are only added when the encryption key is configured. Returns 0, or 1
// after logging the error.
int load_demo_metrics(db::Pool& pool, const Clock& clock, const std::vector<User>& ddas, const std::string& password,
                      unsigned seed, std::ostream& out);

}  // namespace heat::cli
