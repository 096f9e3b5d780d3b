// Polling court feeds (issue 7): claims due feeds through the database (FeedPollStore), fetches
// each over HTTPS with its validators (adapters/https_fetcher.hpp), imports a changed body
// through the one feed import path (adapters/feed_import.hpp, origin "poll"), and records the
// outcome with its backoff. A failed fetch or import changes no hearing: the import is one
// transaction and runs only on a 200 that parses.
//
// Thread-safe: holds only references to thread-safe services; a poll runs on the caller's
// thread (the background job thread, or an API worker for "poll now").
#pragma once

#include "adapters/https_fetcher.hpp"
#include "engine/court_events.hpp"
#include "engine/feed_polling.hpp"

namespace heat::adapters {

class FeedPoller final : public FeedPolling {
 public:
  FeedPoller(FeedPollStore& polls, CourtEventStore& events, const Clock& clock, FetchOptions fetch);

  // Polls up to `limit` due feeds, one after another; returns how many were polled. Errors:
  // only a failure to claim (the database); each feed's own failure is recorded on it.
  [[nodiscard]] Result<int> poll_due(int limit);

  [[nodiscard]] Result<PollReport> poll_now(const Feed& feed, const AuditEntry& audit) override;
  [[nodiscard]] Result<std::optional<FeedPollState>> state(const std::string& feed_id) override;

  // How long a claim lasts: longer than a fetch (connect + read timeouts) and an import.
  [[nodiscard]] std::chrono::seconds lease() const;

 private:
  Result<PollReport> poll_claimed(const Feed& feed, const FeedPollState& claimed, const AuditEntry& audit);

  FeedPollStore& polls_;
  CourtEventStore& events_;
  const Clock& clock_;
  FetchOptions fetch_;
};

}  // namespace heat::adapters
