// The polling state of court feeds in PostgreSQL (V0009's columns of feeds): claims through
// SELECT ... FOR UPDATE SKIP LOCKED plus a lease, so one process polls each feed.
#pragma once

#include "db/pool.hpp"
#include "engine/feed_polling.hpp"

namespace heat::db {

class PgFeedPollStore final : public FeedPollStore {
 public:
  explicit PgFeedPollStore(Pool& pool) : pool_(pool) {}
  [[nodiscard]] Result<std::vector<FeedPollState>> claim_due(TimePoint now, std::chrono::seconds lease,
                                                             int limit) override;
  [[nodiscard]] Result<FeedPollState> claim(const std::string& feed_id, TimePoint now,
                                            std::chrono::seconds lease) override;
  [[nodiscard]] Result<FeedPollState> finish(const std::string& feed_id, const PollOutcome& outcome, TimePoint now,
                                             const AuditEntry& audit) override;
  [[nodiscard]] Result<std::optional<FeedPollState>> state(const std::string& feed_id) override;

 private:
  Pool& pool_;
};

}  // namespace heat::db
