#include "db/court_event_store.hpp"

#include "db/audit_log.hpp"
#include "db/json_text.hpp"
#include "db/idempotency.hpp"
#include "db/deadline_store.hpp"
#include "db/errors.hpp"
#include "db/identity_store.hpp"
#include "db/native.hpp"
#include "engine/deadline_rules.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace heat::db {
namespace {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------
// SQL

#define HEAT_MICROS(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

constexpr const char* kEventSelect =
    "SELECT e.id::text, e.case_id::text, COALESCE(e.prosecution_id::text, ''), e.kind, " HEAT_MICROS("e.starts_at")
    ", " HEAT_MICROS("e.ends_at") ", e.all_day::int, e.department, e.judge, e.status, e.result, e.cancel_reason,"
    " e.source, COALESCE(e.feed_id::text, ''), e.source_key, e.source_sequence, e.docket, e.sequence, " HEAT_MICROS(
        "e.original_starts_at") ", " HEAT_MICROS("e.cancelled_at") ", " HEAT_MICROS("e.created_at") ", " HEAT_MICROS(
        "e.updated_at") ", e.version, c.unit, COALESCE(c.lead_dda_id::text, ''),"
    " COALESCE((SELECT json_agg(a.user_id::text ORDER BY a.user_id) FROM case_assignments a"
    " WHERE a.case_id = c.id)::text, '[]'),"
    " COALESCE((SELECT json_agg(DISTINCT v.advocate_id::text) FROM victim_links l JOIN victims v ON v.id = l.victim_id"
    " JOIN prosecutions p ON p.id = l.prosecution_id WHERE p.case_id = c.id AND v.advocate_id IS NOT NULL)::text, '[]')"
    " FROM court_events e JOIN cases c ON c.id = e.case_id";

constexpr const char* kCaseContextSql =
    "SELECT c.unit, COALESCE(c.lead_dda_id::text, ''),"
    " COALESCE((SELECT json_agg(a.user_id::text ORDER BY a.user_id) FROM case_assignments a"
    " WHERE a.case_id = c.id)::text, '[]'),"
    " COALESCE((SELECT json_agg(DISTINCT v.advocate_id::text) FROM victim_links l JOIN victims v ON v.id = l.victim_id"
    " JOIN prosecutions p ON p.id = l.prosecution_id WHERE p.case_id = c.id AND v.advocate_id IS NOT NULL)::text, '[]')"
    " FROM cases c WHERE c.id = :id::uuid";

constexpr const char* kHistorySql =
    "SELECT event_id::text, sequence, change, " HEAT_MICROS("old_starts_at") ", " HEAT_MICROS(
        "new_starts_at") ", reason, " HEAT_MICROS("at") ", COALESCE(by::text, '') FROM court_event_changes"
    " WHERE event_id = ANY(CAST(:ids AS uuid[])) ORDER BY event_id, sequence";

constexpr const char* kFeedSelect =
    "SELECT id::text, name, kind, unit, COALESCE(url, ''), mapping::text, mode, COALESCE(created_by::text, ''), " HEAT_MICROS(
        "created_at") ", " HEAT_MICROS("updated_at") ", version FROM feeds";

constexpr const char* kStoredHearingsSql =
    "SELECT id::text, case_id::text, source_key, source_sequence, kind, " HEAT_MICROS("starts_at") ", " HEAT_MICROS(
        "ends_at") ", all_day::int, department, judge, docket, status, cancel_reason FROM court_events"
    " WHERE feed_id = :f::uuid";

constexpr const char* kCreateChangesSql =
    "CREATE TEMP TABLE heat_changes (n integer PRIMARY KEY, op text NOT NULL, id uuid, case_id uuid NOT NULL,"
    " prosecution_id uuid, kind text NOT NULL, starts_at timestamptz NOT NULL, ends_at timestamptz,"
    " all_day boolean NOT NULL, department text NOT NULL, judge text NOT NULL, docket text NOT NULL,"
    " status text NOT NULL, cancel_reason text NOT NULL, source_key text NOT NULL, source_sequence integer NOT NULL,"
    " original_starts_at timestamptz NOT NULL, change text NOT NULL, old_starts_at timestamptz, reason text NOT NULL,"
    " details text NOT NULL, notify text NOT NULL, recompute boolean NOT NULL) ON COMMIT DROP";
constexpr const char* kCopyChangesSql =
    "COPY heat_changes (n, op, id, case_id, prosecution_id, kind, starts_at, ends_at, all_day, department, judge,"
    " docket, status, cancel_reason, source_key, source_sequence, original_starts_at, change, old_starts_at, reason,"
    " details, notify, recompute) FROM STDIN";
constexpr const char* kInsertEventsSql =
    "INSERT INTO court_events (id, case_id, prosecution_id, kind, starts_at, ends_at, all_day, department, judge,"
    " status, cancel_reason, source, feed_id, source_key, source_sequence, docket, sequence, original_starts_at,"
    " cancelled_at, created_by, created_at, updated_at)"
    " SELECT t.id, t.case_id, t.prosecution_id, t.kind, t.starts_at, t.ends_at, t.all_day, t.department, t.judge,"
    " t.status, t.cancel_reason, CASE WHEN :feed = '' THEN 'manual' ELSE 'feed' END, NULLIF(:feed2, '')::uuid,"
    " CASE WHEN :feed3 = '' THEN 'manual:' || t.id::text ELSE t.source_key END, t.source_sequence, t.docket, 0,"
    " t.original_starts_at, CASE WHEN t.status = 'cancelled' THEN CAST(:now AS timestamptz) END,"
    " NULLIF(:by, '')::uuid, CAST(:now2 AS timestamptz), CAST(:now3 AS timestamptz)"
    " FROM heat_changes t WHERE t.op = 'create' ORDER BY t.n";
constexpr const char* kUpdateEventsSql =
    "UPDATE court_events e SET kind = t.kind, starts_at = t.starts_at, ends_at = t.ends_at, all_day = t.all_day,"
    " department = t.department, judge = t.judge, docket = t.docket, status = t.status,"
    " cancel_reason = t.cancel_reason, source_key = t.source_key, source_sequence = t.source_sequence,"
    " cancelled_at = CASE WHEN t.status = 'cancelled' THEN COALESCE(e.cancelled_at, CAST(:now AS timestamptz)) END,"
    " sequence = e.sequence + 1, version = e.version + 1, updated_at = CAST(:now2 AS timestamptz)"
    " FROM heat_changes t WHERE t.op = 'update' AND e.id = t.id";
constexpr const char* kInsertHistorySql =
    "INSERT INTO court_event_changes (event_id, sequence, change, old_starts_at, new_starts_at, reason, details,"
    " import_id, at, by) SELECT t.id, e.sequence, t.change, t.old_starts_at, t.starts_at, t.reason,"
    " CAST(t.details AS jsonb), NULLIF(:imp, '')::uuid, CAST(:now AS timestamptz), NULLIF(:by, '')::uuid"
    " FROM heat_changes t JOIN court_events e ON e.id = t.id ORDER BY t.n";
constexpr const char* kSupersedeSql =
    "UPDATE deadlines d SET status = 'superseded', resolved_on = CAST(:today AS date),"
    " note = 'superseded: hearing ' || t.change || ' (' || t.reason || ')',"
    " updated_at = CAST(:now AS timestamptz) FROM heat_changes t"
    " WHERE t.op = 'update' AND t.recompute AND d.court_event_id = t.id AND d.status IN ('open', 'tolled')";
constexpr const char* kProsecutionFactsSql =
    "SELECT p.id::text, p.case_id::text, p.stage, (EXISTS (SELECT 1 FROM victim_rights r WHERE r.prosecution_id = p.id"
    " AND r.kind = 'notice_requested'))::int FROM prosecutions p WHERE p.case_id = ANY(CAST(:ids AS uuid[]))"
    " ORDER BY p.created_at, p.id";
constexpr const char* kCreateDeadlinesSql =
    "CREATE TEMP TABLE heat_deadlines (n integer NOT NULL, prosecution_id uuid NOT NULL, rule_id text NOT NULL,"
    " citation text NOT NULL, count_unit text NOT NULL, trigger_date date NOT NULL, due_date date NOT NULL,"
    " due_at timestamptz, note text NOT NULL) ON COMMIT DROP";
constexpr const char* kInsertDeadlinesSql =
    "INSERT INTO deadlines (prosecution_id, rule_id, citation, count_unit, trigger, trigger_date, due_date, due_at,"
    " status, note, created_at, updated_at, court_event_id) SELECT d.prosecution_id, d.rule_id, d.citation,"
    " d.count_unit, 'hearing', d.trigger_date, d.due_date, d.due_at, 'open', d.note, CAST(:now AS timestamptz),"
    " CAST(:now2 AS timestamptz), t.id FROM heat_deadlines d JOIN heat_changes t ON t.n = d.n ORDER BY d.n";
// One notification per change per recipient: the linked victims' advocates (of the hearing's
// prosecution, or of every prosecution of the case) and the case's DDAs, but not the person
// who made the change. The dedupe key names the change (hearing, sequence after it).
constexpr const char* kNotifySql =
    "INSERT INTO notifications (user_id, kind, subject_id, dedupe_key, payload, created_at)"
    " SELECT r.user_id, t.notify, t.id::text, 'hearing:' || t.id::text || ':' || e.sequence::text,"
    " json_build_object('event_id', e.id, 'case_id', e.case_id, 'prosecution_id', e.prosecution_id, 'kind', e.kind,"
    " 'starts_at', e.starts_at, 'old_starts_at', t.old_starts_at, 'status', e.status, 'department', e.department,"
    " 'change', t.change, 'reason', t.reason, 'sequence', e.sequence)::text, CAST(:now AS timestamptz)"
    " FROM heat_changes t JOIN court_events e ON e.id = t.id JOIN LATERAL ("
    " SELECT c.lead_dda_id AS user_id FROM cases c WHERE c.id = e.case_id AND c.lead_dda_id IS NOT NULL"
    " UNION SELECT a.user_id FROM case_assignments a WHERE a.case_id = e.case_id"
    " UNION SELECT v.advocate_id FROM victim_links l JOIN victims v ON v.id = l.victim_id"
    " JOIN prosecutions p ON p.id = l.prosecution_id WHERE p.case_id = e.case_id"
    " AND (e.prosecution_id IS NULL OR p.id = e.prosecution_id) AND v.advocate_id IS NOT NULL) r ON true"
    " WHERE t.notify <> '' AND r.user_id IS DISTINCT FROM NULLIF(:by, '')::uuid"
    " ON CONFLICT (user_id, dedupe_key) DO NOTHING";
constexpr const char* kCreateUnmatchedSql =
    "CREATE TEMP TABLE heat_unmatched (source_key text NOT NULL, docket text NOT NULL, normalized_docket text NOT NULL,"
    " record text NOT NULL, line integer, uid text) ON COMMIT DROP";
constexpr const char* kUpsertUnmatchedSql =
    "INSERT INTO feed_unmatched (feed_id, source_key, docket, normalized_docket, record, line, uid, first_seen,"
    " last_seen) SELECT CAST(:f AS uuid), u.source_key, u.docket, u.normalized_docket, CAST(u.record AS jsonb), u.line,"
    " u.uid, CAST(:now AS timestamptz), CAST(:now2 AS timestamptz) FROM heat_unmatched u"
    " ON CONFLICT (feed_id, source_key) DO UPDATE SET docket = EXCLUDED.docket,"
    " normalized_docket = EXCLUDED.normalized_docket, record = EXCLUDED.record, line = EXCLUDED.line,"
    " uid = EXCLUDED.uid, last_seen = EXCLUDED.last_seen, resolved_at = NULL, resolved_case_id = NULL,"
    " resolved_by = NULL";
constexpr const char* kResolveCreatedSql =
    "UPDATE feed_unmatched u SET resolved_at = CAST(:now AS timestamptz), resolved_case_id = t.case_id"
    " FROM heat_changes t WHERE u.feed_id = CAST(:f AS uuid) AND u.resolved_at IS NULL AND t.op = 'create'"
    " AND u.source_key = t.source_key";
constexpr const char* kInsertImportSql =
    "INSERT INTO feed_imports (id, feed_id, origin, mode, content_sha256, bytes, records, created, updated, cancelled,"
    " unchanged, unmatched, rejected, report, by, at) VALUES (CAST(:id AS uuid), CAST(:f AS uuid), :origin, :mode,"
    " :sha, CAST(:bytes AS bigint), :records, :created, :updated, :cancelled, :unchanged, :unmatched, :rejected,"
    " CAST(:report AS jsonb), NULLIF(:by, '')::uuid, CAST(:now AS timestamptz))";

// ---------------------------------------------------------------------------------------
// Values

std::string ts(TimePoint t) { return format_utc_micros(t); }
std::optional<std::string> ts(const std::optional<TimePoint>& t) {
  return t ? std::optional<std::string>(format_utc_micros(*t)) : std::nullopt;
}
std::string actor_of(const AuditEntry& a) { return is_uuid(a.actor_id) ? a.actor_id : std::string(); }

std::optional<TimePoint> micros(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) != soci::i_ok) return std::nullopt;
  return from_epoch_micros(r.get<long long>(i));
}

