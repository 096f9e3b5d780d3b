// heatwatch serve: the API server. Wires the database pool into the routes.
#include "adapters/feed_poller.hpp"
#include "api/app.hpp"
#include "api/metrics.hpp"
#include "api/router.hpp"
#include "api/server.hpp"
#include "db/audit_log.hpp"
#include "db/calendar_subscription_store.hpp"
#include "db/feed_poll_store.hpp"
#include "db/case_store.hpp"
#include "db/court_event_store.hpp"
#include "db/deadline_store.hpp"
#include "db/evidence_store.hpp"
#include "db/field_cipher.hpp"
#include "db/identity_store.hpp"
#include "db/metrics_store.hpp"
#include "db/pool.hpp"
#include "db/session_listener.hpp"
#include "db/victim_store.hpp"
#include "engine/session_cache.hpp"
#include "tools/heatwatch/cli.hpp"
#include "tools/heatwatch/evidence.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>
#include <iostream>

namespace heat::cli {
namespace {

// Runs `work` every `interval` on its own thread until destroyed (off: never).
class BackgroundJobs {
 public:
  BackgroundJobs(bool on, std::chrono::milliseconds interval, std::function<void()> work) {
    if (!on) return;
    thread_ = std::thread([this, interval, work = std::move(work)] {
      std::unique_lock lock(mutex_);
      while (!stopping_) {
        lock.unlock();
        work();
        lock.lock();
        wake_.wait_for(lock, interval, [this] { return stopping_; });
      }
    });
  }
  ~BackgroundJobs() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// Half the cores, at least one. The I/O threads only parse and write HTTP (handlers that
// touch the database run on the workers), and each one more shares the connections' strands
// and the scheduler's lock: on 2 cores one I/O thread answered /healthz 39 % faster than two,
// with the same read rate (BENCHMARKS.md).
std::size_t default_io_threads() { return std::max(1u, std::thread::hardware_concurrency() / 2); }

}  // namespace

int serve(int argc, char** argv) {
  po::options_description desc("heatwatch serve options");
  add_common_options(desc);
  desc.add_options()("listen", po::value<std::string>()->default_value("127.0.0.1:8080"),
                     "address:port to listen on; port 0 picks a free one (HEATWATCH_LISTEN)")(
      "tls-cert", po::value<std::string>()->default_value(""), "PEM certificate chain for HTTPS (HEATWATCH_TLS_CERT)")(
      "tls-key", po::value<std::string>()->default_value(""), "PEM private key for HTTPS (HEATWATCH_TLS_KEY)")(
      "workers", po::value<std::size_t>()->default_value(8),
      "handler threads and database connections (HEATWATCH_WORKERS)")(
      "queue-limit", po::value<std::size_t>()->default_value(64),
      "requests that may wait for a worker before 503 (HEATWATCH_QUEUE_LIMIT)")(
      "io-threads", po::value<std::size_t>()->default_value(default_io_threads()),
      "network I/O threads; default half the cores (HEATWATCH_IO_THREADS)")(
      "jobs", po::value<std::string>()->default_value("on"),
      "on|off: run background work (sweeps, polls, reminders) (HEATWATCH_JOBS)")(
      "port-file", po::value<std::string>()->default_value(""),
      "write the bound port to this file once listening (HEATWATCH_PORT_FILE)")(
      "require-totp", po::value<bool>()->default_value(false),
      "true: every account must sign in with a TOTP code (HEATWATCH_REQUIRE_TOTP)")(
      "session-cache", po::value<int>()->default_value(10),
      "seconds an authenticated session may be reused from memory; 0 reads it on every request. Changes "
      "reach the cache at once through the database's notifications (HEATWATCH_SESSION_CACHE)")(
      "login-rate", po::value<int>()->default_value(30),
      "sign-in attempts allowed per source address per minute (HEATWATCH_LOGIN_RATE)")(
      "sweep-interval-ms", po::value<int>()->default_value(60000),
      "how often background jobs sweep deadlines, in milliseconds (HEATWATCH_SWEEP_INTERVAL_MS)")(
      "deadline-reminders", po::value<std::string>()->default_value("5,1"),
      "court days ahead of a deadline to remind its DDA, comma-separated (HEATWATCH_DEADLINE_REMINDERS)")(
      "feed-ca-file", po::value<std::string>()->default_value(""),
      "PEM CA certificates trusted for feed URLs besides the system store (HEATWATCH_FEED_CA_FILE)")(
      "feed-timeout-ms", po::value<int>()->default_value(30000),
      "connect and read timeout of a feed fetch, in milliseconds (HEATWATCH_FEED_TIMEOUT_MS)")(
      "replica-url", po::value<std::string>()->default_value(""),
      "a streaming replica the dashboard's metrics are read from (HEATWATCH_REPLICA_URL); default: the primary")(
      "public-url", po::value<std::string>()->default_value(""),
      "scheme://host[:port] of the links handed out, such as calendar URLs; default: the request's Host "
      "(HEATWATCH_PUBLIC_URL)")(
      "hearing-reminders", po::value<std::string>()->default_value("7,1"),
      "days ahead of a hearing to remind the advocates and DDAs, comma-separated (HEATWATCH_HEARING_REMINDERS)");
  int code = 0;
  auto vm = parse(argc, argv, desc,
                  "usage: heatwatch serve --db URL [--listen 127.0.0.1:8080] [--tls-cert F --tls-key F] "
                  "[--workers N] [--jobs on|off]",
                  code);
  if (!vm) return code;
  setup_logging(*vm);
  auto url = database_url(*vm);
  if (!url) return 2;
  // Victims' identity data is sealed with this key ring; no key, no server (API.md).
  auto keys = db::AesGcmCipher::keys_from_environment();
  if (!keys) {
    std::cerr << "heatwatch: serve needs the encryption key for victims' identity data: set "
                 "HEATWATCH_ENCRYPTION_KEY (64 hex characters) or HEATWATCH_ENCRYPTION_KEY_FILE ("
              << keys.error().message << ")\n";
    return 2;
  }
  const db::AesGcmCipher cipher(std::move(*keys));
  auto clock = make_clock();

  api::ServerOptions options;
  const std::string listen = (*vm)["listen"].as<std::string>();
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "heatwatch: --listen takes address:port\n";
    return 2;
  }
  options.address = listen.substr(0, colon);
  if (options.address.size() > 2 && options.address.front() == '[') options.address = options.address.substr(1, options.address.size() - 2);
  try {
    const int port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    options.port = static_cast<unsigned short>(port);
  } catch (const std::exception&) {
    std::cerr << "heatwatch: --listen has no valid port: " << listen << "\n";
    return 2;
  }
  options.workers = (*vm)["workers"].as<std::size_t>();
  options.queue_limit = (*vm)["queue-limit"].as<std::size_t>();
  options.io_threads = (*vm)["io-threads"].as<std::size_t>();
  options.tls_cert_file = (*vm)["tls-cert"].as<std::string>();
  options.tls_key_file = (*vm)["tls-key"].as<std::string>();

