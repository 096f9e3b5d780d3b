// The one import path for court calendar files (issue 7): bytes of an iCalendar or CSV feed
// are parsed by the feed's kind and mapping (adapters/ical_parser.hpp, csv_parser.hpp), the
// records converted to the engine's IncomingHearing, and handed to CourtEventStore::import,
// which reconciles and writes them in one transaction. Used by POST /api/v1/feeds/{id}/import,
// `heatwatch import` and feed polling.
//
// Thread-safe: FeedImporter holds only references to thread-safe services.
#pragma once

#include "adapters/court_feed.hpp"
#include "engine/court_events.hpp"
#include "engine/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace heat::adapters {

// A feed's mapping (Feed::mapping_json, a JSON object of strings) as a FeedMapping.
// invalid_argument ("mapping" or "mapping.<key>") for anything else.
[[nodiscard]] Result<FeedMapping> mapping_from_json(std::string_view json_text);

// The records of one parsed record, as the engine keeps them.
[[nodiscard]] IncomingHearing to_incoming(const HearingRecord& record);

struct ImportOptions {
  // nullopt: the feed's mode. A calendar with METHOD:CANCEL is always incremental (it carries
  // only what it cancels).
  std::optional<ImportMode> mode;
  ImportOrigin origin = ImportOrigin::upload;
  // Recurring iCalendar series are expanded from `now - past` to `now + future`.
  std::chrono::days past{366};
  std::chrono::days future{2 * 366};
};

// Parses `bytes` as the feed's kind. Errors (nothing is imported): payload_too_large above
// 64 MiB; invalid_argument for a file that cannot be read at all (not iCalendar / not CSV,
// no date column, a mapped column missing, a malformed mapping).
[[nodiscard]] Result<FeedImport> parse_feed_file(const Feed& feed, std::string_view bytes, TimePoint now,
                                                 const ImportOptions& options = {});

class FeedImporter {
 public:
  explicit FeedImporter(CourtEventStore& store) : store_(store) {}
  // parse_feed_file, then store.import in one transaction; audit.at is "now" (the snapshot
  // rule, the recurrence window). Errors: those of parse_feed_file and of the store.
  [[nodiscard]] Result<ImportReport> import_file(const Feed& feed, std::string_view bytes,
                                                 const ImportOptions& options, const AuditEntry& audit);

 private:
  CourtEventStore& store_;
};

}  // namespace heat::adapters