CourtEvent read_event(const soci::row& r) {
  CourtEvent e;
  e.id = r.get<std::string>(0);
  e.case_id = r.get<std::string>(1);
  e.prosecution_id = r.get<std::string>(2);
  e.kind = parse_court_event_kind(r.get<std::string>(3)).value();
  e.starts_at = *micros(r, 4);
  e.ends_at = micros(r, 5);
  e.all_day = r.get<int>(6) != 0;
  e.department = r.get<std::string>(7);
  e.judge = r.get<std::string>(8);
  e.status = parse_court_event_status(r.get<std::string>(9)).value();
  e.result = r.get<std::string>(10);
  e.cancel_reason = r.get<std::string>(11);
  e.source = r.get<std::string>(12);
  e.feed_id = r.get<std::string>(13);
  e.source_key = r.get<std::string>(14);
  e.source_sequence = r.get<int>(15);
  e.docket = r.get<std::string>(16);
  e.sequence = r.get<int>(17);
  e.original_starts_at = *micros(r, 18);
  e.cancelled_at = micros(r, 19);
  e.created_at = *micros(r, 20);
  e.updated_at = *micros(r, 21);
  e.version = r.get<int>(22);
  e.access.unit = r.get<std::string>(23);
  e.access.lead_dda_id = r.get<std::string>(24);
  e.access.assigned_dda_ids = string_array(r.get<std::string>(25));
  e.access.advocate_ids = string_array(r.get<std::string>(26));
  return e;
}

