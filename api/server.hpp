// The HTTP(S) server: Boost.Beast on Asio. Sessions do I/O, timeouts, body limits and
// keep-alive and nothing else; every request goes to the Router. Handlers marked blocking
// run on a bounded worker pool (sized to the database pool); when its queue is full the
// server answers 503 with Retry-After instead of piling up. Beast stays inside server.cpp.
#pragma once

#include "api/metrics.hpp"
#include "api/router.hpp"
#include "engine/result.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace heat::api {

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0 picks a free port (see Server::start)
  std::size_t io_threads = 2;
  std::size_t workers = 8;       // handler threads; match the database pool size
  std::size_t queue_limit = 64;  // requests waiting for a worker before 503
  std::chrono::milliseconds read_timeout{std::chrono::seconds(15)};  // one whole request
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};  // keep-alive wait
  std::size_t header_limit = 16 * 1024;
  std::size_t max_requests_per_connection = 1000;
  std::chrono::milliseconds shutdown_grace{std::chrono::seconds(20)};
  std::string tls_cert_file;  // both set: HTTPS only, TLS 1.2 minimum
  std::string tls_key_file;
};

class Server {
 public:
  Server(ServerOptions options, const Router& router, Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Returns the bound port. Errors: invalid_argument for a bad address
  // or TLS files, unavailable when the port cannot be bound.
  [[nodiscard]] Result<unsigned short> start();

  // Serves until SIGINT/SIGTERM or request_stop(), then stops accepting, finishes the
  // requests in flight (up to shutdown_grace) and returns.
  void run(bool handle_signals = true);

  // Begins a graceful shutdown. Thread-safe; returns at once.
  void request_stop();

  // Requests queued for or running on the worker pool.
  [[nodiscard]] std::size_t queue_depth() const;

  struct Impl;  // opaque: Beast and Asio types live in server.cpp only

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace heat::api