  auto pool = db::Pool::open(*url, options.workers);
  if (!pool) {
    spdlog::error("cannot connect to the database: {}", pool.error().message);
    return 1;
  }
  db::PoolHealthProbe health(**pool);
  api::Metrics metrics;
  metrics.add_gauge("heatwatch_db_pool_in_use", "Database connections lent out.",
                    [p = pool->get()] { return static_cast<double>(p->in_use()); });
  metrics.add_gauge("heatwatch_db_pool_size", "Database connections in the pool.",
                    [p = pool->get()] { return static_cast<double>(p->size()); });

  db::PgIdentityStore identity(**pool, &cipher);
  db::PgAuditLog audit(**pool);
  db::PgCaseStore cases(**pool);
  db::PgDeadlineStore deadlines(**pool);
  db::PgEvidenceStore evidence(**pool);
  auto victim_identities = make_victim_identity_source(**pool, cipher);
  db::PgVictimStore victims(**pool, cipher);
  db::PgNotificationStore notifications(**pool);
  db::PgCourtEventStore court_events(**pool);
  // The dashboard may read from a streaming replica (DESIGN.md); its aggregates are read-only.
  std::unique_ptr<db::Pool> replica;
  if (const std::string replica_url = (*vm)["replica-url"].as<std::string>(); !replica_url.empty()) {
    auto opened = db::Pool::open(replica_url, options.workers);
    if (!opened) {
      spdlog::error("cannot connect to the replica: {}", opened.error().message);
      return 1;
    }
    replica = std::move(*opened);
    spdlog::info("dashboard metrics read from the replica");
  }
  db::PgMetricsStore metrics_store(replica ? *replica : **pool, cipher);
  auth::AuthSettings auth_settings;
  auth_settings.require_totp = (*vm)["require-totp"].as<bool>();
  auth_settings.login_attempts_per_minute = (*vm)["login-rate"].as<int>();
  // Sessions reused from memory for a few seconds, kept right by the database's notifications
  // of every change (engine/session_cache.hpp, V0014); nothing is reused while not listening.
  const int session_cache_seconds = std::max(0, (*vm)["session-cache"].as<int>());
  // Ages are real seconds even when HEATWATCH_NOW pins the clock of the domain.
  const SystemClock cache_clock;
  CachingIdentityStore sessions(identity, cache_clock, std::chrono::seconds(session_cache_seconds));
  std::unique_ptr<db::SessionChangeListener> session_listener;
  if (session_cache_seconds > 0) {
    session_listener = std::make_unique<db::SessionChangeListener>(
        *url, db::SessionChangeHandlers{[&](const std::string& h) { sessions.invalidate_session(h); },
                                        [&](const std::string& u) { sessions.invalidate_user(u); },
                                        [&] { sessions.invalidate_all(); },
                                        [&](bool live) { sessions.set_invalidations_live(live); }});
    metrics.add_gauge("heatwatch_session_cache_hits", "Authentications answered from the session cache.",
                      [&sessions] { return static_cast<double>(sessions.counters().hits); });
    metrics.add_gauge("heatwatch_session_cache_misses", "Authentications read from the database.",
                      [&sessions] { return static_cast<double>(sessions.counters().misses); });
    metrics.add_gauge("heatwatch_session_cache_live", "1 while the session cache hears every change.",
                      [&sessions] { return sessions.counters().live ? 1.0 : 0.0; });
  }
  auth::AuthService auth_service(sessions, audit, *clock, auth_settings);

