// The one translation unit of adapters/ that includes Beast and Asio (compiled separately in
// heat_beast, see CMakeLists.txt).
#include "adapters/https_fetcher.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <set>

namespace heat::adapters {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace urls = boost::urls;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

struct Target {
  std::string url;          // normalized: scheme, host, port, path and query, no fragment
  std::string host;         // name or address (no brackets)
  bool ip_literal = false;
  std::string port;         // "443" by default
  std::string host_header;  // Host: value
  std::string target;       // origin-form: path?query
};

Error fail(ErrorCode code, std::string message) { return Error::of(code, std::move(message)); }

Result<Target> target_of(urls::url_view u) {
  if (u.scheme_id() != urls::scheme::https) return Error::invalid("url", "not an https URL");
  if (u.has_userinfo()) return Error::invalid("url", "credentials in the URL are not supported");
  Target t;
  t.host = u.host_address();
  if (t.host.empty()) return Error::invalid("url", "no host");
  t.ip_literal = u.host_type() == urls::host_type::ipv4 || u.host_type() == urls::host_type::ipv6;
  t.port = u.has_port() && !u.port().empty() ? std::string(u.port()) : "443";
  t.host_header = std::string(u.encoded_host_and_port());
  t.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) t.target += "?" + std::string(u.encoded_query());
  t.url = "https://" + t.host_header + t.target;
  return t;
}

Result<Target> parse_target(std::string_view url) {
  auto u = urls::parse_uri(url);
  if (!u) return Error::invalid("url", "not a URL");
  return target_of(*u);
}

std::string ms(milliseconds d) { return std::to_string(d.count()) + " ms"; }

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// One GET on a new connection. The connect phase (resolve, connect, handshake) has
// options.connect_timeout in all; writing the request and reading the response have
// options.read_timeout in all.
Result<http::response<http::string_body>> exchange(ssl::context& ctx, const Target& t, const FetchRequest& request,
                                                   const FetchOptions& options) {
  asio::io_context ioc;
  const auto connect_deadline = Clock::now() + options.connect_timeout;
  const auto run = [&ioc] {
    ioc.run();
    ioc.restart();
  };

  // Resolve (no timeout of its own: a timer cancels it).
  tcp::resolver resolver(ioc);
  asio::steady_timer timer(ioc);
  tcp::resolver::results_type endpoints;
  beast::error_code ec;
  bool timed_out = false;
  timer.expires_at(connect_deadline);
  timer.async_wait([&](beast::error_code e) {
    if (!e) {
      timed_out = true;
      resolver.cancel();
    }
  });
  resolver.async_resolve(t.host, t.port, [&](beast::error_code e, tcp::resolver::results_type r) {
    ec = e;
    endpoints = std::move(r);
    timer.cancel();
  });
  run();
  if (timed_out) return fail(ErrorCode::unavailable, "timeout: resolving " + t.host + " took over " + ms(options.connect_timeout));
  if (ec) return fail(ErrorCode::unavailable, "network: cannot resolve " + t.host + ": " + ec.message());

  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  // SNI carries a host name, never an address (RFC 6066 3).
  if (!t.ip_literal && SSL_set_tlsext_host_name(stream.native_handle(), t.host.c_str()) != 1)
    return fail(ErrorCode::internal, "tls: cannot set the server name");
  stream.set_verify_mode(ssl::verify_peer);
  // The certificate must name this host (DNS name, or IP address for an address).
  stream.set_verify_callback(ssl::host_name_verification(t.host));

  auto& tcp_stream = beast::get_lowest_layer(stream);
  const auto left = [&] {
    return std::max(milliseconds{1},
                    std::chrono::duration_cast<milliseconds>(connect_deadline - Clock::now()));
  };
  tcp_stream.expires_after(left());
  tcp_stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
  run();
  if (ec == beast::error::timeout)
    return fail(ErrorCode::unavailable, "timeout: connecting to " + t.host + " took over " + ms(options.connect_timeout));
  if (ec) return fail(ErrorCode::unavailable, "network: cannot connect to " + t.host + ": " + ec.message());

  tcp_stream.expires_after(left());
  stream.async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
  run();
  if (ec == beast::error::timeout)
    return fail(ErrorCode::unavailable, "timeout: TLS handshake with " + t.host + " took over " + ms(options.connect_timeout));
  if (ec) {
    const long verify = SSL_get_verify_result(stream.native_handle());
    std::string why = ec.message();
    if (verify != X509_V_OK) why = std::string("certificate refused: ") + X509_verify_cert_error_string(verify);
    return fail(ErrorCode::unavailable, "tls: " + t.host + ": " + why);
  }

  http::request<http::empty_body> req{http::verb::get, t.target, 11};
  req.set(http::field::host, t.host_header);
  req.set(http::field::user_agent, options.user_agent);
  req.set(http::field::accept, "text/calendar, text/csv;q=0.9, */*;q=0.1");
  req.set(http::field::connection, "close");
  if (!request.etag.empty()) req.set(http::field::if_none_match, request.etag);
  if (!request.last_modified.empty()) req.set(http::field::if_modified_since, request.last_modified);

  tcp_stream.expires_after(options.read_timeout);
  http::async_write(stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
  run();
  if (ec == beast::error::timeout)
    return fail(ErrorCode::unavailable, "timeout: sending the request to " + t.host + " took over " + ms(options.read_timeout));
  if (ec) return fail(ErrorCode::unavailable, "network: sending the request to " + t.host + ": " + ec.message());

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(options.max_body_bytes);
  http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
  run();
  if (ec == beast::error::timeout)
    return fail(ErrorCode::unavailable, "timeout: no complete response from " + t.host + " within " + ms(options.read_timeout));
  if (ec == http::error::body_limit)
    return fail(ErrorCode::payload_too_large, "too large: the response from " + t.host + " is over " +
                                                  std::to_string(options.max_body_bytes) + " bytes");
  if (ec) return fail(ErrorCode::unavailable, "network: reading the response from " + t.host + ": " + ec.message());
  // No TLS close_notify exchange: the response is complete, and a server that never
  // answers one must not hold the poller. The socket closes with the stream.
  return parser.release();
}

}  // namespace

