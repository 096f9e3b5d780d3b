#include "db/pool.hpp"

#include "db/native.hpp"
#include "db/prepared.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

namespace heat::db {

Result<std::string> to_connection_string(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &err);
  if (options == nullptr) {
    std::string why = err != nullptr ? err : "cannot parse";
    PQfreemem(err);
    // Never echo the URL: it may hold a password.
    return Error::invalid("db", "malformed database URL: " + why);
  }
  std::string out;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    std::string value = o->val;
    std::string quoted;
    for (char c : value) {
      if (c == '\\' || c == '\'') quoted += '\\';
      quoted += c;
    }
    if (!out.empty()) out += ' ';
    out += std::string(o->keyword) + "='" + quoted + "'";
  }
  PQconninfoFree(options);
  return out;
}

Result<std::unique_ptr<Pool>> Pool::open(const std::string& url, std::size_t size) {
  auto conn = to_connection_string(url);
  if (!conn) return conn.error();
  std::unique_ptr<Pool> pool(new Pool(*conn));
  try {
    for (std::size_t i = 0; i < std::max<std::size_t>(size, 1); ++i) {
      pool->sessions_.push_back(std::make_unique<soci::session>(soci::postgresql, *conn));
      pool->busy_.push_back(false);
    }
  } catch (...) {
    Error e = current_exception_to_error();
    // Failing to open a connection means the server is out of reach, whatever the driver says.
    if (e.code == ErrorCode::internal) e.code = ErrorCode::unavailable;
    return e;
  }
  return pool;
}

Pool::~Pool() {
  for (auto& s : sessions_)
    if (PGconn* c = native_connection(*s); c != nullptr) forget_prepared(c);
}

std::size_t Pool::in_use() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (bool b : busy_) n += b ? 1 : 0;
  return n;
}

Result<Lease> Pool::acquire(std::chrono::milliseconds timeout) {
  std::size_t index = 0;
  {
    std::unique_lock lock(mutex_);
    auto free_slot = [&] {
      for (std::size_t i = 0; i < busy_.size(); ++i)
        if (!busy_[i]) {
          index = i;
          return true;
        }
      return false;
    };
    if (!freed_.wait_for(lock, timeout, free_slot))
      return Error::of(ErrorCode::unavailable, "no database connection free");
    busy_[index] = true;
  }
  Lease lease(this, index, sessions_[index].get());
  // A connection broken by a server restart is re-established here, outside the lock.
  PGconn* native = native_connection(*sessions_[index]);
  if (native == nullptr || PQstatus(native) != CONNECTION_OK) {
    try {
      forget_prepared(native);  // statements prepared on the lost connection are gone with it
      sessions_[index]->reconnect();
      spdlog::info("database connection {} re-established", index);
    } catch (...) {
      // SOCI reports a refused connection as a plain error: whatever it says, the server is out
      // of reach, so callers answer 503 (as Pool::open does), never 500.
      Error e = current_exception_to_error();
      if (e.code == ErrorCode::internal) e.code = ErrorCode::unavailable;
      return e;
    }
  }
  return lease;
}

void Pool::release(std::size_t index) {
  {
    std::lock_guard lock(mutex_);
    busy_[index] = false;
  }
  freed_.notify_one();
}

Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), index_(other.index_), session_(other.session_) {
  other.pool_ = nullptr;
}

Lease::~Lease() {
  if (pool_ == nullptr) return;
  // A session left inside a failed transaction would poison the next borrower.
  PGconn* native = native_connection(*session_);
  if (native != nullptr && PQtransactionStatus(native) != PQTRANS_IDLE &&
      PQtransactionStatus(native) != PQTRANS_UNKNOWN) {
    PGresult* r = PQexec(native, "ROLLBACK");
    PQclear(r);
  }
  pool_->release(index_);
}

Status PoolHealthProbe::check() {
  auto lease = pool_.acquire(std::chrono::seconds(2));
  if (!lease) return lease.error();
  try {
    int one = 0;
    **lease << "SELECT 1", soci::into(one);
    if (one != 1) return Error::of(ErrorCode::unavailable, "unexpected answer");
  } catch (...) {
    return current_exception_to_error();
  }
  return {};
}

}  // namespace heat::db
