#include "engine/feed_polling.hpp"

#include <algorithm>

namespace heat {

const char* to_string(PollStatus s) {
  switch (s) {
    case PollStatus::ok: return "ok";
    case PollStatus::not_modified: return "not_modified";
    case PollStatus::failed: return "failed";
  }
  return "failed";
}

TimePoint next_poll_time(TimePoint now, int interval_seconds, PollStatus status, int consecutive_failures) {
  using std::chrono::seconds;
  const seconds interval{std::max(1, interval_seconds)};
  if (status != PollStatus::failed || consecutive_failures <= 0) return now + interval;
  const seconds cap = std::max<seconds>(interval, kMaxPollBackoff);
  seconds wait = interval;
  for (int i = 0; i < consecutive_failures && wait < cap; ++i) wait *= 2;
  return now + std::min(wait, cap);
}

}  // namespace heat