  api::AppServices services;
  services.health = &health;
  services.metrics = &metrics;
  services.clock = clock.get();
  services.auth = &auth_service;
  services.identity = &sessions;
  services.audit = &audit;
  services.cases = &cases;
  services.deadlines = &deadlines;
  services.evidence = &evidence;
  services.victim_identities = victim_identities.get();
  services.victims = &victims;
  services.notifications = &notifications;
  db::PgCalendarSubscriptionStore calendar_subscriptions(**pool);
  services.calendar_subscriptions = &calendar_subscriptions;
  services.public_base_url = (*vm)["public-url"].as<std::string>();
  services.tls = !options.tls_cert_file.empty();
  adapters::FetchOptions fetch;
  fetch.extra_ca_file = (*vm)["feed-ca-file"].as<std::string>();
  fetch.connect_timeout = fetch.read_timeout = std::chrono::milliseconds(std::max(100, (*vm)["feed-timeout-ms"].as<int>()));
  db::PgFeedPollStore feed_polls(**pool);
  adapters::FeedPoller feed_poller(feed_polls, court_events, *clock, fetch);
  services.feed_polling = &feed_poller;
  services.court_events = &court_events;
  services.metrics_store = &metrics_store;
  api::Router router;
  api::build_routes(router, services);

  api::Server server(options, router, metrics);
  metrics.add_gauge("heatwatch_worker_queue_depth", "Requests queued for or running on the worker pool.",
                    [&server] { return static_cast<double>(server.queue_depth()); });
  auto port = server.start();
  if (!port) {
    spdlog::error("{}", port.error().message);
    return 1;
  }
  const bool tls = !options.tls_cert_file.empty();
  spdlog::info("listening on {}://{}:{} (workers {}, jobs {})", tls ? "https" : "http", options.address, *port,
               options.workers, (*vm)["jobs"].as<std::string>());
  if (const auto& file = (*vm)["port-file"].as<std::string>(); !file.empty()) {
    std::ofstream out(file + ".tmp");
    out << *port << "\n";
    out.close();
    std::rename((file + ".tmp").c_str(), file.c_str());
  }
  std::vector<int> reminder_days;
  {
    std::stringstream list((*vm)["deadline-reminders"].as<std::string>());
    for (std::string item; std::getline(list, item, ',');) {
      try {
        reminder_days.push_back(std::stoi(item));
      } catch (const std::exception&) {
        std::cerr << "heatwatch: --deadline-reminders takes court days such as 5,1\n";
        return 2;
      }
    }
  }
  InAppChannel in_app;
  const std::vector<NotificationChannel*> channels = {&in_app};
  std::vector<int> hearing_reminder_days;
  {
    std::stringstream list((*vm)["hearing-reminders"].as<std::string>());
    for (std::string item; std::getline(list, item, ',');) {
      try {
        hearing_reminder_days.push_back(std::stoi(item));
      } catch (const std::exception&) {
        std::cerr << "heatwatch: --hearing-reminders takes days such as 7,1\n";
        return 2;
      }
    }
  }
  // Background work: claimed through the database, so any number of processes may run it.
  BackgroundJobs jobs((*vm)["jobs"].as<std::string>() == "on",
                      std::chrono::milliseconds((*vm)["sweep-interval-ms"].as<int>()), [&] {
                        auto report = deadlines.sweep(clock->now(), reminder_days);
                        if (!report)
                          spdlog::warn("deadline sweep failed: {}", report.error().message);
                        else if (report->missed + report->reminders > 0)
                          spdlog::info("deadline sweep: {} missed, {} reminders", report->missed,
                                       report->reminders);
                        const std::vector<int> order_days(std::begin(kProtectiveOrderAlertDays),
                                                          std::end(kProtectiveOrderAlertDays));
                        if (auto orders = victims.sweep_protective_orders(clock->now(), order_days); !orders)
                          spdlog::warn("protective-order sweep failed: {}", orders.error().message);
                        else if (*orders > 0)
                          spdlog::info("protective-order sweep: {} expiry alerts", *orders);
                        if (auto hearings = court_events.sweep_reminders(clock->now(), hearing_reminder_days); !hearings)
                          spdlog::warn("hearing reminder sweep failed: {}", hearings.error().message);
                        else if (*hearings > 0)
                          spdlog::info("hearing reminder sweep: {} reminders", *hearings);
                        // Hands new notifications to every channel (the inbox; e-mail or SMS later).
                        if (auto sent = notifications.deliver_pending(clock->now(), channels, 500); !sent)
                          spdlog::warn("notification delivery failed: {}", sent.error().message);
                        else if (sent->failed > 0)
                          spdlog::warn("notification delivery: {} attempts failed (retried)", sent->failed);
                      });
  // Feed polling on its own thread, so a slow court server never delays the sweeps above.
  // Claimed through the database (FOR UPDATE SKIP LOCKED): one process polls each feed.
  BackgroundJobs polls((*vm)["jobs"].as<std::string>() == "on",
                       std::chrono::milliseconds((*vm)["sweep-interval-ms"].as<int>()), [&] {
                         if (auto polled = feed_poller.poll_due(8); !polled)
                           spdlog::warn("feed polling failed: {}", polled.error().message);
                         else if (*polled > 0)
                           spdlog::info("feed polling: {} feeds polled", *polled);
                       });
  server.run();
  return 0;
}

}  // namespace heat::cli
