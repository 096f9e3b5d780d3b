// The HTTPS feed fetcher against a real TLS server on loopback, with a CA made for the test:
// 200, a conditional GET answered 304, 500, a timeout, redirects (a chain within the limit,
// a loop, too many, a downgrade to http), an oversized body, and certificates refused
// (self-signed, another host's, or a private CA when only the system store is trusted).
#include "adapters/https_fetcher.hpp"
#include "tests/support/https_test_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>

namespace heat::adapters {
namespace {

using heat::test::HttpsTestServer;
using heat::test::TestPki;
using heat::test::TestRequest;
using heat::test::TestResponse;
using namespace std::chrono_literals;

const std::string kFeed =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Court//EN\r\nBEGIN:VEVENT\r\nUID:h1\r\n"
    "DTSTART:20260415T160000Z\r\nSUMMARY:Arraignment 26-CR-012345\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

class Fetcher : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new TestPki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  // A feed server with an ETag and a Last-Modified, routes for every case below.
  static TestResponse route(const TestRequest& r) {
    const std::string etag = "\"v1\"";
    const std::string modified = "Wed, 01 Apr 2026 17:00:00 GMT";
    if (r.target == "/feed.ics") {
      if (r.header("if-none-match") == etag || r.header("if-modified-since") == modified) return {304, "", {{"ETag", etag}}};
      return {200, kFeed, {{"Content-Type", "text/calendar; charset=utf-8"}, {"ETag", etag}, {"Last-Modified", modified}}};
    }
    if (r.target == "/error") return {500, "boom", {}};
    if (r.target == "/missing") return {404, "", {}};
    if (r.target == "/slow") return {200, "", {}, true};
    if (r.target == "/big") return {200, std::string(10'000, 'x'), {}};
    if (r.target == "/loop/a") return {302, "", {{"Location", "/loop/b"}}};
    if (r.target == "/loop/b") return {301, "", {{"Location", "https://127.0.0.1:" + r.header("host").substr(10) + "/loop/a"}}};
    if (r.target == "/downgrade") return {302, "", {{"Location", "http://127.0.0.1/feed.ics"}}};
    if (r.target.rfind("/hop/", 0) == 0) {  // /hop/N redirects N more times, then serves the feed
      const int n = std::stoi(r.target.substr(5));
      if (n == 0) return {307, "", {{"Location", "/feed.ics"}}};
      return {308, "", {{"Location", "/hop/" + std::to_string(n - 1)}}};
    }
    return {404, "", {}};
  }

  FetchOptions options() const {
    FetchOptions o;
    o.extra_ca_file = pki_->ca_cert();
    o.connect_timeout = 5s;
    o.read_timeout = 5s;
    o.max_body_bytes = 4096;
    return o;
  }

  static TestPki* pki_;
  HttpsTestServer server_{pki_->server_cert(), pki_->server_key(), route};
};

TestPki* Fetcher::pki_ = nullptr;

TEST_F(Fetcher, OkReturnsBodyAndValidators) {
  auto r = fetch_https({server_.url("/feed.ics"), "", ""}, options());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->not_modified);
  EXPECT_EQ(r->body, kFeed);
  EXPECT_EQ(r->etag, "\"v1\"");
  EXPECT_EQ(r->last_modified, "Wed, 01 Apr 2026 17:00:00 GMT");
  EXPECT_EQ(r->content_type, "text/calendar; charset=utf-8");
  const auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].header("host"), "127.0.0.1:" + std::to_string(server_.port()));
  EXPECT_EQ(seen[0].header("if-none-match"), "");
}

TEST_F(Fetcher, HostNameIsVerifiedOverSni) {
  auto r = fetch_https({"https://localhost:" + std::to_string(server_.port()) + "/feed.ics", "", ""}, options());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, kFeed);
}

TEST_F(Fetcher, ConditionalGetAnswered304IsNotModified) {
  auto r = fetch_https({server_.url("/feed.ics"), "\"v1\"", ""}, options());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 304);
  EXPECT_TRUE(r->not_modified);
  EXPECT_TRUE(r->body.empty());
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].header("if-none-match"), "\"v1\"");
  // If-Modified-Since alone works too; a stale ETag gets the whole feed again.
  auto by_date = fetch_https({server_.url("/feed.ics"), "", "Wed, 01 Apr 2026 17:00:00 GMT"}, options());
  ASSERT_TRUE(by_date);
  EXPECT_TRUE(by_date->not_modified);
  EXPECT_EQ(server_.requests()[1].header("if-modified-since"), "Wed, 01 Apr 2026 17:00:00 GMT");
  auto stale = fetch_https({server_.url("/feed.ics"), "\"v0\"", ""}, options());
  ASSERT_TRUE(stale);
  EXPECT_FALSE(stale->not_modified);
  EXPECT_EQ(stale->body, kFeed);
}