// Fills each event's history (one query for all of them).
void load_history(soci::session& sql, std::vector<CourtEvent>& events) {
  if (events.empty()) return;
  std::vector<std::string> ids;
  for (const auto& e : events) ids.push_back(e.id);
  const std::string array = pg_array(ids);
  std::map<std::string, std::vector<CourtEventChange>> by_event;
  soci::rowset<soci::row> rows = (sql.prepare << kHistorySql, soci::use(array, "ids"));
  for (const auto& r : rows) {
    CourtEventChange c;
    c.sequence = r.get<int>(1);
    c.change = parse_court_event_change(r.get<std::string>(2)).value();
    c.old_starts_at = micros(r, 3);
    c.new_starts_at = micros(r, 4);
    c.reason = r.get<std::string>(5);
    c.at = *micros(r, 6);
    c.by = r.get<std::string>(7);
    by_event[r.get<std::string>(0)].push_back(std::move(c));
  }
  for (auto& e : events) e.history = std::move(by_event[e.id]);
}

std::optional<CourtEvent> load_event(soci::session& sql, const std::string& id) {
  std::vector<CourtEvent> out;
  soci::rowset<soci::row> rows = (sql.prepare << std::string(kEventSelect) + " WHERE e.id = :id::uuid", soci::use(id, "id"));
  for (const auto& r : rows) out.push_back(read_event(r));
  if (out.empty()) return std::nullopt;
  load_history(sql, out);
  return std::move(out.front());
}

std::optional<RecordContext> load_case_context(soci::session& sql, const std::string& case_id) {
  soci::rowset<soci::row> rows = (sql.prepare << kCaseContextSql, soci::use(case_id, "id"));
  for (const auto& r : rows) {
    RecordContext c;
    c.unit = r.get<std::string>(0);
    c.lead_dda_id = r.get<std::string>(1);
    c.assigned_dda_ids = string_array(r.get<std::string>(2));
    c.advocate_ids = string_array(r.get<std::string>(3));
    return c;
  }
  return std::nullopt;
}

Feed read_feed(const soci::row& r) {
  Feed f;
  f.id = r.get<std::string>(0);
  f.name = r.get<std::string>(1);
  f.kind = parse_feed_kind(r.get<std::string>(2)).value();
  f.unit = r.get<std::string>(3);
  f.url = r.get<std::string>(4);
  f.mapping_json = r.get<std::string>(5);
  f.mode = parse_import_mode(r.get<std::string>(6)).value();
  f.created_by = r.get<std::string>(7);
  f.created_at = *micros(r, 8);
  f.updated_at = *micros(r, 9);
  f.version = r.get<int>(10);
  return f;
}

std::optional<Feed> load_feed(soci::session& sql, const std::string& where, const std::string& value) {
  soci::rowset<soci::row> rows = (sql.prepare << std::string(kFeedSelect) + " WHERE " + where, soci::use(value, "v"));
  for (const auto& r : rows) return read_feed(r);
  return std::nullopt;
}

std::string new_uuid(soci::session& sql) {
  std::string id;
  sql << "SELECT gen_random_uuid()::text", soci::into(id);
  return id;
}

void exec(soci::session& sql, const char* statement) { sql << statement; }

// Text made storable (valid UTF-8, no NUL, bounded).
IncomingHearing cleaned(const IncomingHearing& in) {
  IncomingHearing h = in;
  h.source_uid = clean_text(h.source_uid, 500);
  h.uid = clean_text(h.uid, 500);
  h.docket = clean_text(h.docket, 100);
  h.normalized_docket = normalize_docket(h.docket.empty() ? in.normalized_docket : h.docket);
  if (h.normalized_docket.size() > 100) h.normalized_docket.resize(100);
  h.kind_text = clean_text(h.kind_text, 200);
  h.department = clean_text(h.department, 200);
  h.judge = clean_text(h.judge, 200);
  h.cancel_reason = clean_text(h.cancel_reason, 500);
  h.note = clean_text(h.note, 200);
  return h;
}

// ---------------------------------------------------------------------------------------
// The writer shared by imports, hand matches and manual hearings

struct WriteScope {
  std::string feed_id;         // "" for a manual hearing
  std::string prosecution_id;  // manual only: the hearing's prosecution
  std::string import_id;
  TimePoint now{};
  std::string actor;
};

