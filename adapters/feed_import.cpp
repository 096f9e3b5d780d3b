#include "adapters/feed_import.hpp"

#include "adapters/csv_parser.hpp"
#include "adapters/ical_parser.hpp"

#include <boost/json.hpp>
#include <openssl/evp.h>

#include <cstdio>
#include <utility>
#include <vector>

namespace heat::adapters {
namespace {

namespace json = boost::json;

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  std::string out;
  out.reserve(len * 2);
  char hex[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

CourtEventKind kind_of(HearingKind k) {
  auto parsed = parse_court_event_kind(to_string(k));
  return parsed ? *parsed : CourtEventKind::other;
}

}  // namespace

Result<FeedMapping> mapping_from_json(std::string_view json_text) {
  if (json_text.empty()) return FeedMapping{};
  boost::system::error_code ec;
  json::value v = json::parse(json_text, ec);
  if (ec || !v.is_object()) return Error::invalid("mapping", "must be an object of field names to column or property names");
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& kv : v.as_object()) {
    if (!kv.value().is_string()) return Error::invalid("mapping." + std::string(kv.key()), "must be a string");
    fields.emplace_back(std::string(kv.key()), std::string(kv.value().as_string()));
  }
  return FeedMapping::from_fields(fields);
}

IncomingHearing to_incoming(const HearingRecord& r) {
  IncomingHearing h;
  h.source_uid = r.source_uid;
  h.uid = r.uid;
  h.recurrence_id = r.recurrence_id;
  h.sequence = r.sequence;
  h.docket = r.docket;
  h.normalized_docket = r.normalized_docket.empty() ? normalize_docket(r.docket) : r.normalized_docket;
  h.kind = kind_of(r.kind);
  h.kind_text = r.kind_text;
  h.starts_at = r.starts_at;
  h.ends_at = r.ends_at;
  h.all_day = r.all_day;
  h.department = r.department;
  h.judge = r.judge;
  h.cancelled = r.status == HearingStatus::cancelled;
  h.held = r.status == HearingStatus::held;
  h.cancel_reason = r.cancel_reason;
  h.note = r.note;
  h.line = r.line;
  return h;
}

Result<FeedImport> parse_feed_file(const Feed& feed, std::string_view bytes, TimePoint now,
                                   const ImportOptions& options) {
  auto mapping = mapping_from_json(feed.mapping_json);
  if (!mapping) return mapping.error();
  Result<ParseResult> parsed = Error::of(ErrorCode::internal, "not parsed");
  if (feed.kind == FeedKind::ical) {
    IcalOptions o;
    o.mapping = *mapping;
    TimeWindow window{now - options.past, now + options.future};
    parsed = parse_ical(bytes, window, o);
  } else {
    CsvOptions o;
    o.mapping = *mapping;
    parsed = parse_csv(bytes, o);
  }
  if (!parsed) return parsed.error();
  FeedImport batch;
  batch.feed_id = feed.id;
  batch.mode = options.mode.value_or(feed.mode);
  batch.origin = options.origin;
  batch.content_sha256 = sha256_hex(bytes);
  batch.bytes = bytes.size();
  if (parsed->method == "CANCEL" && batch.mode == ImportMode::snapshot) {
    batch.mode = ImportMode::incremental;
    batch.warnings.emplace_back("METHOD:CANCEL: imported as an incremental update (only what it cancels)");
  }
  batch.records.reserve(parsed->records.size());
  for (const auto& r : parsed->records) batch.records.push_back(to_incoming(r));
  for (const auto& r : parsed->rejections) batch.rejected.push_back({r.line, r.uid, r.reason});
  return batch;
}

Result<ImportReport> FeedImporter::import_file(const Feed& feed, std::string_view bytes, const ImportOptions& options,
                                               const AuditEntry& audit) {
  auto batch = parse_feed_file(feed, bytes, audit.at, options);
  if (!batch) return batch.error();
  return store_.import(*batch, audit);
}

}  // namespace heat::adapters