Result<FetchResult> fetch_https(const FetchRequest& request, const FetchOptions& options) {
  auto target = parse_target(request.url);
  if (!target) return target.error();

  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  if (options.use_system_ca_store) {
    ctx.set_default_verify_paths(ec);
    if (ec) return fail(ErrorCode::internal, "tls: cannot load the system CA store: " + ec.message());
  }
  if (!options.extra_ca_file.empty()) {
    ctx.load_verify_file(options.extra_ca_file, ec);
    if (ec) return fail(ErrorCode::internal, "tls: cannot load the CA file " + options.extra_ca_file + ": " + ec.message());
  }

  std::set<std::string> seen{target->url};
  int redirects = 0;
  while (true) {
    auto response = exchange(ctx, *target, request, options);
    if (!response) return response.error();
    const int status = static_cast<int>(response->result_int());
    const std::string reason(response->reason());
    if (is_redirect(status)) {
      const auto location = (*response)[http::field::location];
      if (location.empty())
        return fail(ErrorCode::domain_rule, "http " + std::to_string(status) + ": a redirect without a Location");
      auto ref = urls::parse_uri_reference(location);
      if (!ref) return fail(ErrorCode::domain_rule, "http " + std::to_string(status) + ": an unreadable Location");
      urls::url next;
      if (auto r = urls::resolve(urls::url_view(target->url), *ref, next); !r)
        return fail(ErrorCode::domain_rule, "http " + std::to_string(status) + ": an unreadable Location");
      next.remove_fragment();
      auto next_target = target_of(next);
      if (!next_target)
        return fail(ErrorCode::invalid_argument, "redirect refused: " + target->host + " redirects to a non-https URL");
      if (seen.count(next_target->url) != 0)
        return fail(ErrorCode::domain_rule, "redirect loop: " + next_target->host + " redirects back to a URL already visited");
      if (redirects >= options.max_redirects)
        return fail(ErrorCode::domain_rule, "too many redirects: more than " + std::to_string(options.max_redirects));
      ++redirects;
      seen.insert(next_target->url);
      target = std::move(next_target);
      continue;
    }
    FetchResult result;
    result.status = status;
    result.final_url = target->url;
    result.redirects = redirects;
    result.etag = std::string((*response)[http::field::etag]);
    result.last_modified = std::string((*response)[http::field::last_modified]);
    result.content_type = std::string((*response)[http::field::content_type]);
    if (status == 304) {
      result.not_modified = true;
      return result;
    }
    if (status >= 200 && status < 300) {
      result.body = std::move(response->body());
      return result;
    }
    const ErrorCode code = status >= 500 || status == 429 || status == 408 ? ErrorCode::unavailable : ErrorCode::domain_rule;
    return fail(code, "http " + std::to_string(status) + ": " + (reason.empty() ? "error" : reason) + " from " + target->host);
  }
}

}  // namespace heat::adapters