// Writes the planned changes: hearings, history, deadlines, notifications. Returns the ids of
// the created hearings, in plan order.
std::vector<std::string> write_changes(soci::session& sql, const std::vector<PlannedChange>& changes,
                                       const WriteScope& w) {
  std::vector<std::string> created;
  if (changes.empty()) return created;
  const std::string now = ts(w.now);
  const std::string today = format_date(CourtCalendar::local_date(w.now).value());
  exec(sql, kCreateChangesSql);
  {
    CopyIn copy(sql, kCopyChangesSql);
    for (std::size_t n = 0; n < changes.size(); ++n) {
      const PlannedChange& c = changes[n];
      const HearingState& a = c.after;
      json::object details{{"action", to_string(c.action)}};
      if (!c.changed_fields.empty()) {
        json::array fields;
        for (const auto& f : c.changed_fields) fields.emplace_back(f);
        details["fields"] = std::move(fields);
      }
      // No alert for a hearing entirely in the past (an old calendar imported late).
      const TimePoint latest = std::max(a.starts_at, c.old_starts_at.value_or(a.starts_at));
      const std::string notify = latest >= w.now ? notification_kind(c) : "";
      const bool create = c.action == PlanAction::create;
      copy.row({std::to_string(n), std::string(create ? "create" : "update"),
                create ? std::nullopt : std::optional<std::string>(c.event_id), c.case_id,
                w.prosecution_id.empty() ? std::nullopt : std::optional<std::string>(w.prosecution_id),
                std::string(to_string(a.kind)), ts(a.starts_at), ts(a.ends_at), std::string(a.all_day ? "t" : "f"),
                a.department, a.judge, a.docket, std::string(to_string(a.status)), a.cancel_reason, a.source_key,
                std::to_string(a.source_sequence), ts(create ? a.original_starts_at : a.starts_at),
                std::string(to_string(c.change)), ts(c.old_starts_at), c.reason, json::serialize(details), notify,
                std::string(c.moves_deadlines() ? "t" : "f")});
    }
    copy.finish();
  }
  exec(sql, "UPDATE heat_changes SET id = gen_random_uuid() WHERE id IS NULL");
  sql << kInsertEventsSql, soci::use(w.feed_id, "feed"), soci::use(w.feed_id, "feed2"), soci::use(w.feed_id, "feed3"),
      soci::use(now, "now"), soci::use(w.actor, "by"), soci::use(now, "now2"), soci::use(now, "now3");
  sql << kUpdateEventsSql, soci::use(now, "now"), soci::use(now, "now2");
  sql << kInsertHistorySql, soci::use(w.import_id, "imp"), soci::use(now, "now"), soci::use(w.actor, "by");
  sql << kSupersedeSql, soci::use(today, "today"), soci::use(now, "now");

  // New deadlines for every hearing that was created or moved, is on, and lies ahead.
  std::vector<std::string> case_ids;
  for (const auto& c : changes)
    if (c.moves_deadlines() && c.after.status != CourtEventStatus::cancelled && c.after.starts_at >= w.now)
      case_ids.push_back(c.case_id);
  std::sort(case_ids.begin(), case_ids.end());
  case_ids.erase(std::unique(case_ids.begin(), case_ids.end()), case_ids.end());
  if (!case_ids.empty()) {
    struct Facts {
      std::string id;
      HearingFacts facts;
    };
    std::map<std::string, std::vector<Facts>> by_case;
    {
      const std::string array = pg_array(case_ids);
      soci::rowset<soci::row> rows = (sql.prepare << kProsecutionFactsSql, soci::use(array, "ids"));
      for (const auto& r : rows) {
        Facts f;
        f.id = r.get<std::string>(0);
        f.facts.stage = parse_stage(r.get<std::string>(2)).value();
        f.facts.victim_requested_notice = r.get<int>(3) != 0;
        by_case[r.get<std::string>(1)].push_back(std::move(f));
      }
    }
    auto calendar = load_calendar(sql);
    if (!calendar) throw std::runtime_error(calendar.error().message);
      exec(sql, kCreateDeadlinesSql);
    CopyIn copy(sql, "COPY heat_deadlines (n, prosecution_id, rule_id, citation, count_unit, trigger_date, due_date,"
                     " due_at, note) FROM STDIN");
    for (std::size_t n = 0; n < changes.size(); ++n) {
      const PlannedChange& c = changes[n];
      if (!c.moves_deadlines() || c.after.status == CourtEventStatus::cancelled || c.after.starts_at < w.now) continue;
      for (const Facts& p : by_case[c.case_id]) {
        if (!w.prosecution_id.empty() && p.id != w.prosecution_id) continue;
        auto deadlines = hearing_deadlines(c.after.kind, c.after.starts_at, p.facts, *calendar);
        if (!deadlines) continue;  // a date the calendar cannot count: no deadline, the hearing stands
        for (const Deadline& d : *deadlines) {
          const DeadlineRule rule = find_deadline_rule(d.rule_id).value();
          copy.row({std::to_string(n), p.id, d.rule_id, std::string(rule.citation), std::string(to_string(rule.unit)),
                    format_date(d.trigger_date), format_date(d.due_date), ts(d.due_at), d.note});
        }
      }
    }
    if (copy.finish() > 0) sql << kInsertDeadlinesSql, soci::use(now, "now"), soci::use(now, "now2");
  }

  sql << kNotifySql, soci::use(now, "now"), soci::use(w.actor, "by");
  soci::rowset<std::string> ids = (sql.prepare << "SELECT id::text FROM heat_changes WHERE op = 'create' ORDER BY n");
  for (const auto& id : ids) created.push_back(id);
  return created;
}

struct LockedFeed {
  std::string id;
  std::string unit;
};

// Docket -> case: the feed's remembered hand matches first, then a docket that is on exactly
// one case.
std::map<std::string, std::string> match_dockets(soci::session& sql, const std::string& feed_id,
                                                 const std::vector<IncomingHearing>& records) {
  std::set<std::string> wanted;
  for (const auto& r : records)
    if (!r.normalized_docket.empty()) wanted.insert(r.normalized_docket);
  std::map<std::string, std::string> out;
  if (wanted.empty()) return out;
  const std::string array = pg_array({wanted.begin(), wanted.end()});
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT normalized, min(case_id::text), count(DISTINCT case_id)::int FROM case_dockets"
                        " WHERE normalized = ANY(CAST(:a AS text[])) GROUP BY normalized",
         soci::use(array, "a"));
    for (const auto& r : rows)
      if (r.get<int>(2) == 1) out[r.get<std::string>(0)] = r.get<std::string>(1);
  }
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT normalized_docket, case_id::text FROM feed_docket_matches WHERE feed_id = CAST(:f AS uuid)"
                      " AND normalized_docket = ANY(CAST(:a AS text[]))",
       soci::use(feed_id, "f"), soci::use(array, "a"));
  for (const auto& r : rows) out[r.get<std::string>(0)] = r.get<std::string>(1);
  return out;
}

