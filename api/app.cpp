#include "api/app.hpp"

#include "api/operational_routes.hpp"

namespace heat::api {

void add_identity_routes(Router& router, AppServices& services);
void add_case_routes(Router& router, AppServices& services);
void add_deadline_routes(Router& router, AppServices& services);
void add_victim_routes(Router& router, AppServices& services);
void add_evidence_routes(Router& router, AppServices& services);
void add_calendar_routes(Router& router, AppServices& services);
void add_feed_poll_routes(Router& router, AppServices& services);
void add_court_event_routes(Router& router, AppServices& services);
void add_metrics_routes(Router& router, AppServices& services);

void build_routes(Router& router, AppServices& services) {
  add_operational_routes(router, *services.metrics, *services.health);
  add_identity_routes(router, services);
  add_case_routes(router, services);
  add_deadline_routes(router, services);
  add_victim_routes(router, services);
  add_evidence_routes(router, services);
  add_calendar_routes(router, services);
  add_feed_poll_routes(router, services);
  add_court_event_routes(router, services);
  add_metrics_routes(router, services);
}

}  // namespace heat::api
