#include "db/feed_poll_store.hpp"

#include "db/audit_log.hpp"
#include "db/errors.hpp"
#include "db/identity_store.hpp"
#include "engine/cases.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

namespace heat::db {
namespace {

constexpr const char* kStateColumns =
    "id::text, COALESCE(url, ''), poll_interval_seconds, (extract(epoch FROM next_poll_at) * 1000000)::bigint,"
    " COALESCE(etag, ''), COALESCE(last_modified, ''), (extract(epoch FROM last_polled_at) * 1000000)::bigint,"
    " COALESCE(last_status, ''), COALESCE(last_error, ''), consecutive_failures, COALESCE(last_import_id::text, ''),"
    " CASE WHEN poll_claimed_until IS NOT NULL AND poll_claimed_until > to_timestamp(CAST(:now AS double precision)"
    " / 1000000) THEN 1 ELSE 0 END";

std::optional<PollStatus> parse_status(const std::string& s) {
  if (s == "ok") return PollStatus::ok;
  if (s == "not_modified") return PollStatus::not_modified;
  if (s == "failed") return PollStatus::failed;
  return std::nullopt;
}

FeedPollState read_state(const soci::row& r, bool* claimed = nullptr) {
  FeedPollState s;
  s.feed_id = r.get<std::string>(0);
  s.url = r.get<std::string>(1);
  s.poll_interval_seconds = r.get<int>(2);
  if (r.get_indicator(3) == soci::i_ok) s.next_poll_at = from_epoch_micros(r.get<long long>(3));
  s.etag = r.get<std::string>(4);
  s.last_modified = r.get<std::string>(5);
  if (r.get_indicator(6) == soci::i_ok) s.last_polled_at = from_epoch_micros(r.get<long long>(6));
  s.last_status = parse_status(r.get<std::string>(7));
  s.last_error = r.get<std::string>(8);
  s.consecutive_failures = r.get<int>(9);
  s.last_import_id = r.get<std::string>(10);
  if (claimed != nullptr) *claimed = r.get<int>(11) != 0;
  return s;
}

long long micros(std::chrono::seconds d) { return std::chrono::duration_cast<std::chrono::microseconds>(d).count(); }

}  // namespace

Result<std::vector<FeedPollState>> PgFeedPollStore::claim_due(TimePoint now, std::chrono::seconds lease, int limit) {
  return in_transaction(pool_, [&](soci::session& sql) -> Result<std::vector<FeedPollState>> {
    const long long now_us = to_epoch_micros(now);
    const long long now2_us = now_us;
    const long long now3_us = now_us;
    const long long until_us = now_us + micros(lease);
    std::vector<FeedPollState> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << std::string("UPDATE feeds SET poll_claimed_until = to_timestamp(CAST(:until AS double precision)"
                                    " / 1000000) WHERE id IN (SELECT id FROM feeds WHERE url IS NOT NULL AND url <> ''"
                                    " AND (next_poll_at IS NULL OR next_poll_at <= to_timestamp(CAST(:now2 AS double"
                                    " precision) / 1000000)) AND (poll_claimed_until IS NULL OR poll_claimed_until <="
                                    " to_timestamp(CAST(:now3 AS double precision) / 1000000))"
                                    " ORDER BY next_poll_at NULLS FIRST, id LIMIT :lim FOR UPDATE SKIP LOCKED)"
                                    " RETURNING ") +
                            kStateColumns,
         soci::use(until_us, "until"), soci::use(now2_us, "now2"), soci::use(now3_us, "now3"),
         soci::use(limit, "lim"), soci::use(now_us, "now"));
    for (const auto& r : rows) out.push_back(read_state(r));
    return out;
  });
}

Result<FeedPollState> PgFeedPollStore::claim(const std::string& feed_id, TimePoint now, std::chrono::seconds lease) {
  if (!is_uuid(feed_id)) return Error::of(ErrorCode::not_found, "no such feed");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<FeedPollState> {
    const long long now_us = to_epoch_micros(now);
    const long long until_us = now_us + micros(lease);
    std::optional<FeedPollState> state;
    bool claimed = false;
    {
      soci::rowset<soci::row> rows =
          (sql.prepare << std::string("SELECT ") + kStateColumns + " FROM feeds WHERE id = :id::uuid FOR UPDATE",
           soci::use(now_us, "now"), soci::use(feed_id, "id"));
      for (const auto& r : rows) state = read_state(r, &claimed);
    }
    if (!state) return Error::of(ErrorCode::not_found, "no such feed");
    if (state->url.empty()) return Error::of(ErrorCode::domain_rule, "the feed has no URL to poll");
    if (claimed) return Error::of(ErrorCode::conflict, "a poll of this feed is under way");
    sql << "UPDATE feeds SET poll_claimed_until = to_timestamp(CAST(:until AS double precision) / 1000000)"
           " WHERE id = :id::uuid",
        soci::use(until_us, "until"), soci::use(feed_id, "id");
    return *state;
  });
}

