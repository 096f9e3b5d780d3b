#include "db/session_listener.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>

namespace heat::db {
namespace {

struct ConnectionCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Connection = std::unique_ptr<PGconn, ConnectionCloser>;

Connection connect(const std::string& conninfo) {
  // The conninfo (key=value or a URI) is expanded first; the keys after it override its own.
  // The TCP settings bound how long a vanished server goes unnoticed.
  const char* keys[] = {"dbname", "application_name", "connect_timeout", "keepalives_idle",
                        "keepalives_interval", "keepalives_count", "tcp_user_timeout", nullptr};
  const char* values[] = {conninfo.c_str(), "heatwatch-session-listener", "5", "5", "2", "2", "5000", nullptr};
  return Connection(PQconnectdbParams(keys, values, 1));
}

bool command_ok(PGconn* conn, const char* sql) {
  PGresult* r = PQexec(conn, sql);
  const ExecStatusType status = PQresultStatus(r);
  PQclear(r);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

}  // namespace

SessionChangeListener::SessionChangeListener(std::string conninfo, SessionChangeHandlers handlers,
                                             std::chrono::milliseconds heartbeat)
    : conninfo_(std::move(conninfo)), handlers_(std::move(handlers)), heartbeat_(heartbeat) {
  if (pipe(wake_) != 0) throw std::runtime_error("session listener: pipe() failed");
  thread_ = std::thread([this] { run(); });
}

SessionChangeListener::~SessionChangeListener() {
  stopping_ = true;
  const char byte = 1;
  (void)!write(wake_[1], &byte, 1);
  if (thread_.joinable()) thread_.join();
  close(wake_[0]);
  close(wake_[1]);
}

bool SessionChangeListener::wait_stop(std::chrono::milliseconds timeout) {
  pollfd p{wake_[0], POLLIN, 0};
  (void)poll(&p, 1, static_cast<int>(timeout.count()));
  return stopping_.load();
}

void SessionChangeListener::set_live(bool live) {
  if (live_.exchange(live) != live && handlers_.live) handlers_.live(live);
}

void SessionChangeListener::dispatch(const std::string& payload) {
  if (payload.size() > 2 && payload.compare(0, 2, "s:") == 0 && handlers_.session) {
    handlers_.session(payload.substr(2));
  } else if (payload.size() > 2 && payload.compare(0, 2, "u:") == 0 && handlers_.user) {
    handlers_.user(payload.substr(2));
  } else if (handlers_.all) {
    handlers_.all();  // "*" or a payload this version does not know: forget everything
  }
}

void SessionChangeListener::run() {
  std::chrono::milliseconds backoff(100);
  bool reported_down = false;
  while (!stopping_) {
    Connection conn = connect(conninfo_);
    if (PQstatus(conn.get()) == CONNECTION_OK && command_ok(conn.get(), "LISTEN heatwatch_sessions")) {
      if (reported_down) spdlog::info("session listener: listening again");
      reported_down = false;
      backoff = std::chrono::milliseconds(100);
      set_live(true);  // from here on every change reaches us; the cache starts empty
      listen_until_broken(conn.get());
      set_live(false);
      if (stopping_) break;
    }
    if (!reported_down)
      spdlog::warn("session listener: not connected ({}); sessions are read from the database on every request",
                   PQerrorMessage(conn.get()));
    reported_down = true;
    conn.reset();
    if (wait_stop(backoff)) break;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
  }
  set_live(false);
}

void SessionChangeListener::listen_until_broken(PGconn* conn) {
  auto drain = [&] {
    while (PGnotify* n = PQnotifies(conn)) {
      dispatch(n->extra != nullptr ? n->extra : "");
      PQfreemem(n);
    }
  };
  auto last_heard = std::chrono::steady_clock::now();
  while (!stopping_) {
    pollfd p[2] = {{PQsocket(conn), POLLIN, 0}, {wake_[0], POLLIN, 0}};
    const auto left = heartbeat_ - (std::chrono::steady_clock::now() - last_heard);
    const int timeout = static_cast<int>(
        std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(left).count()));
    if (poll(p, 2, timeout) < 0) continue;  // EINTR
    if (stopping_) return;
    if (p[0].revents != 0) {
      if (PQconsumeInput(conn) == 0) return;  // the connection broke
      drain();
      last_heard = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - last_heard >= heartbeat_) {
      // Silence: make sure the server is still there, or the cache would trust a dead line.
      if (!command_ok(conn, "SELECT 1")) return;
      drain();
      last_heard = std::chrono::steady_clock::now();
    }
    if (PQstatus(conn) != CONNECTION_OK) return;
  }
}

}  // namespace heat::db
