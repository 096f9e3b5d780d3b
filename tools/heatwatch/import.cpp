// heatwatch import: a court calendar file (iCalendar or CSV) into a feed, through the same
// import path as POST /api/v1/feeds/{id}/import (adapters/feed_import.hpp): one
// transaction, the report printed as JSON. Progress goes to standard error.
#include "adapters/feed_import.hpp"
#include "api/auth/auth_service.hpp"
#include "db/court_event_store.hpp"
#include "db/pool.hpp"
#include "tools/heatwatch/cli.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

namespace heat::cli {

int import_feed(int argc, char** argv) {
  const std::string usage =
      "usage: heatwatch import --db URL --feed NAME [--mode snapshot|incremental] [--kind ical|csv --unit UNIT] FILE\n"
      "  Imports FILE into the feed NAME and prints the report (created, updated, cancelled, unchanged,\n"
      "  unmatched, rejected) as JSON. With --kind, a feed that does not exist yet is created (in --unit,\n"
      "  default ht). Exit 0 on success, 1 when the file cannot be read or imported, 2 on a usage error.";
  po::options_description desc("heatwatch import options");
  add_common_options(desc);
  desc.add_options()("feed", po::value<std::string>()->default_value(""), "the feed's name")(
      "mode", po::value<std::string>()->default_value(""),
      "snapshot (the file is the whole calendar: missing future hearings are cancelled) or incremental; default: "
      "the feed's")("kind", po::value<std::string>()->default_value(""),
                    "ical|csv: create the feed with this kind when it does not exist")(
      "unit", po::value<std::string>()->default_value("ht"), "the unit of a feed created with --kind")(
      "file", po::value<std::string>()->default_value(""), "the calendar file (also the one positional argument)");
  // FILE may come as the one positional argument: rewrite it as --file so the shared parser
  // (flags, then HEATWATCH_* variables) reads everything. Every option here takes a value.
  std::vector<std::string> args{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("-", 0) == 0) {
      args.push_back(a);
      const bool has_value = a.find('=') == std::string::npos && a != "--help" && a != "-h";
      if (has_value && i + 1 < argc) args.emplace_back(argv[++i]);
    } else {
      args.emplace_back("--file");
      args.push_back(a);
    }
  }
  std::vector<char*> ptrs;
  for (auto& a : args) ptrs.push_back(a.data());
  int code = 0;
  auto parsed = parse(static_cast<int>(ptrs.size()), ptrs.data(), desc, usage, code);
  if (!parsed) return code;
  const po::variables_map& opts = *parsed;
  setup_logging(opts);
  const std::string feed_name = opts["feed"].as<std::string>();
  const std::string file = opts["file"].as<std::string>();
  if (feed_name.empty() || file.empty()) {
    std::cerr << "heatwatch import: --feed and FILE are required\n" << usage << "\n";
    return 2;
  }
  std::optional<ImportMode> mode;
  if (const auto& m = opts["mode"].as<std::string>(); !m.empty()) {
    auto parsed_mode = parse_import_mode(m);
    if (!parsed_mode) {
      std::cerr << "heatwatch import: --mode takes snapshot or incremental\n";
      return 2;
    }
    mode = *parsed_mode;
  }
  std::optional<FeedKind> kind;
  if (const auto& k = opts["kind"].as<std::string>(); !k.empty()) {
    auto parsed_kind = parse_feed_kind(k);
    if (!parsed_kind) {
      std::cerr << "heatwatch import: --kind takes ical or csv\n";
      return 2;
    }
    kind = *parsed_kind;
  }

  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "heatwatch import: cannot open " << file << "\n";
    return 1;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  if (bytes.size() > adapters::kMaxFeedBytes) {
    std::cerr << "heatwatch import: " << file << " is larger than 64 MiB\n";
    return 1;
  }
  std::cerr << "heatwatch import: read " << file << " (" << bytes.size() << " bytes)\n";

  auto url = database_url(opts);
  if (!url) return 2;
  auto pool = db::Pool::open(*url, 1);
  if (!pool) {
    std::cerr << "heatwatch import: cannot connect to the database: " << pool.error().message << "\n";
    return 1;
  }
  auto clock = make_clock();
  db::PgCourtEventStore store(**pool);
  AuditEntry audit = auth::audit_entry(clock->now(), nullptr, "feed.import", "feed", "", "success", "local");
  const char* login = getlogin();
  audit.actor_username = std::string("cli:") + (login != nullptr ? login : std::to_string(getuid()));

  auto feed = store.find_feed(feed_name);
  if (!feed) {
    std::cerr << "heatwatch import: " << feed.error().message << "\n";
    return 1;
  }
  if (!*feed) {
    if (!kind) {
      std::cerr << "heatwatch import: no feed named '" << feed_name
                << "' (create it with POST /api/v1/feeds, or pass --kind ical|csv to create it here)\n";
      return 1;
    }
    NewFeed nf;
    nf.name = feed_name;
    nf.kind = *kind;
    nf.unit = opts["unit"].as<std::string>();
    AuditEntry create = audit;
    create.action = "feed.create";
    auto made = store.create_feed(nf, create, nullptr);
    if (!made) {
      std::cerr << "heatwatch import: cannot create the feed: " << made.error().message << "\n";
      return 1;
    }
    std::cerr << "heatwatch import: created feed '" << feed_name << "' (" << to_string(*kind) << ", unit "
              << nf.unit << ")\n";
    *feed = std::move(*made);
  }
  std::cerr << "heatwatch import: parsing as " << to_string((*feed)->kind) << "...\n";
  const auto t0 = std::chrono::steady_clock::now();
  adapters::ImportOptions options;
  options.mode = mode;
  options.origin = ImportOrigin::cli;
  auto batch = adapters::parse_feed_file(**feed, bytes, audit.at, options);
  if (!batch) {
    std::cerr << "heatwatch import: " << file << " cannot be read as " << to_string((*feed)->kind) << ": "
              << batch.error().message;
    for (const auto& f : batch.error().fields) std::cerr << " (" << f.field << ": " << f.message << ")";
    std::cerr << "\n";
    return 1;
  }
  std::cerr << "heatwatch import: " << batch->records.size() << " hearings, " << batch->rejected.size()
            << " rejected records; importing (" << to_string(batch->mode) << ")...\n";
  auto report = store.import(*batch, audit);
  if (!report) {
    std::cerr << "heatwatch import: the import failed and changed nothing: " << report.error().message << "\n";
    return 1;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  std::cerr << "heatwatch import: done in " << ms.count() << " ms\n";
  std::cout << to_json_text(*report) << "\n";
  return 0;
}

}  // namespace heat::cli
