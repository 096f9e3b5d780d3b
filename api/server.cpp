#include "api/server.hpp"

#include "api/problem.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <optional>
#include <thread>
#include <unordered_map>

namespace heat::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// Converts a Beast request into the plain Request handlers see. nullopt: unparseable target.
std::optional<Request> to_request(http::request<http::string_body>&& msg, const std::string& remote) {
  Request r;
  r.method = std::string(msg.method_string());
  r.target = std::string(msg.target());
  auto url = boost::urls::parse_origin_form(r.target);
  if (!url) return std::nullopt;
  r.path = url->path();
  for (auto param : url->params()) r.query.emplace_back(param.key, param.has_value ? param.value : "");
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = r.headers.emplace(std::move(name), std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  r.body = std::move(msg.body());
  r.remote_address = remote;
  return r;
}

http::response<http::string_body> to_beast(const Response& r, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "heatwatch");
  res.set(http::field::content_type, r.content_type);
  bool has_cache_control = false;
  for (const auto& [k, v] : r.headers) {
    res.insert(k, v);
    if (beast::iequals(k, "cache-control")) has_cache_control = true;
  }
  // Responses may carry victims' data: nothing is cached unless a handler says so.
  if (!has_cache_control) res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(keep_alive);
  res.body() = r.body;
  res.prepare_payload();
  return res;
}

}  // namespace

class SessionBase;

struct Server::Impl {
  ServerOptions options;
  const Router& router;
  Metrics& metrics;
  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  std::optional<asio::ssl::context> tls;
  tcp::acceptor acceptor{ioc};
  asio::thread_pool workers;
  std::atomic<std::size_t> queued{0};
  std::atomic<bool> stopping{false};
  std::mutex sessions_mutex;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  asio::steady_timer grace_timer{ioc};

  Impl(ServerOptions o, const Router& r, Metrics& m)
      : options(std::move(o)), router(r), metrics(m), workers(std::max<std::size_t>(options.workers, 1)) {}

  // Runs fn on the worker pool unless workers + queue_limit requests are already there.
  template <class F>
  bool try_post(F&& fn) {
    const std::size_t limit = std::max<std::size_t>(options.workers, 1) + options.queue_limit;
    if (queued.fetch_add(1) >= limit) {
      queued.fetch_sub(1);
      return false;
    }
    asio::post(workers, [this, fn = std::forward<F>(fn)]() mutable {
      fn();
      queued.fetch_sub(1);
    });
    return true;
  }

  void do_accept();
  void begin_stop();
  void session_ended(SessionBase* s);
};

// Common state of plain and TLS sessions, for the shutdown registry.
class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection if it waits for a new request (shutdown). Runs on its strand.
  virtual void close_if_idle() = 0;
};

template <class Stream>
class Session final : public SessionBase {
 public:
  Session(Server::Impl& server, Stream&& stream, std::string remote)
      : server_(server), stream_(std::move(stream)), remote_(std::move(remote)) {}

  ~Session() override { server_.session_ended(this); }

