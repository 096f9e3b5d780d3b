// Calendar subscriptions in PostgreSQL (issue 7, export): the token's SHA-256 only, and the
// hearings of a subscriber's calendar read from court_events.
#pragma once

#include "db/pool.hpp"
#include "engine/calendar_subscriptions.hpp"

namespace heat::db {

class PgCalendarSubscriptionStore final : public CalendarSubscriptionStore {
 public:
  explicit PgCalendarSubscriptionStore(Pool& pool) : pool_(pool) {}
  [[nodiscard]] Result<CalendarSubscription> create(const std::string& user_id, const std::string& token_sha256_hex,
                                                    TimePoint now, AuditEntry audit) override;
  [[nodiscard]] Result<std::optional<CalendarSubscription>> get(const std::string& id) override;
  [[nodiscard]] Status revoke(const std::string& id, TimePoint now, AuditEntry audit) override;
  [[nodiscard]] Result<std::optional<CalendarSubscriber>> find_active(const std::string& token_sha256_hex) override;
  [[nodiscard]] Result<std::vector<CalendarHearing>> hearings_for(const Principal& owner, CalendarScope scope,
                                                                   TimePoint now, int limit) override;

 private:
  Pool& pool_;
};

}  // namespace heat::db
