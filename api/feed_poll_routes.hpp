// POST /api/v1/feeds/{id}/poll and the polling state shown on a feed (issue 7).
#pragma once

#include "engine/feed_polling.hpp"

#include <boost/json/object.hpp>

namespace heat::api {

// {"status": "ok"|"not_modified"|"failed"|null, "last_polled_at", "next_poll_at",
//  "last_error", "consecutive_failures", "interval_seconds", "last_import_id"} — null where unset.
[[nodiscard]] boost::json::object poll_state_json(const FeedPollState& state);

}  // namespace heat::api