  void start() {
    if constexpr (kTls) {
      lowest().expires_after(server_.options.read_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = self()](beast::error_code ec) {
                                if (ec) return;  // failed or refused handshake: just close
                                self->do_read();
                              });
    } else {
      asio::dispatch(stream_.get_executor(), [self = self()] { self->do_read(); });
    }
  }

  void close_if_idle() override {
    asio::dispatch(stream_.get_executor(), [self = self()] {
      if (self->idle_) {
        beast::error_code ec;
        self->lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
        self->lowest().close();
      }
    });
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  std::shared_ptr<Session> self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void do_read() {
    if (server_.stopping) return do_close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
    parser_->body_limit(boost::none);  // the route's limit is set once the header is read
    idle_ = true;
    lowest().expires_after(handled_ == 0 ? server_.options.read_timeout : server_.options.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = self()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    idle_ = false;
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout)
      return do_close();
    if (ec == http::error::header_limit) return reply_and_close(problem(431, "request header too large"));
    if (ec == http::error::body_limit) return reply_and_close(problem(413, "request body too large"));
    if (ec) {
      if (ec.category() == http::make_error_code(http::error::bad_target).category())
        return reply_and_close(problem(400, "malformed HTTP request"));
      return do_close();
    }
    started_ = Clock::now();
    // The body limit is the route's; an unknown route keeps the default.
    std::size_t limit = 1 << 20;
    auto path = std::string(parser_->get().target());
    path = path.substr(0, path.find('?'));
    if (auto m = server_.router.match(parser_->get().method_string(), path); std::holds_alternative<RouteMatch>(m))
      limit = std::get<RouteMatch>(m).route->body_limit;
    if (auto length = parser_->content_length(); length && *length > limit)
      return reply_and_close(problem(413, "request body exceeds " + std::to_string(limit) + " bytes"));
    parser_->body_limit(limit);
    lowest().expires_after(server_.options.read_timeout);
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *cont, [self = self(), cont](beast::error_code wec, std::size_t) {
        if (wec) return self->do_close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = self()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) return reply_and_close(problem(413, "request body too large"));
    if (ec) return do_close();
    auto msg = parser_->release();
    version_ = msg.version();
    keep_alive_ = msg.keep_alive();
    auto request = to_request(std::move(msg), remote_);
    if (!request) return finish("-", "-", problem(400, "malformed request target"));
    dispatch(std::move(*request));
  }

  void dispatch(Request request) {
    // HEAD is GET without the body (RFC 9110 9.3.2: every general-purpose server supports
    // both): the GET handler runs, and only its headers are sent.
    head_ = request.method == "HEAD";
    if (head_) request.method = "GET";
    auto matched = server_.router.match(request.method, request.path);
    if (std::holds_alternative<NoRoute>(matched))
      return finish("unmatched", request.method, problem(404, "no such resource: " + request.path));
    if (auto* m = std::get_if<MethodNotAllowed>(&matched)) {
      std::string allow;
      for (const auto& a : m->allowed) allow += (allow.empty() ? "" : ", ") + a + (a == "GET" ? ", HEAD" : "");
      auto r = problem(405, "method " + std::string(head_ ? "HEAD" : request.method) + " not allowed here");
      r.with_header("Allow", allow);
      return finish("unmatched", request.method, std::move(r));
    }
    auto& match = std::get<RouteMatch>(matched);
    request.path_params = std::move(match.params);
    const Route* route = match.route;
    if (!route->blocking) return finish(route->name, request.method, invoke(*route, request));
    auto accepted = server_.try_post([self = self(), route, request = std::move(request)]() mutable {
      Response response = invoke(*route, request);
      asio::post(self->stream_.get_executor(), [self, route, method = request.method,
                                                response = std::move(response)]() mutable {
        self->finish(route->name, method, std::move(response));
      });
    });
    if (!accepted) finish(route->name, "-", problem(503, "server busy, retry shortly"));
  }

  static Response invoke(const Route& route, const Request& request) {
    try {
      return route.handler(request);
    } catch (const std::exception& e) {
      spdlog::error("handler {} failed: {}", route.name, e.what());
      return problem(500, "internal error");
    }
  }

  void finish(const std::string& route, const std::string& method, Response response) {
    server_.metrics.record_request(route, head_ ? "HEAD" : method, response.status, Clock::now() - started_);
    ++handled_;
    const bool keep = keep_alive_ && !server_.stopping && handled_ < server_.options.max_requests_per_connection;
    auto res = to_beast(response, version_, keep);
    if (head_) res.body().clear();  // Content-Length stays that of the GET
    write(std::move(res), !keep);
  }

  void reply_and_close(Response response) {
    server_.metrics.record_request("unmatched", "-", response.status, Clock::now() - started_);
    write(to_beast(response, version_, false), true);
  }

  void write(http::response<http::string_body>&& res, bool close) {
    auto sp = std::make_shared<http::response<http::string_body>>(std::move(res));
    lowest().expires_after(server_.options.read_timeout);
    http::async_write(stream_, *sp, [self = self(), sp, close](beast::error_code ec, std::size_t) {
      if (ec || close) return self->do_close();
      self->do_read();
    });
  }

  void do_close() {
    if constexpr (kTls) {
      lowest().expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = self()](beast::error_code) { self->lowest().close(); });
    } else {
      beast::error_code ec;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  Server::Impl& server_;
  Stream stream_;
  std::string remote_;
  beast::flat_buffer buffer_{1 << 16};
  std::optional<http::request_parser<http::string_body>> parser_;
  Clock::time_point started_ = Clock::now();
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;  // the request being answered is a HEAD
  bool idle_ = false;
  std::size_t handled_ = 0;
};

