// The status of an evidence item (issue 8): in custody, at the lab, in court, released or
// destroyed. Released and destroyed are final. A plain interface over a small Boost.MSM
// machine (in the .cpp only).
#pragma once

#include "engine/result.hpp"

#include <string_view>
#include <vector>

namespace heat::evidence {

enum class ItemStatus { in_custody, at_lab, in_court, released, destroyed };

[[nodiscard]] const char* to_string(ItemStatus s);
[[nodiscard]] Result<ItemStatus> parse_item_status(std::string_view s);
[[nodiscard]] std::vector<ItemStatus> allowed_next(ItemStatus from);
// conflict (allowed statuses in allowed_events) when the machine refuses; the same status
// is a no-op (a transfer between two custodians in the same place).
[[nodiscard]] Result<ItemStatus> change_status(ItemStatus from, ItemStatus to);

}  // namespace heat::evidence
