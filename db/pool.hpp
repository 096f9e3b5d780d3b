// A fixed-size pool of SOCI PostgreSQL sessions. Thread-safe. acquire() waits up to a
// timeout for a free session and reconnects one whose connection was lost, so the server
// recovers by itself when PostgreSQL comes back.
#pragma once

#include "engine/ports.hpp"
#include "engine/result.hpp"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace heat::db {

// Parses a libpq URI or key=value string with PQconninfoParse and returns the key=value
// form that SOCI 4.0.3 understands (it mangles plain URIs). invalid_argument when malformed.
[[nodiscard]] Result<std::string> to_connection_string(const std::string& url);

class Pool;

// A session borrowed from the pool; returns it on destruction. Not thread-safe itself.
class Lease {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  soci::session& operator*() const { return *session_; }
  soci::session* operator->() const { return session_; }

 private:
  friend class Pool;
  Lease(Pool* pool, std::size_t index, soci::session* session)
      : pool_(pool), index_(index), session_(session) {}
  Pool* pool_;
  std::size_t index_;
  soci::session* session_;
};

class Pool {
 public:
  // Opens `size` connections. Errors: invalid_argument (bad URL), unavailable (no server).
  [[nodiscard]] static Result<std::unique_ptr<Pool>> open(const std::string& url, std::size_t size);
  ~Pool();

  // Waits up to `timeout` for a free session. unavailable when none frees up in time or
  // the connection cannot be re-established.
  [[nodiscard]] Result<Lease> acquire(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  [[nodiscard]] std::size_t size() const { return sessions_.size(); }
  [[nodiscard]] std::size_t in_use() const;
  [[nodiscard]] const std::string& connection_string() const { return connection_string_; }

 private:
  friend class Lease;
  explicit Pool(std::string connection_string) : connection_string_(std::move(connection_string)) {}
  void release(std::size_t index);

  std::string connection_string_;
  std::vector<std::unique_ptr<soci::session>> sessions_;
  std::vector<bool> busy_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
};

// Runs fn(session) inside a transaction: commits when fn returns a value, rolls back when
// it returns an error or throws (a thrown exception becomes an Error). fn returns Result<T>.
template <class F>
auto in_transaction(Pool& pool, F&& fn) -> decltype(fn(std::declval<soci::session&>()));

// GET /readyz: the pool can lend a session and the server answers SELECT 1.
class PoolHealthProbe final : public HealthProbe {
 public:
  explicit PoolHealthProbe(Pool& pool) : pool_(pool) {}
  [[nodiscard]] Status check() override;

 private:
  Pool& pool_;
};

}  // namespace heat::db

#include "db/pool_impl.hpp"