std::vector<StoredHearing> load_stored(soci::session& sql, const std::string& feed_id) {
  std::vector<StoredHearing> out;
  soci::rowset<soci::row> rows = (sql.prepare << kStoredHearingsSql, soci::use(feed_id, "f"));
  for (const auto& r : rows) {
    StoredHearing h;
    h.id = r.get<std::string>(0);
    h.case_id = r.get<std::string>(1);
    h.source_key = r.get<std::string>(2);
    h.source_sequence = r.get<int>(3);
    h.kind = parse_court_event_kind(r.get<std::string>(4)).value();
    h.starts_at = *micros(r, 5);
    h.ends_at = micros(r, 6);
    h.all_day = r.get<int>(7) != 0;
    h.department = r.get<std::string>(8);
    h.judge = r.get<std::string>(9);
    h.docket = r.get<std::string>(10);
    h.status = parse_court_event_status(r.get<std::string>(11)).value();
    h.cancel_reason = r.get<std::string>(12);
    out.push_back(std::move(h));
  }
  return out;
}

// The import itself, inside the caller's transaction and under the feed's row lock.
// forced_case: every record belongs to this case (a hand match).
ImportReport import_locked(soci::session& sql, const LockedFeed& feed, const FeedImport& batch,
                           const std::string& forced_case, const AuditEntry& audit) {
  ImportReport report;
  report.mode = batch.mode;
  report.records = static_cast<int>(batch.records.size());
  report.rejected = batch.rejected;
  report.warnings = batch.warnings;
  report.import_id = new_uuid(sql);
  std::vector<IncomingHearing> records;
  records.reserve(batch.records.size());
  for (const auto& r : batch.records) records.push_back(cleaned(r));

  ReconcileInput in;
  in.mode = batch.mode;
  in.now = audit.at;
  in.case_ids.resize(records.size());
  if (!forced_case.empty()) {
    std::fill(in.case_ids.begin(), in.case_ids.end(), forced_case);
  } else {
    const auto matches = match_dockets(sql, feed.id, records);
    for (std::size_t i = 0; i < records.size(); ++i)
      if (auto it = matches.find(records[i].normalized_docket); it != matches.end()) in.case_ids[i] = it->second;
  }
  in.existing = load_stored(sql, feed.id);
  in.incoming = std::move(records);
  ReconcilePlan plan = reconcile(in);

  WriteScope w{feed.id, "", report.import_id, audit.at, actor_of(audit)};
  write_changes(sql, plan.changes, w);
  for (const auto& c : plan.changes) {
    switch (c.action) {
      case PlanAction::create: ++report.created; break;
      case PlanAction::cancel: ++report.cancelled; break;
      default: ++report.updated; break;
    }
  }
  report.unchanged = plan.unchanged;
  report.unmatched = static_cast<int>(plan.unmatched.size());
  for (auto& r : plan.rejected) report.rejected.push_back(std::move(r));
  for (auto& x : plan.warnings) report.warnings.push_back(std::move(x));

  const std::string now = ts(audit.at);
  if (!plan.unmatched.empty()) {
      exec(sql, kCreateUnmatchedSql);
    {
      CopyIn copy(sql, "COPY heat_unmatched (source_key, docket, normalized_docket, record, line, uid) FROM STDIN");
      for (std::size_t i : plan.unmatched) {
        const IncomingHearing& r = in.incoming[i];
        copy.row({source_key(r), r.docket, r.normalized_docket, to_json_text(r),
                  r.line ? std::optional<std::string>(std::to_string(*r.line)) : std::nullopt,
                  r.uid.empty() ? std::nullopt : std::optional<std::string>(r.uid)});
      }
      copy.finish();
    }
    sql << kUpsertUnmatchedSql, soci::use(feed.id, "f"), soci::use(now, "now"), soci::use(now, "now2");
  }
  if (!plan.changes.empty()) sql << kResolveCreatedSql, soci::use(now, "now"), soci::use(feed.id, "f");

  const std::string report_json = to_json_text(report);
  const std::string origin = to_string(batch.origin);
  const std::string mode = to_string(batch.mode);
  const std::string actor = actor_of(audit);
  const long long bytes = static_cast<long long>(batch.bytes);
  const int rejected = static_cast<int>(report.rejected.size());
  sql << kInsertImportSql, soci::use(report.import_id, "id"), soci::use(feed.id, "f"), soci::use(origin, "origin"),
      soci::use(mode, "mode"), soci::use(batch.content_sha256, "sha"), soci::use(bytes, "bytes"),
      soci::use(report.records, "records"), soci::use(report.created, "created"), soci::use(report.updated, "updated"),
      soci::use(report.cancelled, "cancelled"), soci::use(report.unchanged, "unchanged"),
      soci::use(report.unmatched, "unmatched"), soci::use(rejected, "rejected"), soci::use(report_json, "report"),
      soci::use(actor, "by"), soci::use(now, "now");

  AuditEntry a = audit;
  if (a.action.empty()) a.action = "feed.import";
  a.entity = "feed";
  a.entity_id = feed.id;
  a.details = json::serialize(json::object{{"import_id", report.import_id},
                                           {"origin", origin},
                                           {"mode", mode},
                                           {"records", report.records},
                                           {"created", report.created},
                                           {"updated", report.updated},
                                           {"cancelled", report.cancelled},
                                           {"unchanged", report.unchanged},
                                           {"unmatched", report.unmatched},
                                           {"rejected", rejected}});
  append_audit(sql, a);
  return report;
}

std::optional<LockedFeed> lock_feed(soci::session& sql, const std::string& feed_id) {
  if (!is_uuid(feed_id)) return std::nullopt;
  std::string unit;
  soci::indicator ind = soci::i_null;
  sql << "SELECT unit FROM feeds WHERE id = CAST(:id AS uuid) FOR UPDATE", soci::use(feed_id, "id"),
      soci::into(unit, ind);
  if (!sql.got_data()) return std::nullopt;
  return LockedFeed{feed_id, unit};
}

}  // namespace

// ---------------------------------------------------------------------------------------
// COPY

CopyIn::CopyIn(soci::session& sql, const std::string& copy_sql) : conn_(native_connection(sql)) {
  if (conn_ == nullptr) throw std::runtime_error("COPY needs a PostgreSQL session");
  PGresult* res = PQexec(conn_, copy_sql.c_str());
  const bool ok = PQresultStatus(res) == PGRES_COPY_IN;
  const std::string message = ok ? "" : PQerrorMessage(conn_);
  PQclear(res);
  if (!ok) {
    done_ = true;
    throw std::runtime_error("COPY refused: " + message);
  }
  buffer_.reserve(1 << 20);
}

CopyIn::~CopyIn() {
  if (done_ || conn_ == nullptr) return;
  // Left early (an exception): end the COPY so the session can roll back.
  PQputCopyEnd(conn_, "aborted by the client");
  while (PGresult* res = PQgetResult(conn_)) PQclear(res);
}

