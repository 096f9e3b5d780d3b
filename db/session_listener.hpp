// Hears the changes to sessions and users that V0014's triggers announce (NOTIFY on channel
// heatwatch_sessions, delivered when the changing transaction commits) and hands them on,
// so a server's session cache (engine/session_cache.hpp) drops what another process or a
// DBA changed. One database connection and one thread of its own, through libpq: SOCI has
// no notifications. Reconnects by itself; live(false) is called before anything could be
// missed, live(true) only once it listens again.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

struct pg_conn;  // libpq's PGconn

namespace heat::db {

inline constexpr const char* kSessionChannel = "heatwatch_sessions";

struct SessionChangeHandlers {
  std::function<void(const std::string& token_hash)> session;  // payload "s:<token hash>"
  std::function<void(const std::string& user_id)> user;        // payload "u:<user id>"
  std::function<void()> all;                                   // payload "*" (TRUNCATE), or unknown
  std::function<void(bool)> live;                              // listening, or not any more
};

class SessionChangeListener {
 public:
  // Starts listening at once (on its own thread). heartbeat: how long the connection may stay
  // silent before a round trip checks that it is still there.
  SessionChangeListener(std::string conninfo, SessionChangeHandlers handlers,
                        std::chrono::milliseconds heartbeat = std::chrono::seconds(5));
  ~SessionChangeListener();  // stops promptly and joins
  SessionChangeListener(const SessionChangeListener&) = delete;
  SessionChangeListener& operator=(const SessionChangeListener&) = delete;

  [[nodiscard]] bool live() const { return live_.load(); }

 private:
  void run();
  void listen_until_broken(pg_conn* conn);
  void dispatch(const std::string& payload);
  void set_live(bool live);
  // Waits up to `timeout` for a stop request; true when stopping.
  bool wait_stop(std::chrono::milliseconds timeout);

  const std::string conninfo_;
  const SessionChangeHandlers handlers_;
  const std::chrono::milliseconds heartbeat_;
  std::atomic<bool> live_{false};
  std::atomic<bool> stopping_{false};
  int wake_[2] = {-1, -1};  // a pipe: the destructor writes, poll() wakes
  std::thread thread_;
};

}  // namespace heat::db