Result<FeedPollState> PgFeedPollStore::finish(const std::string& feed_id, const PollOutcome& outcome, TimePoint now,
                                              const AuditEntry& audit) {
  if (!is_uuid(feed_id)) return Error::of(ErrorCode::not_found, "no such feed");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<FeedPollState> {
    const long long now_us = to_epoch_micros(now);
    int interval = 0;
    int failures = 0;
    soci::indicator found = soci::i_null;
    sql << "SELECT poll_interval_seconds, consecutive_failures FROM feeds WHERE id = :id::uuid FOR UPDATE",
        soci::use(feed_id, "id"), soci::into(interval, found), soci::into(failures);
    if (found != soci::i_ok) return Error::of(ErrorCode::not_found, "no such feed");
    const bool failed = outcome.status == PollStatus::failed;
    const bool ok = outcome.status == PollStatus::ok;
    failures = failed ? failures + 1 : 0;
    const long long next_us = to_epoch_micros(next_poll_time(now, interval, outcome.status, failures));
    const std::string status = to_string(outcome.status);
    const std::string error = failed ? outcome.error.substr(0, 2000) : std::string();
    const int replace_validators = ok ? 1 : 0;
    const std::string etag = outcome.etag;
    const std::string last_modified = outcome.last_modified;
    const std::string import_id = ok && is_uuid(outcome.import_id) ? outcome.import_id : std::string();
    sql << "UPDATE feeds SET last_polled_at = to_timestamp(CAST(:now AS double precision) / 1000000),"
           " last_status = :status, last_error = NULLIF(:error, ''), consecutive_failures = :failures,"
           " next_poll_at = to_timestamp(CAST(:next AS double precision) / 1000000), poll_claimed_until = NULL,"
           " etag = CASE WHEN CAST(:rv AS integer) = 1 THEN NULLIF(:etag, '') ELSE etag END,"
           " last_modified = CASE WHEN CAST(:rv2 AS integer) = 1 THEN NULLIF(:lm, '') ELSE last_modified END,"
           " last_import_id = COALESCE(NULLIF(:imp, '')::uuid, last_import_id)"
           " WHERE id = :id::uuid",
        soci::use(now_us, "now"), soci::use(status, "status"), soci::use(error, "error"),
        soci::use(failures, "failures"), soci::use(next_us, "next"), soci::use(replace_validators, "rv"),
        soci::use(etag, "etag"), soci::use(replace_validators, "rv2"), soci::use(last_modified, "lm"),
        soci::use(import_id, "imp"), soci::use(feed_id, "id");
    AuditEntry a = audit;
    a.action = "feed.poll";
    a.entity = "feed";
    a.entity_id = feed_id;
    a.outcome = failed ? "failed" : "success";
    boost::json::object details{{"status", status}, {"consecutive_failures", failures}};
    if (failed) details["error"] = error;
    if (!import_id.empty()) details["import_id"] = import_id;
    a.details = boost::json::serialize(details);
    append_audit(sql, a);
    soci::rowset<soci::row> rows =
        (sql.prepare << std::string("SELECT ") + kStateColumns + " FROM feeds WHERE id = :id::uuid",
         soci::use(now_us, "now"), soci::use(feed_id, "id"));
    for (const auto& r : rows) return read_state(r);
    return Error::of(ErrorCode::not_found, "no such feed");
  });
}

Result<std::optional<FeedPollState>> PgFeedPollStore::state(const std::string& feed_id) {
  if (!is_uuid(feed_id)) return std::optional<FeedPollState>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    const long long now_us = 0;
    soci::rowset<soci::row> rows =
        ((**lease).prepare << std::string("SELECT ") + kStateColumns + " FROM feeds WHERE id = :id::uuid",
         soci::use(now_us, "now"), soci::use(feed_id, "id"));
    for (const auto& r : rows) return std::optional<FeedPollState>(read_state(r));
    return std::optional<FeedPollState>();
  } catch (...) {
    return current_exception_to_error();
  }
}

}  // namespace heat::db
