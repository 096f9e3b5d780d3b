// Fetching a court's calendar feed over HTTPS (issue 7, polling): one GET, with the
// certificate verified against the system CA store (plus an optional extra CA file), SNI and
// host name verification, a connect timeout and a read timeout, at most max_redirects
// redirects (https only; a loop is an error), a cap on the body, and a conditional GET
// (If-None-Match / If-Modified-Since: 304 is "not modified"). Blocking: the caller's thread
// runs its own small io_context for the one request (the poller runs on a background thread).
// No Beast or Asio types here: only adapters/https_fetcher.cpp includes them.
#pragma once

#include "engine/result.hpp"

#include <chrono>
#include <cstddef>
#include <string>

namespace heat::adapters {

struct FetchOptions {
  // PEM file of CA certificates trusted besides the system store (tests, private PKI).
  std::string extra_ca_file;
  // false: only extra_ca_file is trusted (tests that must not depend on the host's store).
  bool use_system_ca_store = true;
  std::chrono::milliseconds connect_timeout{10'000};  // resolve + TCP connect + TLS handshake
  std::chrono::milliseconds read_timeout{30'000};     // send the request and read the whole response
  std::size_t max_body_bytes = std::size_t{64} * 1024 * 1024;
  int max_redirects = 5;
  std::string user_agent = "heatwatch-feed-poller/1";
};

struct FetchRequest {
  std::string url;            // https://host[:port]/path?query
  std::string etag;           // sent as If-None-Match when not empty
  std::string last_modified;  // sent as If-Modified-Since when not empty
};

struct FetchResult {
  int status = 0;             // 200, or 304 (not_modified)
  bool not_modified = false;  // 304: the body is empty and the caller's copy is current
  std::string body;
  std::string etag;           // the response's ETag / Last-Modified (empty when absent)
  std::string last_modified;
  std::string content_type;
  std::string final_url;      // after redirects
  int redirects = 0;
};

// The response of one GET (after redirects), or what went wrong. Errors carry ErrorCode::unavailable (network, TLS, timeout, HTTP 5xx/429),
// payload_too_large (over max_body_bytes), invalid_argument (not an https URL, a redirect
// to a non-https URL) or domain_rule (redirect loop, too many redirects, another HTTP
// status); the message starts with a short kind ("timeout: ", "tls: ", "http 500: ",
// "redirect loop: ", ...) and says what happened, never the URL's query (it may hold a token).
[[nodiscard]] Result<FetchResult> fetch_https(const FetchRequest& request, const FetchOptions& options = {});

}  // namespace heat::adapters
