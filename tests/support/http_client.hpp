// A real HTTP/1.1 client for tests (Beast, synchronous), and a raw-bytes client for requests
// a well-behaved client would never send. Also starts `heatwatch serve` as a child process.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace heat::test {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  [[nodiscard]] std::string header(const std::string& lower) const {
    auto it = headers.find(lower);
    return it == headers.end() ? "" : it->second;
  }
};

// One request on a new connection. Throws std::runtime_error on connection failure.
HttpResult http(unsigned short port, const std::string& method, const std::string& target,
                const std::string& body = "", const std::map<std::string, std::string>& headers = {});

// Sends raw bytes, then reads until the server closes or `timeout` passes; returns what came.
std::string raw_exchange(unsigned short port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

// A `heatwatch serve` child process on a free port, stopped (SIGTERM) on destruction.
class ServerProcess {
 public:
  // args are appended to `heatwatch serve --listen 127.0.0.1:0 --port-file ...`.
  explicit ServerProcess(const std::string& database_url, std::vector<std::string> args = {},
                         std::map<std::string, std::string> env = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  [[nodiscard]] unsigned short port() const { return port_; }
  [[nodiscard]] int pid() const { return pid_; }
  // Sends SIGTERM and waits; returns the exit status (or -1).
  int stop();
  // The child's combined log output so far.
  [[nodiscard]] std::string log() const;

 private:
  int pid_ = -1;
  unsigned short port_ = 0;
  std::string dir_;
};

// Path of the built heatwatch binary (HEATWATCH_BINARY, set by ctest).
std::string heatwatch_binary();

// Runs a command line through /bin/sh, returns {exit status, stdout+stderr}.
std::pair<int, std::string> run_command(const std::string& command_line);

}  // namespace heat::test