void CopyIn::row(const std::vector<std::optional<std::string>>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) buffer_ += '\t';
    if (!fields[i]) {
      buffer_ += "\\N";
      continue;
    }
    for (char c : *fields[i]) {
      switch (c) {
        case '\\': buffer_ += "\\\\"; break;
        case '\t': buffer_ += "\\t"; break;
        case '\n': buffer_ += "\\n"; break;
        case '\r': buffer_ += "\\r"; break;
        default: buffer_ += c;
      }
    }
  }
  buffer_ += '\n';
  ++rows_;
  if (buffer_.size() >= (1u << 20)) flush();
}

void CopyIn::flush() {
  if (buffer_.empty()) return;
  if (PQputCopyData(conn_, buffer_.data(), static_cast<int>(buffer_.size())) != 1)
    throw std::runtime_error(std::string("COPY failed: ") + PQerrorMessage(conn_));
  buffer_.clear();
}

std::size_t CopyIn::finish() {
  flush();
  done_ = true;
  if (PQputCopyEnd(conn_, nullptr) != 1) throw std::runtime_error(std::string("COPY failed: ") + PQerrorMessage(conn_));
  std::string error;
  while (PGresult* res = PQgetResult(conn_)) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK && error.empty()) error = PQresultErrorMessage(res);
    PQclear(res);
  }
  if (!error.empty()) throw std::runtime_error("COPY failed: " + error);
  return rows_;
}

// ---------------------------------------------------------------------------------------
// Reading

Result<std::vector<CourtEvent>> PgCourtEventStore::list(const CourtEventFilter& f) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    soci::session& sql = **lease;
    std::string scope;
    // Each form binds :su, :me and :me2 exactly once (SOCI binds by name, once per statement).
    switch (f.scope) {
      case ListScope::all:
        scope = "(CAST(:su AS text) IS NOT NULL OR CAST(:me AS text) IS NOT NULL OR CAST(:me2 AS text) IS NOT NULL"
                " OR true)";
        break;
      case ListScope::unit:
        scope = "(c.unit = :su OR c.lead_dda_id = NULLIF(:me, '')::uuid OR EXISTS (SELECT 1 FROM case_assignments a"
                " WHERE a.case_id = c.id AND a.user_id = NULLIF(:me2, '')::uuid))";
        break;
      case ListScope::advocate_victims:
        scope = "(CAST(:su AS text) IS NOT NULL AND EXISTS (SELECT 1 FROM prosecutions p JOIN victim_links l"
                " ON l.prosecution_id = p.id JOIN victims v ON v.id = l.victim_id WHERE p.case_id = c.id"
                " AND v.advocate_id = NULLIF(:me, '')::uuid AND v.advocate_id = NULLIF(:me2, '')::uuid))";
        break;
      default: return std::vector<CourtEvent>();
    }
    const std::string status = f.status ? to_string(*f.status) : "";
    const std::string from = f.from ? ts(*f.from) : "";
    const std::string to = f.to ? ts(*f.to) : "";
    const std::string after = f.after_starts_at ? ts(*f.after_starts_at) : "";
    const std::string after_id = is_uuid(f.after_id) ? f.after_id : "00000000-0000-0000-0000-000000000000";
    const std::string case_id = f.case_id;
    const int limit = std::max(0, f.limit);
    std::string query = std::string(kEventSelect) + " WHERE " + scope +
                        " AND (:case = '' OR e.case_id = NULLIF(:case2, '')::uuid)"
                        " AND (:status = '' OR e.status = :status2)"
                        " AND (:from = '' OR e.starts_at >= CAST(NULLIF(:from2, '') AS timestamptz))"
                        " AND (:to = '' OR e.starts_at < CAST(NULLIF(:to2, '') AS timestamptz))"
                        " AND (:after = '' OR (e.starts_at, e.id) > (CAST(NULLIF(:after2, '') AS timestamptz),"
                        " CAST(:after_id AS uuid)))"
                        " ORDER BY e.starts_at, e.id LIMIT :lim";
    std::vector<CourtEvent> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << query, soci::use(f.scope_unit, "su"), soci::use(f.scope_user_id, "me"),
         soci::use(f.scope_user_id, "me2"), soci::use(case_id, "case"), soci::use(case_id, "case2"),
         soci::use(status, "status"), soci::use(status, "status2"), soci::use(from, "from"), soci::use(from, "from2"),
         soci::use(to, "to"), soci::use(to, "to2"), soci::use(after, "after"), soci::use(after, "after2"),
         soci::use(after_id, "after_id"), soci::use(limit, "lim"));
    for (const auto& r : rows) out.push_back(read_event(r));
    load_history(sql, out);
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<std::optional<CourtEvent>> PgCourtEventStore::get(const std::string& id) {
  if (!is_uuid(id)) return std::optional<CourtEvent>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    return load_event(**lease, id);
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<std::optional<RecordContext>> PgCourtEventStore::case_context(const std::string& case_id) {
  if (!is_uuid(case_id)) return std::optional<RecordContext>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    return load_case_context(**lease, case_id);
  } catch (...) {
    return current_exception_to_error();
  }
}

// ---------------------------------------------------------------------------------------
// Manual hearings

