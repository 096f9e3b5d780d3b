// Authenticated sessions kept in memory for a few seconds, so that an ordinary read costs one
// round trip to the database instead of two (issue 10's reads target).
//
// A cache of sessions is only safe if a revocation reaches it at once. It does, three ways:
//  - every change made through this store (sign-out, disabling an account, unlocking it,
//    enrolling a second factor, a failed sign-in) evicts before the call returns, so in this
//    process the very next request is refused;
//  - every change made anywhere else (the other server processes, `heatwatch user ...`, a DBA
//    with psql) fires a trigger whose NOTIFY the database delivers at commit (V0014); the
//    listener (db/session_listener) turns it into invalidate_session / invalidate_user;
//  - while that listener is not connected and listening, nothing is cached and nothing is
//    served from the cache (set_invalidations_live(false)); when it is back, the cache
//    restarts empty.
// max_age bounds how long an entry lives even so. A fill that raced with an invalidation is
// dropped (the generation counter), so a stale read can never be put back after its eviction.
#pragma once

#include "engine/clock.hpp"
#include "engine/identity.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace heat {

class CachingIdentityStore final : public IdentityStore {
 public:
  // max_age 0: nothing is cached (every request reads the database).
  CachingIdentityStore(IdentityStore& inner, const Clock& clock, std::chrono::milliseconds max_age,
                       std::size_t max_entries = 10000);

  [[nodiscard]] Result<std::optional<User>> find_user_by_username(const std::string& username) override;
  [[nodiscard]] Result<std::optional<User>> find_user(const std::string& id) override;
  [[nodiscard]] Result<User> create_user(const NewUser& user, const AuditEntry& audit) override;
  [[nodiscard]] Result<std::vector<User>> list_users() override;
  [[nodiscard]] Status set_active(const std::string& user_id, bool active, TimePoint now,
                                  const AuditEntry& audit) override;
  [[nodiscard]] Status unlock(const std::string& user_id, const AuditEntry& audit) override;
  [[nodiscard]] Result<bool> record_login_failure(const std::string& user_id, TimePoint now,
                                                  std::chrono::minutes window, int threshold,
                                                  const AuditEntry& audit) override;
  [[nodiscard]] Status create_session(const SessionRecord& session, std::optional<std::int64_t> totp_step,
                                      const AuditEntry& audit) override;
  // From the cache when a live entry is there; otherwise from the inner store (and kept).
  [[nodiscard]] Result<std::optional<SessionWithUser>> find_session_with_user(const std::string& token_hash) override;
  [[nodiscard]] Status touch_session(const std::string& token_hash, TimePoint now) override;
  [[nodiscard]] Status revoke_session(const std::string& token_hash, TimePoint now,
                                      const AuditEntry& audit) override;
  [[nodiscard]] Status set_totp_secret(const std::string& user_id, const std::string& secret,
                                       const AuditEntry& audit) override;

  // Invalidations, from any thread.
  void invalidate_session(const std::string& token_hash);
  void invalidate_user(const std::string& user_id);
  void invalidate_all();
  // False until the invalidations are known to arrive (the listener is listening), and again
  // whenever they may not; each change empties the cache.
  void set_invalidations_live(bool live);

  struct Counters {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::size_t entries = 0;
    bool live = false;
  };
  [[nodiscard]] Counters counters() const;

 private:
  struct Entry {
    SessionWithUser value;
    TimePoint fetched_at;
  };
  void evict_user_locked(const std::string& user_id);

  IdentityStore& inner_;
  const Clock& clock_;
  const std::chrono::milliseconds max_age_;
  const std::size_t max_entries_;
  mutable std::mutex mutex_;
  bool live_ = false;
  std::uint64_t generation_ = 0;  // moves on every invalidation
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
  std::unordered_map<std::string, Entry> entries_;  // by token hash
};

}  // namespace heat
