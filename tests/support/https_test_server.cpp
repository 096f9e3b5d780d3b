#include "tests/support/https_test_server.hpp"

#include "tests/support/http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <list>
#include <stdexcept>

namespace heat::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

// ---------------------------------------------------------------------------------------
// The PKI

namespace {

void openssl(const std::string& dir, const std::string& args) {
  auto [code, out] = run_command("cd '" + dir + "' && openssl " + args);
  if (code != 0) throw std::runtime_error("openssl " + args + " failed: " + out);
}

const char* kEcKey = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

}  // namespace

TestPki::TestPki() {
  char tmpl[] = "/tmp/heatwatch-pki.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  openssl(dir_, std::string("req -x509 ") + kEcKey +
                    " -keyout ca.key -out ca.pem -days 2 -subj '/CN=HEAT Watch Test CA'"
                    " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
  const auto leaf = [this](const std::string& name, const std::string& san) {
    {
      std::ofstream ext(dir_ + "/" + name + ".ext");
      ext << "subjectAltName=" << san << "\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
          << "extendedKeyUsage=serverAuth\n";
    }
    openssl(dir_, std::string("req ") + kEcKey + " -keyout " + name + ".key -out " + name + ".csr -subj '/CN=" +
                      name + "'");
    openssl(dir_, "x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -out " + name +
                      ".pem -days 2 -extfile " + name + ".ext");
  };
  leaf("server", "DNS:localhost,IP:127.0.0.1");
  leaf("wronghost", "DNS:feeds.elsewhere.example");
  openssl(dir_, std::string("req -x509 ") + kEcKey +
                    " -keyout rogue.key -out rogue.pem -days 2 -subj '/CN=localhost'"
                    " -addext subjectAltName=DNS:localhost,IP:127.0.0.1");
}

TestPki::~TestPki() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

// ---------------------------------------------------------------------------------------
// The server

struct HttpsTestServer::Impl {
  asio::io_context ioc;
  ssl::context ctx{ssl::context::tls_server};
  tcp::acceptor acceptor{ioc};
  std::thread accept_thread;
  mutable std::mutex mutex;
  std::condition_variable stop_cv;
  bool stopping = false;
  TestHandler handler;
  std::vector<TestRequest> requests;
  std::list<std::thread> connections;

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed: the server stops
      std::lock_guard lock(mutex);
      if (stopping) return;
      connections.emplace_back([this, s = std::move(socket)]() mutable { serve(std::move(s)); });
      accept();
    });
  }

  void serve(tcp::socket socket) {
    // A client that connects and then says nothing must not keep this thread forever.
    timeval tv{10, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    beast::ssl_stream<tcp::socket> stream(std::move(socket), ctx);
    beast::error_code ec;
    stream.handshake(ssl::stream_base::server, ec);
    if (ec) return;  // e.g. the client refused our certificate
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> req;
    bhttp::read(stream, buffer, req, ec);
    if (ec) return;
    TestRequest seen;
    seen.method = std::string(req.method_string());
    seen.target = std::string(req.target());
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      seen.headers[name] = std::string(f.value());
    }
    TestHandler h;
    {
      std::lock_guard lock(mutex);
      requests.push_back(seen);
      h = handler;
    }
    const TestResponse out = h ? h(seen) : TestResponse{404, "no handler", {}, false};
    if (out.hang) {
      std::unique_lock lock(mutex);
      stop_cv.wait_for(lock, std::chrono::seconds(60), [this] { return stopping; });
      return;
    }
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(out.status), 11};
    res.set(bhttp::field::server, "heatwatch-test-feed");
    for (const auto& [k, v] : out.headers) res.set(k, v);
    res.body() = out.body;
    res.keep_alive(false);
    res.prepare_payload();
    bhttp::write(stream, res, ec);
    stream.shutdown(ec);
  }
};

HttpsTestServer::HttpsTestServer(const std::string& cert_file, const std::string& key_file, TestHandler handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  impl_->ctx.use_certificate_chain_file(cert_file);
  impl_->ctx.use_private_key_file(key_file, ssl::context::pem);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  impl_->accept_thread = std::thread([this] { impl_->ioc.run(); });
}

HttpsTestServer::~HttpsTestServer() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  asio::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  impl_->accept_thread.join();
  for (auto& t : impl_->connections) t.join();
}

std::string HttpsTestServer::url(const std::string& path) const {
  return "https://127.0.0.1:" + std::to_string(port_) + path;
}

void HttpsTestServer::set_handler(TestHandler handler) {
  std::lock_guard lock(impl_->mutex);
  impl_->handler = std::move(handler);
}

std::vector<TestRequest> HttpsTestServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

void HttpsTestServer::clear_requests() {
  std::lock_guard lock(impl_->mutex);
  impl_->requests.clear();
}

}  // namespace heat::test
