// The server in-process, with routes made for the test: overload (503), graceful shutdown
// that finishes requests in flight, limits and timeouts, and many clients at once across I/O
// and worker threads. Spoken to over real sockets. `tools/test --tsan` runs this binary
// under ThreadSanitizer.
#include "api/server.hpp"

#include "api/json_body.hpp"
#include "api/problem.hpp"
#include "tests/support/http_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

namespace heat::api {
namespace {

struct Running {
  Router router;
  Metrics metrics;
  std::unique_ptr<Server> server;
  std::thread thread;
  unsigned short port = 0;

  explicit Running(ServerOptions options) {
    router.add({.method = "GET", .pattern = "/slow", .handler = [](const Request&) {
                  std::this_thread::sleep_for(std::chrono::milliseconds(600));
                  return Response{200, "application/json", R"({"slow":true})", {}};
                }});
    router.add({.method = "POST", .pattern = "/echo", .handler = [](const Request& r) {
                  auto body = parse_json_body(r, {"name"});
                  if (!body) return problem(body.error());
                  return json_response(200, *body);
                }});
    router.add({.method = "POST", .pattern = "/tiny", .handler = [](const Request&) { return Response{}; },
                .body_limit = 16});
    options.address = "127.0.0.1";
    options.port = 0;
    server = std::make_unique<Server>(options, router, metrics);
    port = server->start().value();
    thread = std::thread([this] { server->run(false); });
  }
  ~Running() {
    server->request_stop();
    thread.join();
  }
};

TEST(ServerInProcess, HeadIsGetWithoutTheBody) {
  Running r({.workers = 1});
  const auto got = test::http(r.port, "GET", "/slow");
  const auto head = test::http(r.port, "HEAD", "/slow");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), got.header("content-length"));
  EXPECT_EQ(head.header("content-type"), "application/json");
  EXPECT_EQ(head.body, "");
  // On the wire: no body bytes after the headers, and the connection goes on to the next
  // request (a body sent after a HEAD response would be read as the next response).
  const std::string wire =
      test::raw_exchange(r.port,
                         "HEAD /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                         std::chrono::seconds(5));
  const auto second = wire.find("HTTP/1.1 200", 1);
  ASSERT_NE(second, std::string::npos) << wire;
  EXPECT_EQ(wire.substr(second - 4, 4), "\r\n\r\n") << wire;
  EXPECT_EQ(wire.find(R"({"slow":true})"), wire.rfind(R"({"slow":true})")) << wire;
  // A route without GET refuses HEAD as well, and Allow says what it takes.
  const auto post_only = test::http(r.port, "HEAD", "/echo");
  EXPECT_EQ(post_only.status, 405);
  EXPECT_EQ(post_only.header("allow"), "POST");
  EXPECT_EQ(post_only.body, "");
  EXPECT_EQ(test::http(r.port, "POST", "/slow").header("allow"), "GET, HEAD");
}

TEST(ServerInProcess, FullQueueAnswers503WithRetryAfter) {
  Running r({.workers = 1, .queue_limit = 0});
  auto busy = std::async(std::launch::async, [&] { return test::http(r.port, "GET", "/slow"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  auto rejected = test::http(r.port, "GET", "/slow");
  EXPECT_EQ(rejected.status, 503);
  EXPECT_EQ(rejected.header("retry-after"), "1");
  EXPECT_EQ(rejected.header("content-type"), "application/problem+json");
  EXPECT_EQ(busy.get().status, 200);
}

TEST(ServerInProcess, ManyClientsAcrossIoAndWorkerThreads) {
  Running r({.io_threads = 2, .workers = 4, .queue_limit = 256});
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c)
    clients.emplace_back([&, c] {
      for (int i = 0; i < 25; ++i) {
        const std::string name = "client" + std::to_string(c) + "-" + std::to_string(i);
        auto reply = test::http(r.port, "POST", "/echo", R"({"name":")" + name + R"("})",
                                {{"Content-Type", "application/json"}});
        if (reply.status == 200 && reply.body.find(name) != std::string::npos) ++ok;
      }
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 200);
  // The counters the request threads updated concurrently add up.
  const std::string text = r.metrics.render();
  EXPECT_NE(text.find(R"(heatwatch_http_requests_total{route="POST /echo",method="POST",status="200"} 200)"),
            std::string::npos)
      << text;
}

TEST(ServerInProcess, GracefulShutdownFinishesRequestsInFlight) {
  auto r = std::make_unique<Running>(ServerOptions{.workers = 2});
  const unsigned short port = r->port;  // by value: the client thread must not touch `r` (reset below)
  auto in_flight = std::async(std::launch::async, [port] { return test::http(port, "GET", "/slow"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  r.reset();  // request_stop + join: returns only after the in-flight request was answered
  auto answered = in_flight.get();
  EXPECT_EQ(answered.status, 200);
  EXPECT_EQ(answered.body, R"({"slow":true})");
  EXPECT_THROW(test::http(port, "GET", "/slow"), std::exception);  // no longer accepting
}

TEST(ServerInProcess, JsonEdgeErrors) {
  Running r({});
  EXPECT_EQ(test::http(r.port, "POST", "/echo", R"({"name":)").status, 400);
  EXPECT_EQ(test::http(r.port, "POST", "/echo", R"({"name":"a"})", {{"Content-Type", "text/plain"}}).status, 415);
  auto unknown = test::http(r.port, "POST", "/echo", R"({"name":"a","admin":true})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("admin"), std::string::npos);
  EXPECT_EQ(test::http(r.port, "POST", "/echo", R"({"name":"a"})").status, 200);
}

TEST(ServerInProcess, BodyLimitIsPerRoute) {
  Running r({});
  // /tiny takes 16 bytes; /echo the default 1 MiB.
  const std::string body = R"({"name":"0123456789"})";
  const std::string head = "Host: x\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(test::raw_exchange(r.port, "POST /tiny HTTP/1.1\r\n" + head + body).rfind("HTTP/1.1 413", 0), 0u);
  EXPECT_EQ(test::raw_exchange(r.port, "POST /echo HTTP/1.1\r\n" + head + body).rfind("HTTP/1.1 200", 0), 0u);
}

TEST(ServerInProcess, ChunkedBodyOverTheLimitIs413) {
  Running r({});
  std::string chunked = "POST /tiny HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n20\r\n" + std::string(32, 'x') + "\r\n0\r\n\r\n";
  EXPECT_EQ(test::raw_exchange(r.port, chunked).rfind("HTTP/1.1 413", 0), 0u);
}

TEST(ServerInProcess, SlowHeadersAreCutOffByTheReadTimeout) {
  Running r({.read_timeout = std::chrono::milliseconds(300)});
  const auto started = std::chrono::steady_clock::now();
  std::string reply = test::raw_exchange(r.port, "GET /slow HTTP/1.1\r\nHost: x\r\n", std::chrono::seconds(5));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_TRUE(reply.empty()) << reply;
  // Others are still served.
  EXPECT_EQ(test::http(r.port, "POST", "/echo", R"({"name":"a"})").status, 200);
}

}  // namespace
}  // namespace heat::api