TEST_F(Fetcher, ServerErrorIsAnErrorValue) {
  auto r = fetch_https({server_.url("/error"), "", ""}, options());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_EQ(r.error().message.rfind("http 500: ", 0), 0u) << r.error().message;
  auto missing = fetch_https({server_.url("/missing"), "", ""}, options());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::domain_rule);
  EXPECT_EQ(missing.error().message.rfind("http 404: ", 0), 0u) << missing.error().message;
}

TEST_F(Fetcher, SilentServerTimesOut) {
  auto o = options();
  o.read_timeout = 400ms;
  const auto start = std::chrono::steady_clock::now();
  auto r = fetch_https({server_.url("/slow"), "", ""}, o);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_EQ(r.error().message.rfind("timeout: ", 0), 0u) << r.error().message;
  EXPECT_GE(took, 400ms);
  EXPECT_LT(took, 5s);
}

TEST_F(Fetcher, ConnectTimeoutCoversAPeerThatNeverHandshakes) {
  // A plain TCP listener that accepts and says nothing: the TLS handshake never finishes.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor quiet(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  auto o = options();
  o.connect_timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  auto r = fetch_https({"https://127.0.0.1:" + std::to_string(quiet.local_endpoint().port()) + "/", "", ""}, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("timeout: TLS handshake", 0), 0u) << r.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(Fetcher, RedirectsAreFollowedUpToFive) {
  auto r = fetch_https({server_.url("/hop/4"), "", ""}, options());  // 5 redirects
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, kFeed);
  EXPECT_EQ(r->redirects, 5);
  EXPECT_EQ(r->final_url, server_.url("/feed.ics"));
  server_.clear_requests();
  auto too_many = fetch_https({server_.url("/hop/5"), "", ""}, options());  // 6 redirects
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().message.rfind("too many redirects", 0), 0u) << too_many.error().message;
  EXPECT_EQ(server_.requests().size(), 6u);  // the sixth redirect is not followed
}

TEST_F(Fetcher, RedirectLoopIsAnError) {
  auto r = fetch_https({server_.url("/loop/a"), "", ""}, options());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::domain_rule);
  EXPECT_EQ(r.error().message.rfind("redirect loop", 0), 0u) << r.error().message;
  EXPECT_EQ(server_.requests().size(), 2u);
}

TEST_F(Fetcher, RedirectToPlainHttpIsRefused) {
  auto r = fetch_https({server_.url("/downgrade"), "", ""}, options());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("redirect refused", 0), 0u) << r.error().message;
  auto plain = fetch_https({"http://127.0.0.1:" + std::to_string(server_.port()) + "/feed.ics", "", ""}, options());
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().code, ErrorCode::invalid_argument);
}

TEST_F(Fetcher, OversizedBodyIsRefused) {
  auto r = fetch_https({server_.url("/big"), "", ""}, options());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::payload_too_large);
  EXPECT_EQ(r.error().message.rfind("too large", 0), 0u) << r.error().message;
  auto o = options();
  o.max_body_bytes = 10'000;  // exactly the size: allowed
  auto fits = fetch_https({server_.url("/big"), "", ""}, o);
  ASSERT_TRUE(fits) << fits.error().message;
  EXPECT_EQ(fits->body.size(), 10'000u);
}

TEST_F(Fetcher, UntrustedCertificateIsRefused) {
  std::atomic<int> served{0};
  HttpsTestServer rogue(pki_->rogue_cert(), pki_->rogue_key(), [&](const TestRequest&) {
    ++served;
    return TestResponse{200, kFeed, {}};
  });
  auto r = fetch_https({rogue.url("/feed.ics"), "", ""}, options());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_EQ(r.error().message.rfind("tls: ", 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find("certificate refused"), std::string::npos) << r.error().message;
  EXPECT_EQ(served.load(), 0);
}

TEST_F(Fetcher, CertificateForAnotherHostIsRefused) {
  HttpsTestServer other(pki_->wrong_host_cert(), pki_->wrong_host_key(), route);
  auto r = fetch_https({other.url("/feed.ics"), "", ""}, options());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("tls: ", 0), 0u) << r.error().message;
  EXPECT_TRUE(other.requests().empty());
}

TEST_F(Fetcher, PrivateCaIsNotTrustedWithoutTheCaFile) {
  auto o = options();
  o.extra_ca_file.clear();  // the system store only
  auto r = fetch_https({server_.url("/feed.ics"), "", ""}, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("tls: ", 0), 0u) << r.error().message;
  EXPECT_TRUE(server_.requests().empty());
}

}  // namespace
}  // namespace heat::adapters
