// heatwatch evidence verify|hash, and the redaction check's identity source for serve.
#include "tools/heatwatch/evidence.hpp"

#include "db/evidence_store.hpp"
#include "db/victim_store.hpp"
#include "tools/heatwatch/cli.hpp"
#include "workflows/evidence_item.hpp"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>

namespace heat::cli {
namespace {

std::unique_ptr<db::Pool> open_one(const po::variables_map& vm) {
  auto url = database_url(vm);
  if (!url) return nullptr;
  auto pool = db::Pool::open(*url, 1);
  if (!pool) {
    spdlog::error("cannot connect to the database: {}", pool.error().message);
    return nullptr;
  }
  return std::move(*pool);
}

int verify(int argc, char** argv) {
  const std::string usage = "usage: heatwatch evidence verify --db URL [--item ID]";
  po::options_description desc("heatwatch evidence verify options");
  desc.add_options()("item", po::value<std::string>()->default_value(""), "verify only this item's chain");
  add_common_options(desc);
  int code = 0;
  auto vm = parse(argc, argv, desc, usage, code);
  if (!vm) return code;
  setup_logging(*vm);
  auto pool = open_one(*vm);
  if (!pool) return 1;
  db::PgEvidenceStore store(*pool);
  const std::string item = (*vm)["item"].as<std::string>();
  std::vector<std::pair<std::string, ChainVerification>> results;
  if (!item.empty()) {
    auto found = store.get_item(item);
    if (!found || !*found) {
      std::cerr << "heatwatch: no such evidence item: " << item << "\n";
      return 1;
    }
    auto v = store.verify(item);
    if (!v) {
      std::cerr << "heatwatch: " << v.error().message << "\n";
      return 1;
    }
    results.emplace_back(item, *v);
  } else {
    auto all = store.verify_all();
    if (!all) {
      std::cerr << "heatwatch: " << all.error().message << "\n";
      return 1;
    }
    results = std::move(*all);
  }
  std::int64_t events = 0;
  for (const auto& [id, v] : results) {
    events += v.checked;
    if (!v.valid) {
      std::cout << "custody chain BROKEN: item " << id << " at event " << v.broken_at.value_or("(none left)") << "\n";
      return 3;
    }
  }
  std::cout << "custody chains valid: " << results.size() << " items, " << events << " events\n";
  return 0;
}

// Streams the file through SHA-256 (any size, 1 MiB at a time).
int hash(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << "usage: heatwatch evidence hash FILE   (prints the lowercase hex SHA-256 of the file's bytes)\n";
    return argc == 2 ? 0 : 2;
  }
  std::FILE* f = std::fopen(argv[1], "rb");
  if (f == nullptr) {
    std::cerr << "heatwatch: cannot open " << argv[1] << "\n";
    return 1;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<unsigned char> buffer(1 << 20);
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0) EVP_DigestUpdate(ctx, buffer.data(), n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  if (failed) {
    std::cerr << "heatwatch: read error on " << argv[1] << "\n";
    return 1;
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  std::cout << out << "  " << argv[1] << "\n";
  return 0;
}

}  // namespace

std::unique_ptr<VictimIdentitySource> make_victim_identity_source(db::Pool& pool, const FieldCipher& cipher) {
  return std::make_unique<db::PgSealedVictimIdentitySource>(pool, cipher);
}

Result<int> load_demo_evidence(EvidenceStore& store, const std::string& case_id, TimePoint start,
                               const AuditEntry& audit, bool disclose) {
  const Authorizer anyone = [](const RecordContext&) -> Status { return {}; };
  struct Demo {
    const char* label;
    const char* kind;
    const char* description;
    const char* source;
  };
  const Demo demos[] = {
      {"E-001", "device_extraction", "Extraction of a black Android phone (Cellebrite report)", "Search warrant, Motel room"},
      {"E-002", "online_ad", "Archived escort advertisement with posting history", "Subpoena return, classified site"},
  };
  std::vector<std::string> ids;
  for (const auto& d : demos) {
    NewEvidenceItem n;
    n.case_id = case_id;
    n.label = d.label;
    n.kind = d.kind;
    n.description = d.description;
    n.source = d.source;
    n.collected_by = "Det. R. Alvarez #4411";
    n.collected_at = start;
    n.location = "Oakland";
    n.storage_location = "Property room, shelf 12";
    n.recorded_by = audit.actor_username;
    auto item = store.create_item(n, anyone, audit, nullptr);
    if (!item) return item.error();
    ids.push_back(item->id);
    const std::pair<const char*, const char*> moves[] = {{"ACSO Crime Lab", "lab_analysis"},
                                                         {"Property room", "return"}};
    TimePoint at = start;
    for (const auto& [to, purpose] : moves) {
      at += std::chrono::days(3);
      EvidenceStatusDecider decide = [p = std::string(purpose)](const std::string& current) -> Result<std::string> {
        auto from = evidence::parse_item_status(current);
        if (!from) return from.error();
        auto to_status = evidence::parse_item_status(status_for_purpose(p).value_or(current));
        if (!to_status) return to_status.error();
        auto next = evidence::change_status(*from, *to_status);
        if (!next) return next.error();
        return std::string(evidence::to_string(*next));
      };
      auto moved = store.append_custody(item->id, {to, purpose, at, "Oakland", audit.actor_username}, decide, anyone,
                                        audit, nullptr);
      if (!moved) return moved.error();
    }
  }
  if (disclose) {
    NewDisclosure n;
    n.case_id = case_id;
    n.to_counsel = "Office of the Public Defender";
    n.at = start + std::chrono::days(20);
    n.method = "secure portal";
    n.bates = "PEO-000001-000250";
    n.item_ids = {ids.front()};
    n.created_by = audit.actor_id;
    auto made = store.record_disclosure(n, anyone, audit, nullptr);
    if (!made) return made.error();
  }
  return static_cast<int>(ids.size());
}

int evidence(int argc, char** argv) {
  const std::string usage =
      "usage: heatwatch evidence verify --db URL [--item ID]   check custody hash chains (exit 3 when broken)\n"
      "       heatwatch evidence hash FILE                     SHA-256 of a file, streamed";
  if (argc >= 2 && std::string(argv[1]) == "verify") return verify(argc - 1, argv + 1);
  if (argc >= 2 && std::string(argv[1]) == "hash") return hash(argc - 1, argv + 1);
  std::cout << usage << "\n";
  return argc >= 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") ? 0 : 2;
}

}  // namespace heat::cli
