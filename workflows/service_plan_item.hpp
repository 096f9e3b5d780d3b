// The status of a victim's service-plan item (issue 6): referred -> engaged -> completed,
// declined at any point before completion, re-referred after a decline, reopened after
// completion. A plain interface over a small Boost.MSM machine (in the .cpp only).
#pragma once

#include "engine/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace heat::service_plan {

enum class ItemStatus { referred, engaged, completed, declined };

[[nodiscard]] const char* to_string(ItemStatus s);
[[nodiscard]] Result<ItemStatus> parse_item_status(std::string_view s);

// The status an item may move to from `from` (what a PATCH may ask for).
[[nodiscard]] std::vector<ItemStatus> allowed_next(ItemStatus from);

// Moves an item to `to`. conflict (with the allowed statuses as allowed_events) when the
// machine refuses; asking for the current status is a no-op that succeeds.
[[nodiscard]] Result<ItemStatus> change_status(ItemStatus from, ItemStatus to);

}  // namespace heat::service_plan
