// Polling court feeds that have an https:// URL (issue 7): the polling state kept per feed,
// the storage port that claims feeds through the database (so any number of processes poll,
// and each feed is polled by one), the backoff rule, and the port api/ calls for "poll now".
// The fetch and the import are done by adapters/feed_poller.hpp. Pure: no I/O, no clock.
#pragma once

#include "engine/clock.hpp"
#include "engine/court_events.hpp"
#include "engine/identity.hpp"
#include "engine/result.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace heat {

enum class PollStatus : unsigned char {
  ok,            // fetched (200) and imported
  not_modified,  // 304: the court's calendar has not changed since the last fetch
  failed,        // the fetch or the import failed; nothing was changed
};
[[nodiscard]] const char* to_string(PollStatus s);

// A feed's polling state (feeds' poll columns, V0009).
struct FeedPollState {
  std::string feed_id;
  std::string url;  // empty: the feed is not polled
  int poll_interval_seconds = 3600;
  std::optional<TimePoint> next_poll_at;  // nullopt: due now
  std::string etag;                       // validators of the last 200
  std::string last_modified;
  std::optional<TimePoint> last_polled_at;
  std::optional<PollStatus> last_status;  // nullopt: never polled
  std::string last_error;                 // of the last failure (kept while it lasts)
  int consecutive_failures = 0;
  std::string last_import_id;             // feed_imports.id of the last import by polling
};

// What one poll did.
struct PollOutcome {
  PollStatus status = PollStatus::failed;
  std::string error;          // failed: what went wrong
  std::string etag;           // ok: the response's validators
  std::string last_modified;
  std::string import_id;      // ok: the import's feed_imports.id
};

// The longest wait between polls after failures.
inline constexpr std::chrono::hours kMaxPollBackoff{24};

// When to poll next: after a success (ok, not_modified) one interval later; after the n-th
// consecutive failure interval * 2^n later (2, 4, 8, ... intervals), at most
// kMaxPollBackoff (or one interval, if that is longer).
[[nodiscard]] TimePoint next_poll_time(TimePoint now, int interval_seconds, PollStatus status,
                                       int consecutive_failures);

class FeedPollStore {
 public:
  virtual ~FeedPollStore() = default;
  // Claims up to `limit` feeds that are due (a URL, next_poll_at unset or past, no live
  // claim) for `lease`, with SELECT ... FOR UPDATE SKIP LOCKED: two processes never claim
  // the same feed. The claim ends with finish() or when the lease runs out.
  [[nodiscard]] virtual Result<std::vector<FeedPollState>> claim_due(TimePoint now, std::chrono::seconds lease,
                                                                     int limit) = 0;
  // Claims one feed now, due or not. not_found when there is no such feed; domain_rule when
  // it has no URL; conflict when another poll of it is under way (a live claim).
  [[nodiscard]] virtual Result<FeedPollState> claim(const std::string& feed_id, TimePoint now,
                                                    std::chrono::seconds lease) = 0;
  // Records a poll's outcome and releases the claim: last_polled_at = now, last_status,
  // last_error (cleared on success), consecutive_failures (0 on success, +1 on failure),
  // the validators (replaced on ok only), next_poll_at (next_poll_time()), with its audit
  // entry ("feed.poll") in the same transaction. Returns the new state.
  [[nodiscard]] virtual Result<FeedPollState> finish(const std::string& feed_id, const PollOutcome& outcome,
                                                     TimePoint now, const AuditEntry& audit) = 0;
  // nullopt when there is no such feed.
  [[nodiscard]] virtual Result<std::optional<FeedPollState>> state(const std::string& feed_id) = 0;
};

// One poll, as POST /api/v1/feeds/{id}/poll reports it.
struct PollReport {
  FeedPollState state;                // after the poll
  std::optional<ImportReport> import;  // ok: what the import did
};

// "Poll now" for the API (adapters/feed_poller.hpp implements it).
class FeedPolling {
 public:
  virtual ~FeedPolling() = default;
  // Claims the feed, fetches it (conditional GET), imports a changed body through the feed
  // import path, and records the outcome. A failed fetch or import is a PollReport with
  // status failed (recorded, backed off), not an error; errors are those of claim().
  [[nodiscard]] virtual Result<PollReport> poll_now(const Feed& feed, const AuditEntry& audit) = 0;
  [[nodiscard]] virtual Result<std::optional<FeedPollState>> state(const std::string& feed_id) = 0;
};

}  // namespace heat
