// The application's routing table: every route of the API and the services behind it.
// tools/heatwatch builds AppServices from db/ implementations; tests may build the table
// with null services to inspect it (handlers are only called when a request arrives).
#pragma once

#include "api/auth/auth_service.hpp"
#include "api/metrics.hpp"
#include "api/router.hpp"
#include "engine/calendar_subscriptions.hpp"
#include "engine/cases.hpp"
#include "engine/deadlines.hpp"
#include "engine/evidence.hpp"
#include "engine/feed_polling.hpp"
#include "engine/clock.hpp"
#include "engine/court_events.hpp"
#include "engine/identity.hpp"
#include "engine/metrics_store.hpp"
#include "engine/ports.hpp"
#include "engine/victims.hpp"

namespace heat::api {

struct AppServices {
  HealthProbe* health = nullptr;
  Metrics* metrics = nullptr;
  const Clock* clock = nullptr;
  auth::AuthService* auth = nullptr;
  IdentityStore* identity = nullptr;
  AuditLog* audit = nullptr;
  CaseStore* cases = nullptr;
  DeadlineStore* deadlines = nullptr;
  VictimStore* victims = nullptr;
  NotificationStore* notifications = nullptr;
  EvidenceStore* evidence = nullptr;
  VictimIdentitySource* victim_identities = nullptr;  // the redaction check's identity values
  CalendarSubscriptionStore* calendar_subscriptions = nullptr;
  // scheme://host[:port] of links handed out (calendar URLs); empty: from the request's Host
  // header, with https when the server itself speaks TLS (tls).
  std::string public_base_url;
  bool tls = false;
  FeedPolling* feed_polling = nullptr;  // POST /api/v1/feeds/{id}/poll; the polling state on GET /api/v1/feeds/{id}
  CourtEventStore* court_events = nullptr;             // hearings, feeds, imports (issue 7)
  MetricsStore* metrics_store = nullptr;  // the dashboard's aggregates
};

// Registers every route. Each route (but the public ones) authenticates and asks the access
// policy (engine/access_policy.hpp) before its handler runs.
void build_routes(Router& router, AppServices& services);

}  // namespace heat::api