Result<CourtEvent> PgCourtEventStore::create_manual(const NewCourtEvent& e, const Authorizer& authorize,
                                                    const AuditEntry& audit, const Idempotent<CourtEvent>* idem) {
  if (!is_uuid(e.case_id)) return Error::of(ErrorCode::not_found, "no such case");
  if (!e.prosecution_id.empty() && !is_uuid(e.prosecution_id))
    return Error::invalid("prosecution_id", "no such prosecution in this case");
  if (e.ends_at && *e.ends_at < e.starts_at) return Error::invalid("ends_at", "must not be before starts_at");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<CourtEvent> {
    int found = 0;
    sql << "SELECT 1 FROM cases WHERE id = CAST(:id AS uuid) FOR SHARE", soci::use(e.case_id, "id"), soci::into(found);
    if (!sql.got_data()) return Error::of(ErrorCode::not_found, "no such case");
    auto context = load_case_context(sql, e.case_id);
    if (!context) return Error::of(ErrorCode::not_found, "no such case");
    if (auto s = authorize(*context); !s) return s.error();
    if (!e.prosecution_id.empty()) {
      int of_case = 0;
      sql << "SELECT 1 FROM prosecutions WHERE id = CAST(:p AS uuid) AND case_id = CAST(:c AS uuid)",
          soci::use(e.prosecution_id, "p"), soci::use(e.case_id, "c"), soci::into(of_case);
      if (!sql.got_data()) return Error::invalid("prosecution_id", "no such prosecution in this case");
    }
    if (auto claimed = claim_key(sql, idem, audit.at); !claimed) return claimed.error();
    PlannedChange c;
    c.action = PlanAction::create;
    c.case_id = e.case_id;
    c.after.kind = e.kind;
    c.after.starts_at = e.starts_at;
    c.after.ends_at = e.ends_at;
    c.after.department = clean_text(e.department, 200);
    c.after.judge = clean_text(e.judge, 200);
    c.after.status = CourtEventStatus::scheduled;
    c.after.original_starts_at = e.starts_at;
    c.change = CourtEventChangeKind::created;
    c.reason = "entered by hand";
    WriteScope w{"", e.prosecution_id, "", audit.at, actor_of(audit)};
    const auto ids = write_changes(sql, {c}, w);
    if (ids.size() != 1) return Error::of(ErrorCode::internal, "the hearing was not created");
    AuditEntry a = audit;
    a.entity = "court_event";
    a.entity_id = ids.front();
    a.details = json::serialize(json::object{{"case_id", e.case_id},
                                             {"prosecution_id", e.prosecution_id},
                                             {"kind", to_string(e.kind)},
                                             {"starts_at", ts(e.starts_at)}});
    append_audit(sql, a);
    auto made = load_event(sql, ids.front());
    if (!made) return Error::of(ErrorCode::internal, "the hearing was not created");
    store_response(sql, idem, *made);
    return std::move(*made);
  });
}

// ---------------------------------------------------------------------------------------
// Feeds

Result<Feed> PgCourtEventStore::create_feed(const NewFeed& f, const AuditEntry& audit, const Idempotent<Feed>* idem) {
  return in_transaction(pool_, [&](soci::session& sql) -> Result<Feed> {
    if (auto claimed = claim_key(sql, idem, audit.at); !claimed) return claimed.error();
    const std::string kind = to_string(f.kind);
    const std::string mode = to_string(f.mode);
    const std::string now = ts(audit.at);
    const std::string actor = actor_of(audit);
    std::string id;
    sql << "INSERT INTO feeds (name, kind, unit, url, mapping, mode, created_by, created_at, updated_at)"
           " VALUES (:name, :kind, :unit, NULLIF(:url, ''), CAST(:mapping AS jsonb), :mode, NULLIF(:by, '')::uuid,"
           " CAST(:now AS timestamptz), CAST(:now2 AS timestamptz)) RETURNING id::text",
        soci::use(f.name, "name"), soci::use(kind, "kind"), soci::use(f.unit, "unit"), soci::use(f.url, "url"),
        soci::use(f.mapping_json, "mapping"), soci::use(mode, "mode"), soci::use(actor, "by"), soci::use(now, "now"),
        soci::use(now, "now2"), soci::into(id);
    AuditEntry a = audit;
    a.entity = "feed";
    a.entity_id = id;
    a.details = json::serialize(json::object{{"name", f.name}, {"kind", kind}, {"unit", f.unit}, {"mode", mode}});
    append_audit(sql, a);
    auto made = load_feed(sql, "id = CAST(:v AS uuid)", id);
    if (!made) return Error::of(ErrorCode::internal, "the feed was not created");
    store_response(sql, idem, *made);
    return std::move(*made);
  });
}