void Server::Impl::do_accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping) return;
      spdlog::warn("accept failed: {}", ec.message());
    } else {
      beast::error_code rec;
      auto endpoint = socket.remote_endpoint(rec);
      std::string remote = rec ? "" : endpoint.address().to_string();
      std::shared_ptr<SessionBase> session;
      if (tls) {
        auto s = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            *this, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls), remote);
        session = s;
        s->start();
      } else {
        auto s = std::make_shared<Session<beast::tcp_stream>>(*this, beast::tcp_stream(std::move(socket)), remote);
        session = s;
        s->start();
      }
      std::lock_guard lock(sessions_mutex);
      sessions.emplace(session.get(), session);
    }
    if (!stopping) do_accept();
  });
}

void Server::Impl::session_ended(SessionBase* s) {
  bool last = false;
  {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(s);
    last = sessions.empty();
  }
  if (last && stopping) asio::post(ioc, [this] { guard.reset(); grace_timer.cancel(); });
}

void Server::Impl::begin_stop() {
  if (stopping.exchange(true)) return;
  spdlog::info("shutting down: finishing requests in flight");
  beast::error_code ec;
  acceptor.close(ec);
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(sessions_mutex);
    for (auto& [ptr, weak] : sessions)
      if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->close_if_idle();
  bool none = false;
  {
    std::lock_guard lock(sessions_mutex);
    none = sessions.empty();
  }
  live.clear();
  if (none) {
    guard.reset();
    return;
  }
  grace_timer.expires_after(options.shutdown_grace);
  grace_timer.async_wait([this](beast::error_code wec) {
    if (wec) return;
    spdlog::warn("shutdown grace period over; closing remaining connections");
    ioc.stop();
  });
}

Server::Server(ServerOptions options, const Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}

Server::~Server() {
  impl_->ioc.stop();
  impl_->workers.join();
}

Result<unsigned short> Server::start() {
  auto& o = impl_->options;
  if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
    if (o.tls_cert_file.empty() || o.tls_key_file.empty())
      return Error::invalid("tls", "both a certificate and a key are needed for TLS");
    asio::ssl::context ctx(asio::ssl::context::tls_server);
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                    asio::ssl::context::single_dh_use | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    // TLS 1.2: forward-secret AEAD suites only. TLS 1.3 suites are all modern by design.
    SSL_CTX_set_cipher_list(ctx.native_handle(),
                            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                            "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                            "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
    beast::error_code ec;
    ctx.use_certificate_chain_file(o.tls_cert_file, ec);
    if (ec) return Error::invalid("tls_cert", "cannot load certificate: " + ec.message());
    ctx.use_private_key_file(o.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) return Error::invalid("tls_key", "cannot load private key: " + ec.message());
    impl_->tls.emplace(std::move(ctx));
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(o.address, ec);
  if (ec) return Error::invalid("listen", "not an IP address: " + o.address);
  tcp::endpoint endpoint(address, o.port);
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error::of(ErrorCode::unavailable, "cannot listen on " + o.address + ":" + std::to_string(o.port) +
                                                       ": " + ec.message());
  return acc.local_endpoint().port();
}

void Server::run(bool handle_signals) {
  impl_->guard.emplace(impl_->ioc.get_executor());
  asio::signal_set signals(impl_->ioc);
  if (handle_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([this](beast::error_code ec, int) {
      if (!ec) impl_->begin_stop();
    });
  }
  impl_->do_accept();
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < std::max<std::size_t>(impl_->options.io_threads, 1); ++i)
    threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
  impl_->workers.join();
  spdlog::info("server stopped");
}

void Server::request_stop() {
  asio::post(impl_->ioc, [this] { impl_->begin_stop(); });
}

std::size_t Server::queue_depth() const { return impl_->queued.load(); }

}  // namespace heat::api
