// A small HTTPS server on loopback for tests of the feed fetcher and of polling, and a test
// PKI made with the openssl command line in a temporary directory: a CA, a server
// certificate it signs for localhost and 127.0.0.1, one it signs for another host name, and
// a self-signed certificate no one trusts.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace heat::test {

class TestPki {
 public:
  TestPki();  // throws std::runtime_error when openssl fails
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  [[nodiscard]] const std::string& dir() const { return dir_; }
  [[nodiscard]] std::string ca_cert() const { return dir_ + "/ca.pem"; }
  // Signed by the CA for DNS:localhost and IP:127.0.0.1.
  [[nodiscard]] std::string server_cert() const { return dir_ + "/server.pem"; }
  [[nodiscard]] std::string server_key() const { return dir_ + "/server.key"; }
  // Signed by the CA, but for DNS:feeds.elsewhere.example only.
  [[nodiscard]] std::string wrong_host_cert() const { return dir_ + "/wronghost.pem"; }
  [[nodiscard]] std::string wrong_host_key() const { return dir_ + "/wronghost.key"; }
  // Self-signed for localhost and 127.0.0.1: trusted by no one.
  [[nodiscard]] std::string rogue_cert() const { return dir_ + "/rogue.pem"; }
  [[nodiscard]] std::string rogue_key() const { return dir_ + "/rogue.key"; }

 private:
  std::string dir_;
};

struct TestRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  [[nodiscard]] std::string header(const std::string& lower) const {
    auto it = headers.find(lower);
    return it == headers.end() ? "" : it->second;
  }
};

struct TestResponse {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Read the request, then send nothing until the client gives up (or the server stops).
  bool hang = false;
};

using TestHandler = std::function<TestResponse(const TestRequest&)>;

// Listens on 127.0.0.1 (a free port) with TLS; one request per connection. The handler runs
// on a connection's own thread; replace it with set_handler at any time.
class HttpsTestServer {
 public:
  HttpsTestServer(const std::string& cert_file, const std::string& key_file, TestHandler handler);
  ~HttpsTestServer();
  HttpsTestServer(const HttpsTestServer&) = delete;
  HttpsTestServer& operator=(const HttpsTestServer&) = delete;

  [[nodiscard]] unsigned short port() const { return port_; }
  // "https://127.0.0.1:<port><path>"
  [[nodiscard]] std::string url(const std::string& path) const;
  void set_handler(TestHandler handler);
  // Requests received so far (complete ones), in order.
  [[nodiscard]] std::vector<TestRequest> requests() const;
  void clear_requests();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  unsigned short port_ = 0;
};

}  // namespace heat::test