Result<std::optional<Feed>> PgCourtEventStore::get_feed(const std::string& id) {
  if (!is_uuid(id)) return std::optional<Feed>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    return load_feed(**lease, "id = CAST(:v AS uuid)", id);
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<std::optional<Feed>> PgCourtEventStore::find_feed(const std::string& name) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    return load_feed(**lease, "name = :v", name);
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<std::vector<Feed>> PgCourtEventStore::list_feeds(const FeedFilter& f) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    std::vector<Feed> out;
    const int limit = std::max(0, f.limit);
    soci::rowset<soci::row> rows =
        ((**lease).prepare << std::string(kFeedSelect) +
                                  " WHERE (:unit = '' OR unit = :unit2) AND name > :after ORDER BY name LIMIT :lim",
         soci::use(f.unit, "unit"), soci::use(f.unit, "unit2"), soci::use(f.after_name, "after"),
         soci::use(limit, "lim"));
    for (const auto& r : rows) out.push_back(read_feed(r));
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

// ---------------------------------------------------------------------------------------
// Imports and the unmatched queue

Result<ImportReport> PgCourtEventStore::import(const FeedImport& batch, const AuditEntry& audit) {
  return in_transaction(pool_, [&](soci::session& sql) -> Result<ImportReport> {
    auto feed = lock_feed(sql, batch.feed_id);
    if (!feed) return Error::of(ErrorCode::not_found, "no such feed");
    return import_locked(sql, *feed, batch, "", audit);
  });
}

Result<std::vector<UnmatchedRecord>> PgCourtEventStore::unmatched(const std::string& feed_id, int limit,
                                                                  const std::string& after_id) {
  if (!is_uuid(feed_id)) return std::vector<UnmatchedRecord>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    std::vector<UnmatchedRecord> out;
    const std::string after = is_uuid(after_id) ? after_id : "";
    const int lim = std::max(0, limit);
    soci::rowset<soci::row> rows =
        ((**lease).prepare << "SELECT u.id::text, u.feed_id::text, u.source_key, u.docket, u.normalized_docket,"
                              " u.record::text, " HEAT_MICROS("u.first_seen") ", " HEAT_MICROS("u.last_seen")
                              " FROM feed_unmatched u WHERE u.feed_id = CAST(:f AS uuid) AND u.resolved_at IS NULL"
                              " AND (:after = '' OR (u.first_seen, u.id) > (SELECT x.first_seen, x.id FROM"
                              " feed_unmatched x WHERE x.id = CAST(NULLIF(:after2, '') AS uuid)))"
                              " ORDER BY u.first_seen, u.id LIMIT :lim",
         soci::use(feed_id, "f"), soci::use(after, "after"), soci::use(after, "after2"), soci::use(lim, "lim"));
    for (const auto& r : rows) {
      UnmatchedRecord u;
      u.id = r.get<std::string>(0);
      u.feed_id = r.get<std::string>(1);
      u.source_key = r.get<std::string>(2);
      u.docket = r.get<std::string>(3);
      u.normalized_docket = r.get<std::string>(4);
      auto record = incoming_hearing_from_json(r.get<std::string>(5));
      if (record) u.record = std::move(*record);
      u.first_seen = *micros(r, 6);
      u.last_seen = *micros(r, 7);
      out.push_back(std::move(u));
    }
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<ImportReport> PgCourtEventStore::match(const std::string& feed_id, const std::string& unmatched_id,
                                              const std::string& case_id, const Authorizer& authorize,
                                              const AuditEntry& audit) {
  if (!is_uuid(unmatched_id)) return Error::of(ErrorCode::not_found, "no such unmatched record");
  if (!is_uuid(case_id)) return Error::of(ErrorCode::not_found, "no such case");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<ImportReport> {
    auto feed = lock_feed(sql, feed_id);
    if (!feed) return Error::of(ErrorCode::not_found, "no such feed");
    std::string docket;
    sql << "SELECT normalized_docket FROM feed_unmatched WHERE id = CAST(:id AS uuid) AND feed_id = CAST(:f AS uuid)"
           " AND resolved_at IS NULL FOR UPDATE",
        soci::use(unmatched_id, "id"), soci::use(feed_id, "f"), soci::into(docket);
    if (!sql.got_data()) return Error::of(ErrorCode::not_found, "no such unmatched record");
    auto context = load_case_context(sql, case_id);
    if (!context) return Error::of(ErrorCode::not_found, "no such case");
    if (auto s = authorize(*context); !s) return s.error();
    const std::string now = ts(audit.at);
    const std::string actor = actor_of(audit);
    if (!docket.empty()) {
      sql << "INSERT INTO feed_docket_matches (feed_id, normalized_docket, case_id, matched_by, matched_at)"
             " VALUES (CAST(:f AS uuid), :d, CAST(:c AS uuid), NULLIF(:by, '')::uuid, CAST(:now AS timestamptz))"
             " ON CONFLICT (feed_id, normalized_docket) DO UPDATE SET case_id = EXCLUDED.case_id,"
             " matched_by = EXCLUDED.matched_by, matched_at = EXCLUDED.matched_at",
          soci::use(feed_id, "f"), soci::use(docket, "d"), soci::use(case_id, "c"), soci::use(actor, "by"),
          soci::use(now, "now");
    }
    // The chosen record, and every other waiting record of the feed with the same docket.
    FeedImport batch;
    batch.feed_id = feed_id;
    batch.mode = ImportMode::incremental;
    batch.origin = ImportOrigin::match;
    std::vector<std::string> ids;
    {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT id::text, record::text FROM feed_unmatched WHERE feed_id = CAST(:f AS uuid)"
                          " AND resolved_at IS NULL AND (id = CAST(:id AS uuid) OR (:d <> '' AND normalized_docket = :d2))"
                          " ORDER BY first_seen, id FOR UPDATE",
           soci::use(feed_id, "f"), soci::use(unmatched_id, "id"), soci::use(docket, "d"), soci::use(docket, "d2"));
      for (const auto& r : rows) {
        auto record = incoming_hearing_from_json(r.get<std::string>(1));
        if (!record) return record.error();
        ids.push_back(r.get<std::string>(0));
        batch.records.push_back(std::move(*record));
      }
    }
    AuditEntry a = audit;
    if (a.action.empty()) a.action = "feed.match";
    auto report = import_locked(sql, *feed, batch, case_id, a);
    const std::string array = pg_array(ids);
    sql << "UPDATE feed_unmatched SET resolved_at = CAST(:now AS timestamptz), resolved_case_id = CAST(:c AS uuid),"
           " resolved_by = NULLIF(:by, '')::uuid WHERE id = ANY(CAST(:ids AS uuid[]))",
        soci::use(now, "now"), soci::use(case_id, "c"), soci::use(actor, "by"), soci::use(array, "ids");
    return report;
  });
}

// ---------------------------------------------------------------------------------------
// Reminders

Result<int> PgCourtEventStore::sweep_reminders(TimePoint now, const std::vector<int>& days_ahead) {
  std::vector<int> leads;
  for (int d : days_ahead)
    if (d > 0) leads.push_back(d);
  std::sort(leads.begin(), leads.end());
  leads.erase(std::unique(leads.begin(), leads.end()), leads.end());
  return in_transaction(pool_, [&](soci::session& sql) -> Result<int> {
    int queued = 0;
    const std::string from_now = ts(now);
    // Each lead time covers the hearings between the next shorter lead and itself, so a
    // hearing set late gets one reminder now, not one per lead at once.
    for (std::size_t i = 0; i < leads.size(); ++i) {
      const std::string lower = ts(now + std::chrono::days(i == 0 ? 0 : leads[i - 1]));
      const std::string upper = ts(now + std::chrono::days(leads[i]));
      const std::string prefix = "hearing_reminder:" + std::to_string(leads[i]) + ":";
      const int lead = leads[i];
      soci::rowset<soci::row> added =
          (sql.prepare << "INSERT INTO notifications (user_id, kind, subject_id, dedupe_key, payload, created_at)"
                          " SELECT r.user_id, 'hearing_reminder', e.id::text, CAST(:prefix AS text) || e.id::text"
                          " || ':' || " HEAT_MICROS("e.starts_at") "::text,"
                          " json_build_object('event_id', e.id, 'case_id', e.case_id, 'kind', e.kind,"
                          " 'starts_at', e.starts_at, 'department', e.department, 'days_ahead', CAST(:lead AS integer))::text,"
                          " CAST(:now AS timestamptz) FROM court_events e JOIN LATERAL ("
                          " SELECT c.lead_dda_id AS user_id FROM cases c WHERE c.id = e.case_id AND c.lead_dda_id IS NOT NULL"
                          " UNION SELECT a.user_id FROM case_assignments a WHERE a.case_id = e.case_id"
                          " UNION SELECT v.advocate_id FROM victim_links l JOIN victims v ON v.id = l.victim_id"
                          " JOIN prosecutions p ON p.id = l.prosecution_id WHERE p.case_id = e.case_id"
                          " AND (e.prosecution_id IS NULL OR p.id = e.prosecution_id) AND v.advocate_id IS NOT NULL) r ON true"
                          " WHERE e.status IN ('scheduled', 'continued') AND e.starts_at > CAST(:lower AS timestamptz)"
                          " AND e.starts_at <= CAST(:upper AS timestamptz) AND e.starts_at > CAST(:now2 AS timestamptz)"
                          " ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING 1",
           soci::use(prefix, "prefix"), soci::use(lead, "lead"), soci::use(from_now, "now"), soci::use(lower, "lower"),
           soci::use(upper, "upper"), soci::use(from_now, "now2"));
      for (auto it = added.begin(); it != added.end(); ++it) ++queued;
    }
    return queued;
  });
}

}  // namespace heat::db
