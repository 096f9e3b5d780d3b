// heatwatch migrate: applies db/migrations in order; safe to run twice or concurrently.
#include "db/migrations.hpp"
#include "db/pool.hpp"
#include "tools/heatwatch/cli.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

namespace heat::cli {

int migrate(int argc, char** argv) {
  po::options_description desc("heatwatch migrate options");
  add_common_options(desc);
  int code = 0;
  auto vm = parse(argc, argv, desc, "usage: heatwatch migrate --db URL", code);
  if (!vm) return code;
  setup_logging(*vm);
  auto url = database_url(*vm);
  if (!url) return 2;
  auto pool = db::Pool::open(*url, 1);
  if (!pool) {
    spdlog::error("cannot connect to the database: {}", pool.error().message);
    return 1;
  }
  auto lease = (*pool)->acquire();
  if (!lease) {
    spdlog::error("{}", lease.error().message);
    return 1;
  }
  auto report = db::migrate(**lease, db::embedded_migrations());
  if (!report) {
    spdlog::error("migration failed: {}", report.error().message);
    return 1;
  }
  std::cout << "migrations: " << report->applied.size() << " applied, " << report->already_applied
            << " already applied\n";
  for (const auto& name : report->applied) std::cout << "  applied " << name << "\n";
  return 0;
}

}  // namespace heat::cli
