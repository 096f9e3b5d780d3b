// Health, readiness and metrics routes: no authentication (bind /metrics to a private
// interface in production, API.md).
#pragma once

#include "api/metrics.hpp"
#include "api/router.hpp"
#include "engine/ports.hpp"

namespace heat::api {

// GET /healthz (process runs), GET /readyz (database answers), GET /metrics (Prometheus).
void add_operational_routes(Router& router, Metrics& metrics, HealthProbe& database);

}  // namespace heat::api
